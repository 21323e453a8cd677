// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_careless: a test-only driver that leaves a mess, for
 * selftests/careless_test.sh.
 *
 * Its init reserves IPIs through cxipi's API on both provider domains and
 * requests a handler on one of them; its exit destroys none of it, as a
 * careless driver would, so that unloading cxipi.ko afterwards has to clean
 * up.  With foreign=1 it also allocates a virq on cxipi-percpu directly with
 * __irq_domain_alloc_irqs(), not through the API (as the kernel's own
 * irq_reserve_ipi() does on arm64), which cxipi.ko must stay pinned by while
 * it lives; that one it frees at exit.  It logs what it made:
 * "cxipi_careless: percpu <virq> single <virq> foreign <virq>".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/irqdomain.h>
#include <linux/module.h>

#include "../../include/cxipi.h"

static bool foreign;
module_param(foreign, bool, 0444);
MODULE_PARM_DESC(foreign, "Also allocate a virq outside the IPI API");

static int foreign_virq;

static irqreturn_t careless_handler(int irq, void *dev_id)
{
	return IRQ_HANDLED;
}

static int __init careless_init(void)
{
	struct irq_domain *percpu = cxipi_domain_get("cxipi-percpu");
	struct irq_domain *single = cxipi_domain_get("cxipi-single");
	int pc, sg, ret;

	if (!percpu || !single || nr_cpu_ids < 2)
		return -ENODEV;
	pc = cxipi_irq_reserve_ipi(percpu, cpumask_of(1));
	if (pc < 0)
		return pc;
	sg = cxipi_irq_reserve_ipi(single, cpu_possible_mask);
	if (sg < 0)
		return sg;
	ret = request_irq(pc, careless_handler, IRQF_NO_THREAD, KBUILD_MODNAME,
			  &foreign_virq);
	if (ret)
		return ret;
	if (foreign) {
		foreign_virq = __irq_domain_alloc_irqs(percpu, -1, 1,
						       NUMA_NO_NODE,
						       (void *)cpumask_of(0),
						       false, NULL);
		if (foreign_virq < 0)
			return foreign_virq;
	}
	pr_info("percpu %d single %d foreign %d\n", pc, sg, foreign_virq);
	return 0;
}

static void __exit careless_exit(void)
{
	if (foreign_virq > 0)
		irq_dispose_mapping(foreign_virq);
}

module_init(careless_init);
module_exit(careless_exit);

MODULE_DESCRIPTION("Test-only driver that unloads without destroying its IPIs");
MODULE_AUTHOR("The cxipi developers");
MODULE_LICENSE("GPL");
