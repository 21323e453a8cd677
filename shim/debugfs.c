// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/cxipi/<domain>: the state of one provider domain, in
 * the spirit of GENERIC_IRQ_DEBUGFS: each allocated hwirq with its virq,
 * its reservation, whether it is masked, and where it is pending.  For
 * people debugging; no ABI promise.
 */
#include <linux/debugfs.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/seq_file.h>

#include "cxipi_shim.h"

static struct dentry *cxipi_debugfs_dir;

static void cxipi_show_hwirq(struct seq_file *m, struct cxipi_domain *dom,
			     unsigned int hwirq, unsigned int virq)
{
	struct irq_data *data = irq_get_irq_data(virq);
	struct cxipi_resv *resv;
	unsigned int cpu;

	seq_printf(m, "%5u %6u %-6s", hwirq, virq,
		   data && irqd_irq_masked(data) ? "masked" : "-");
	resv = cxipi_resv_lookup(virq);
	if (resv)
		seq_printf(m, " base=%u targets=%*pbl", cxipi_resv_base(resv),
			   nr_cpu_ids, cxipi_resv_targets(resv));
	seq_puts(m, " pending:");
	for_each_possible_cpu(cpu)
		if (cxipi_doorbells_pending(dom->bells, cpu, hwirq))
			seq_printf(m, " %u", cpu);
	seq_putc(m, '\n');
}

/*
 * Whether ipi_send_mask() can kick with one batch: only where preemptible()
 * tells a caller holding a spinlock from one that may wait
 * (CONFIG_PREEMPT_COUNT; Debian's arm64 kernels have none).
 */
static bool cxipi_fanout_batches = IS_ENABLED(CONFIG_PREEMPT_COUNT);

/*
 * Under cxipi_ipi_lock, so that no reserve or destroy allocates or frees a
 * virq of the domain, or its irq data, while they are read.
 */
static int cxipi_domain_show(struct seq_file *m, void *unused)
{
	struct cxipi_domain *dom = m->private;
	unsigned int hwirq, virq;

	mutex_lock(&cxipi_ipi_lock);
	seq_printf(m, "domain %s kind %s hwirqs %u free %u retiring %u\n",
		   dom->name,
		   dom->kind == CXIPI_KIND_SINGLE ? "single" : "per_cpu",
		   dom->nr_hwirqs, cxipi_hwirq_pool_free_count(dom->pool),
		   dom->retiring);
	seq_puts(m, "hwirq   virq mask   reservation / pending CPUs\n");
	for (hwirq = 0; hwirq < dom->nr_hwirqs; hwirq++) {
		virq = irq_find_mapping(dom->domain, hwirq);
		if (virq)
			cxipi_show_hwirq(m, dom, hwirq, virq);
	}
	mutex_unlock(&cxipi_ipi_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cxipi_domain);

/**
 * cxipi_debugfs_init() - one file per provider domain under debugfs/cxipi/
 *
 * Failure to create debugfs files is not an error: the module works without.
 */
void cxipi_debugfs_init(void)
{
	int i;

	cxipi_debugfs_dir = debugfs_create_dir("cxipi", NULL);
	debugfs_create_bool("fanout_batches", 0400, cxipi_debugfs_dir,
			    &cxipi_fanout_batches);
	for (i = 0; i < ARRAY_SIZE(cxipi_domains); i++)
		debugfs_create_file(cxipi_domains[i]->name, 0400,
				    cxipi_debugfs_dir, cxipi_domains[i],
				    &cxipi_domain_fops);
}

/**
 * cxipi_debugfs_exit() - remove debugfs/cxipi/
 */
void cxipi_debugfs_exit(void)
{
	debugfs_remove_recursive(cxipi_debugfs_dir);
}
