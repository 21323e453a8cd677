// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi: the generic IPI API and IPI provider domains for coprocessor IPIs,
 * on kernels whose architecture does not build kernel/irq/ipi.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "cxipi_shim.h"

/* Enough for every CPU of a large machine; the doorbell map stays small. */
#define CXIPI_MAX_HWIRQS 65536

static unsigned int percpu_hwirqs = 256;
module_param(percpu_hwirqs, uint, 0444);
MODULE_PARM_DESC(percpu_hwirqs, "Doorbells of cxipi-percpu (default 256)");

static unsigned int single_hwirqs = 64;
module_param(single_hwirqs, uint, 0444);
MODULE_PARM_DESC(single_hwirqs, "Doorbells of cxipi-single (default 64)");

static int __init cxipi_init(void)
{
	int ret;

	if (!percpu_hwirqs || percpu_hwirqs > CXIPI_MAX_HWIRQS ||
	    !single_hwirqs || single_hwirqs > CXIPI_MAX_HWIRQS) {
		pr_warn("percpu_hwirqs and single_hwirqs must be 1-%u\n",
			CXIPI_MAX_HWIRQS);
		return -EINVAL;
	}

	cxipi_alloc_count_start();
	ret = cxipi_ipi_init();
	if (ret)
		return ret;
	ret = cxipi_domains_init(percpu_hwirqs, single_hwirqs);
	if (ret)
		goto err_ipi;
	ret = cxipi_hotplug_init();
	if (ret)
		goto err_domains;
	ret = cxipi_sysfs_init();
	if (ret)
		goto err_hotplug;
	ret = cxipi_link_init();
	if (ret)
		goto err_sysfs;
	cxipi_debugfs_init();

	pr_info("loaded: cxipi-percpu with %u hwirqs, cxipi-single with %u\n",
		percpu_hwirqs, single_hwirqs);
	return 0;

err_sysfs:
	cxipi_sysfs_exit();
err_hotplug:
	cxipi_hotplug_exit();
err_domains:
	cxipi_domains_exit();
err_ipi:
	cxipi_ipi_exit();
	return ret;
}

static void __exit cxipi_exit(void)
{
	cxipi_debugfs_exit();
	/* First: a link's interrupt rings the domains' doorbells. */
	cxipi_link_exit();
	cxipi_sysfs_exit();
	/* Before the domains: it destroys what careless users left there. */
	cxipi_ipi_exit();
	cxipi_hotplug_exit();
	cxipi_domains_exit();
	pr_info("unloaded\n");
}

module_init(cxipi_init);
module_exit(cxipi_exit);

MODULE_DESCRIPTION("Generic IPI API and IPI provider domains for coprocessors");
MODULE_AUTHOR("The cxipi developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(CXIPI_VERSION);
