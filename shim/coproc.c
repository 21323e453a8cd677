// SPDX-License-Identifier: GPL-2.0
/*
 * The coprocessor side of cxipi's provider domains.  A CPU that is possible
 * but not online for Linux is a coprocessor: IPIs raised at it latch in its
 * doorbell bank, where its endpoint reads and acknowledges them; and it can
 * raise a hwirq at a Linux CPU, which runs the mapped virq's handler there.
 */
#include <linux/cpumask.h>
#include <linux/module.h>

#include "cxipi_shim.h"

static struct cxipi_domain *cxipi_coproc_domain(struct irq_domain *domain,
						unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return NULL;
	return cxipi_domain_of(domain);
}

/**
 * cxipi_coproc_take() - take the lowest pending doorbell of a coprocessor
 * @domain: one of cxipi's provider domains
 * @cpu: the coprocessor: possible, not online
 * @hwirq: where the doorbell taken is stored
 *
 * The take is exclusive with the CPU's hand-over to Linux: once it has come
 * online (cxipi's hotplug state ran on it), no take or ack succeeds, and
 * every doorbell is either taken here or delivered by Linux, never both.
 *
 * Context: any context; spins briefly against CPU hotplug only.
 * Return: 1 when a doorbell was taken, 0 when none is pending, -EINVAL for
 * a domain that is not cxipi's or a CPU that is not possible, -EBUSY for a
 * CPU that is Linux's (its doorbells are Linux's to deliver).
 */
int cxipi_coproc_take(struct irq_domain *domain, unsigned int cpu,
		      irq_hw_number_t *hwirq)
{
	struct cxipi_domain *dom = cxipi_coproc_domain(domain, cpu);
	struct cxipi_cpu_owner *owner;
	unsigned long flags;
	unsigned int taken;
	int ret;

	if (!dom)
		return -EINVAL;
	owner = cxipi_cpu_owner(cpu);
	raw_spin_lock_irqsave(&owner->lock, flags);
	ret = owner->linux_owns ? -EBUSY :
				  cxipi_doorbells_take(dom->bells, cpu, &taken);
	raw_spin_unlock_irqrestore(&owner->lock, flags);
	if (ret == -EBUSY)
		return ret;
	if (ret == 1)
		*hwirq = taken;
	return ret < 0 ? -EINVAL : ret;
}
EXPORT_SYMBOL_GPL(cxipi_coproc_take);

/**
 * cxipi_coproc_ack() - acknowledge one doorbell of a coprocessor
 * @domain: one of cxipi's provider domains
 * @cpu: the coprocessor: possible, not online
 * @hwirq: the doorbell
 *
 * Exclusive with the CPU's hand-over to Linux, as cxipi_coproc_take().
 *
 * Context: any context; spins briefly against CPU hotplug only.
 * Return: 0 when it was pending and is now clear, -ENOENT when it was not
 * pending, -EINVAL for a bad domain, CPU or hwirq, -EBUSY for a CPU that is
 * Linux's.
 */
int cxipi_coproc_ack(struct irq_domain *domain, unsigned int cpu,
		     irq_hw_number_t hwirq)
{
	struct cxipi_domain *dom = cxipi_coproc_domain(domain, cpu);
	struct cxipi_cpu_owner *owner;
	unsigned long flags;
	int ret;

	if (!dom || hwirq >= dom->nr_hwirqs)
		return -EINVAL;
	owner = cxipi_cpu_owner(cpu);
	raw_spin_lock_irqsave(&owner->lock, flags);
	ret = owner->linux_owns ? -EBUSY :
				  cxipi_doorbells_ack(dom->bells, cpu, hwirq);
	raw_spin_unlock_irqrestore(&owner->lock, flags);
	if (ret == -EBUSY)
		return ret;
	return ret == 1 ? 0 : ret == 0 ? -ENOENT : -EINVAL;
}
EXPORT_SYMBOL_GPL(cxipi_coproc_ack);

/**
 * cxipi_coproc_pending() - whether a doorbell of a CPU is pending
 * @domain: one of cxipi's provider domains
 * @cpu: any possible CPU
 * @hwirq: the doorbell
 *
 * Context: any context; lock-free.
 * Return: true when pending; false otherwise or for bad arguments.
 */
bool cxipi_coproc_pending(struct irq_domain *domain, unsigned int cpu,
			  irq_hw_number_t hwirq)
{
	struct cxipi_domain *dom = cxipi_coproc_domain(domain, cpu);

	return dom && hwirq < dom->nr_hwirqs &&
	       cxipi_doorbells_pending(dom->bells, cpu, hwirq);
}
EXPORT_SYMBOL_GPL(cxipi_coproc_pending);

/**
 * cxipi_coproc_raise() - a coprocessor rings a doorbell at a CPU
 * @domain: one of cxipi's provider domains
 * @cpu: target CPU: online, the handler of the virq mapped to @hwirq runs
 *	 there in hard-irq context; not online, the doorbell latches
 * @hwirq: the doorbell, as ipi_get_hwirq() told the coprocessor
 *
 * Context: any context, hard irq included; lock-free.
 * Return: 0, or -EINVAL for a bad domain, CPU or hwirq.
 */
int cxipi_coproc_raise(struct irq_domain *domain, unsigned int cpu,
		       irq_hw_number_t hwirq)
{
	struct cxipi_domain *dom = cxipi_coproc_domain(domain, cpu);

	if (!dom || hwirq >= dom->nr_hwirqs)
		return -EINVAL;
	cxipi_ring(dom, cpu, hwirq);
	return 0;
}
EXPORT_SYMBOL_GPL(cxipi_coproc_raise);

/**
 * cxipi_bank_raised() - how many raises a CPU's doorbell bank has counted
 * @domain: one of cxipi's provider domains
 * @cpu: any possible CPU
 *
 * The first of the bank's books (the rest are in sysfs, cpu<N>/stats): a
 * driver or a test can check that every send that returned 0 raised.  It
 * is the sum of the doorbells consumed and those pending, so a doorbell
 * being delivered, taken or dropped at that moment may be missed: the
 * count is exact once those have ended (after cxipi_destroy_barrier(),
 * when nobody takes or acks).
 *
 * Context: any context; lock-free.
 * Return: the count, or 0 for bad arguments.
 */
unsigned long cxipi_bank_raised(struct irq_domain *domain, unsigned int cpu)
{
	struct cxipi_domain *dom = cxipi_coproc_domain(domain, cpu);
	struct cxipi_doorbell_stats stats;

	if (!dom || cxipi_doorbells_stats(dom->bells, cpu, &stats))
		return 0;
	return stats.raised;
}
EXPORT_SYMBOL_GPL(cxipi_bank_raised);
