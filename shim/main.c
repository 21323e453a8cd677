// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi: the generic IPI API and IPI provider domains for coprocessor IPIs,
 * on kernels whose architecture does not build kernel/irq/ipi.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "cxipi.h"

static unsigned int percpu_hwirqs = 64;
module_param(percpu_hwirqs, uint, 0444);
MODULE_PARM_DESC(percpu_hwirqs,
		 "Doorbells (hwirqs) of the cxipi-percpu domain (default 64)");

static struct cxipi_domain *cxipi_percpu;

static int __init cxipi_init(void)
{
	int ret;

	if (!percpu_hwirqs) {
		pr_warn("percpu_hwirqs must be at least 1\n");
		return -EINVAL;
	}

	ret = cxipi_ipi_init();
	if (ret)
		return ret;

	cxipi_percpu = cxipi_domain_create("cxipi-percpu", CXIPI_KIND_PER_CPU,
					   percpu_hwirqs);
	if (IS_ERR(cxipi_percpu)) {
		ret = PTR_ERR(cxipi_percpu);
		goto err_ipi;
	}

	ret = cxipi_sysfs_init(cxipi_percpu);
	if (ret)
		goto err_domain;

	pr_info("loaded: domain %s with %u hwirqs\n", cxipi_percpu->name,
		percpu_hwirqs);
	return 0;

err_domain:
	cxipi_domain_destroy(cxipi_percpu);
err_ipi:
	cxipi_ipi_exit();
	return ret;
}

static void __exit cxipi_exit(void)
{
	cxipi_sysfs_exit();
	cxipi_domain_destroy(cxipi_percpu);
	cxipi_ipi_exit();
	pr_info("unloaded\n");
}

module_init(cxipi_init);
module_exit(cxipi_exit);

MODULE_DESCRIPTION("Generic IPI API and IPI provider domains for coprocessors");
MODULE_AUTHOR("The cxipi developers");
MODULE_LICENSE("GPL");
