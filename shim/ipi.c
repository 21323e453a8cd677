// SPDX-License-Identifier: GPL-2.0
/*
 * The generic IPI API on any IPI domain.  What to check and how a
 * reservation is laid out is the core's; this file turns kernel objects
 * into core calls and back.  Reserve and destroy sleep and are serialized
 * by cxipi_ipi_lock; lookups for sends are lock-free under RCU, and a
 * reservation is freed only after a grace period, so a send racing with a
 * destroy either delivers or fails with -EINVAL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "cxipi.h"

static DEFINE_MUTEX(cxipi_ipi_lock);
static struct cxipi_registry *cxipi_registry;

static enum cxipi_domain_kind cxipi_kind_of(struct irq_domain *domain)
{
	return irq_domain_is_ipi_single(domain) ? CXIPI_KIND_SINGLE :
						  CXIPI_KIND_PER_CPU;
}

static void cxipi_free_virqs(const struct cxipi_resv *resv)
{
	const unsigned long *targets = cxipi_resv_targets(resv);
	unsigned int cpu;

	if (cxipi_resv_nr_virqs(resv) == 1) {
		irq_dispose_mapping(cxipi_resv_base(resv));
		return;
	}
	for_each_set_bit(cpu, targets, nr_cpu_ids)
		irq_dispose_mapping(cxipi_resv_virq_of(resv, cpu));
}

static void cxipi_mark_virqs(const struct cxipi_resv *resv,
			     const struct cpumask *dest)
{
	unsigned int i, base = cxipi_resv_base(resv);

	for (i = 0; i < cxipi_resv_nr_virqs(resv); i++) {
		irq_data_update_affinity(irq_get_irq_data(base + i), dest);
		irq_set_status_flags(base + i, IRQ_NO_BALANCING);
	}
}

static const char *const cxipi_reserve_warnings[] = {
	[CXIPI_RESERVE_NOT_POSSIBLE] =
		"destination is not in cpu_possible_mask",
	[CXIPI_RESERVE_EMPTY] = "destination mask is empty",
	[CXIPI_RESERVE_HOLE] = "destination mask has holes",
};

/**
 * cxipi_irq_reserve_ipi() - set up an IPI to a destination cpumask
 * @domain: IPI domain
 * @dest: CPUs that can receive the IPI; must be possible, need not be online
 *
 * Allocate one virq per CPU of @dest (PER_CPU domain, @dest without holes)
 * or one virq for all of @dest (SINGLE domain).
 *
 * Context: process context, may sleep.
 * Return: the first virq on success; -EINVAL for a bad domain or mask;
 * otherwise the real cause of the allocation failure (-ENOMEM, -ENOSPC).
 */
int cxipi_irq_reserve_ipi(struct irq_domain *domain, const struct cpumask *dest)
{
	struct cxipi_reserve_plan plan;
	enum cxipi_reserve_check check;
	struct cxipi_resv *resv;
	int virq, ret;

	if (!domain || !irq_domain_is_ipi(domain)) {
		pr_warn("reservation on a non-IPI domain\n");
		return -EINVAL;
	}
	check = cxipi_reserve_check(cxipi_kind_of(domain), cpumask_bits(dest),
				    cpumask_bits(cpu_possible_mask), nr_cpu_ids,
				    &plan);
	if (check != CXIPI_RESERVE_OK) {
		pr_warn("%s\n", cxipi_reserve_warnings[check]);
		return -EINVAL;
	}

	mutex_lock(&cxipi_ipi_lock);
	virq = __irq_domain_alloc_irqs(domain, -1, plan.nr_virqs, NUMA_NO_NODE,
				       (void *)dest, false, NULL);
	if (virq <= 0) {
		ret = virq ? virq : -ENOSPC;
		goto out;
	}

	resv = cxipi_resv_create(&cxipi_env, cxipi_kind_of(domain), virq,
				 cpumask_bits(dest), nr_cpu_ids);
	if (!resv) {
		ret = -ENOMEM;
		goto err_virqs;
	}
	cxipi_mark_virqs(resv, dest);

	ret = cxipi_registry_insert(&cxipi_env, cxipi_registry, resv);
	if (ret)
		goto err_resv;
	ret = virq;
	goto out;

err_resv:
	cxipi_free_virqs(resv);
	cxipi_resv_free(&cxipi_env, resv);
	goto out;
err_virqs:
	while (plan.nr_virqs--)
		irq_dispose_mapping(virq + plan.nr_virqs);
out:
	mutex_unlock(&cxipi_ipi_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(cxipi_irq_reserve_ipi);

/**
 * cxipi_irq_destroy_ipi() - release an IPI reserved by cxipi_irq_reserve_ipi()
 * @irq: any virq of the reservation
 * @dest: CPUs to remove; must name every target of the reservation
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL when @irq is no reservation or @dest does not match
 * its targets.
 */
int cxipi_irq_destroy_ipi(unsigned int irq, const struct cpumask *dest)
{
	struct cxipi_resv *resv;
	int ret = -EINVAL;

	mutex_lock(&cxipi_ipi_lock);
	resv = cxipi_registry_lookup(cxipi_registry, irq);
	if (!resv)
		goto out;
	if (!cpumask_equal(dest, to_cpumask(cxipi_resv_targets(resv)))) {
		pr_warn("virq %u: destroy must name every target\n", irq);
		goto out;
	}

	cxipi_registry_remove(cxipi_registry, resv);
	synchronize_rcu();
	cxipi_free_virqs(resv);
	cxipi_resv_free(&cxipi_env, resv);
	ret = 0;
out:
	mutex_unlock(&cxipi_ipi_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(cxipi_irq_destroy_ipi);

/**
 * cxipi_ipi_get_hwirq() - the hwirq that carries an IPI to a CPU
 * @irq: any virq of a reservation
 * @cpu: target CPU
 *
 * A coprocessor is told this number so that it can raise and receive IPIs.
 *
 * Context: any context.
 * Return: the hwirq, or INVALID_HWIRQ when @irq is no reservation or @cpu
 * is not one of its targets.
 */
irq_hw_number_t cxipi_ipi_get_hwirq(unsigned int irq, unsigned int cpu)
{
	irq_hw_number_t hwirq = INVALID_HWIRQ;
	struct cxipi_resv *resv;
	struct irq_data *data;
	unsigned int virq;

	rcu_read_lock();
	resv = cxipi_registry_lookup(cxipi_registry, irq);
	virq = resv ? cxipi_resv_virq_of(resv, cpu) : 0;
	data = virq ? irq_get_irq_data(virq) : NULL;
	if (data)
		hwirq = irqd_to_hwirq(data);
	rcu_read_unlock();
	return hwirq;
}
EXPORT_SYMBOL_GPL(cxipi_ipi_get_hwirq);

/**
 * cxipi_ipi_send_single() - send an IPI to one CPU
 * @virq: any virq of a reservation
 * @cpu: destination CPU, a target of the reservation
 *
 * Context: any context, hard irq included; never sleeps, never allocates.
 * Return: 0, or -EINVAL when @virq is no reservation, @cpu is not one of
 * its targets, or the chip cannot send.
 */
int cxipi_ipi_send_single(unsigned int virq, unsigned int cpu)
{
	struct cxipi_resv *resv;
	struct irq_data *data;
	struct irq_chip *chip;
	unsigned int target;
	int ret = -EINVAL;

	rcu_read_lock();
	resv = cxipi_registry_lookup(cxipi_registry, virq);
	target = resv ? cxipi_resv_virq_of(resv, cpu) : 0;
	data = target ? irq_get_irq_data(target) : NULL;
	chip = data ? irq_data_get_irq_chip(data) : NULL;
	if (chip && chip->ipi_send_single) {
		chip->ipi_send_single(data, cpu);
		ret = 0;
	}
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(cxipi_ipi_send_single);

/**
 * cxipi_ipi_init() - create the reservation registry
 *
 * Return: 0 or -ENOMEM.
 */
int cxipi_ipi_init(void)
{
	cxipi_registry = cxipi_registry_create(&cxipi_env);
	return cxipi_registry ? 0 : -ENOMEM;
}

/**
 * cxipi_ipi_exit() - free the registry; every reservation must be gone
 */
void cxipi_ipi_exit(void)
{
	cxipi_registry_destroy(&cxipi_env, cxipi_registry);
}
