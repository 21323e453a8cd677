// SPDX-License-Identifier: GPL-2.0
/*
 * The generic IPI API on any IPI domain.  What to check, how a reservation
 * is laid out and how a send fans out is the core's; this file turns kernel
 * objects into core calls and back.  Reserve and destroy sleep and are
 * serialized by cxipi_ipi_lock.  Sends are lock-free: the reservation is
 * found under RCU, and destroy unpublishes, then leaves the freeing to a
 * worker that runs after a grace period, so a send racing with a destroy
 * delivers or fails with -EINVAL, and never touches freed memory (D4),
 * while no lock is held across the grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "cxipi_shim.h"
#include "trace.h"

/* Serializes reserve and destroy, and readers of the irq data they free. */
DEFINE_MUTEX(cxipi_ipi_lock);
static struct cxipi_registry *cxipi_registry;

/**
 * struct cxipi_retiree - what a destroy leaves for after a grace period
 * @node: in cxipi_retirees, oldest first
 * @gp: the grace period that must pass first (get_state_synchronize_rcu())
 * @resv: the reservation; it lives until its last retiree is done
 * @domain: its domain
 * @remaining: how many targets it kept
 * @hwirqs: how many hwirqs go back to the domain's pool
 * @removed: the CPUs removed, nr_cpu_ids bits
 */
struct cxipi_retiree {
	struct list_head node;
	unsigned long gp;
	struct cxipi_resv *resv;
	struct irq_domain *domain;
	unsigned int remaining;
	unsigned int hwirqs;
	unsigned long removed[];
};

/* Under cxipi_ipi_lock; the grace periods of its entries end in order. */
static LIST_HEAD(cxipi_retirees);
static struct rcu_work cxipi_retire_work;

/**
 * cxipi_resv_lookup() - the reservation a virq belongs to
 * @virq: any virq
 *
 * Context: in an RCU read-side section (rcu_read_lock(), or preemption or
 * interrupts off), or with cxipi_ipi_lock held.
 * Return: the reservation, valid until the read section ends, or NULL.
 */
struct cxipi_resv *cxipi_resv_lookup(unsigned int virq)
{
	return cxipi_registry_lookup(cxipi_registry, virq);
}

static enum cxipi_domain_kind cxipi_kind_of(struct irq_domain *domain)
{
	return irq_domain_is_ipi_single(domain) ? CXIPI_KIND_SINGLE :
						  CXIPI_KIND_PER_CPU;
}

static const struct cpumask *cxipi_targets(const struct cxipi_resv *resv)
{
	return to_cpumask(cxipi_resv_targets(resv));
}

/*
 * Store the targets as the affinity of every live virq (no chip call), and
 * where its handler runs as its effective affinity: the one CPU of a
 * PER_CPU virq, any target of a SINGLE one.  A handler thread that a driver
 * asks for is bound to the effective affinity when it is requested.
 */
static void cxipi_set_affinity(void *ctx, unsigned int cpu, unsigned int virq)
{
	struct irq_data *d = irq_get_irq_data(virq);
	bool single = irq_domain_is_ipi_single(d->domain);

	irq_data_update_affinity(d, ctx);
	irq_data_update_effective_affinity(d, single ? ctx : cpumask_of(cpu));
}

/*
 * Mark every virq IRQ_NO_BALANCING.  Where the kernel builds its own
 * kernel/irq/ipi.c, also record the first target CPU in each virq's
 * ipi_offset as upstream's irq_reserve_ipi() does: the kernel's exported
 * ipi_send_single(), ipi_send_mask() and ipi_get_hwirq() find the virq of
 * CPU c as virq + c - ipi_offset, which is cxipi's layout when given the
 * first virq.  They read the targets from its affinity mask, which destroy
 * shrinks, so they stay right after a partial destroy while the first
 * virq lives.
 */
static void cxipi_mark_virqs(const struct cxipi_resv *resv, unsigned int offset)
{
	unsigned int i, base = cxipi_resv_base(resv);

	for (i = 0; i < cxipi_resv_nr_virqs(resv); i++) {
		irq_set_status_flags(base + i, IRQ_NO_BALANCING);
#ifdef CONFIG_GENERIC_IRQ_IPI
		irq_get_irq_data(base + i)->common->ipi_offset = offset;
#endif
	}
}

/*
 * Each live virq of cxipi's own domains holds a reference on cxipi.ko (see
 * cxipi_domain_alloc()), so that nobody can unload it under a virq that
 * another path allocated, such as the kernel's own irq_reserve_ipi() on
 * arm64.  Reservations made through cxipi's API are cxipi's own to tear
 * down, also at unload when a careless user left them: they hand their
 * references back, and take them again to free their virqs.
 */
static void cxipi_unpin(struct irq_domain *domain, unsigned int nr_virqs)
{
	if (cxipi_domain_of(domain))
		while (nr_virqs--)
			module_put(THIS_MODULE);
}

static void cxipi_repin(struct irq_domain *domain, unsigned int nr_virqs)
{
	if (cxipi_domain_of(domain))
		while (nr_virqs--)
			__module_get(THIS_MODULE);
}

static void cxipi_dispose(void *ctx, unsigned int cpu, unsigned int virq)
{
	cxipi_repin(ctx, 1);
	irq_dispose_mapping(virq);
}

/*
 * Drop the doorbells of @resv latched at @removed, or at its coprocessors
 * only, on cxipi's own domains (the reservation's layout gives each CPU's
 * hwirq).  A SINGLE reservation that keeps its virq may have doorbells
 * latched at the CPUs it no longer targets (masked, or a coprocessor's):
 * after the grace period, when no send that found those CPUs targets is
 * still raising, they all go, so that no unmask or replay delivers there.
 * At the destroy, those at coprocessors go already, so that no endpoint
 * takes one once destroy has returned; at a Linux CPU a doorbell a send
 * rang before the destroy is left to the drain its kick runs.
 */
static void cxipi_drop_doorbells(const struct cxipi_resv *resv,
				 const struct cpumask *removed,
				 bool coprocessors_only)
{
	struct cxipi_domain *dom = cxipi_resv_doorbell_owner(resv);
	unsigned int cpu;

	if (!dom)
		return;
	for_each_cpu(cpu, removed)
		if (!coprocessors_only || !cxipi_cpu_is_linux(cpu))
			cxipi_doorbells_drop(dom->bells, cpu,
					     cxipi_resv_layout_doorbell(resv,
									cpu));
}

/*
 * Free what a destroy removed, once no send can still hold it: the virqs
 * of the removed CPUs (PER_CPU), their latched doorbells (SINGLE, when the
 * virq stays), and the virq and the reservation when no target is left.
 * Under cxipi_ipi_lock, after the grace period that followed the removal.
 */
static void cxipi_retire(struct cxipi_resv *resv, struct irq_domain *domain,
			 const struct cpumask *removed, unsigned int remaining)
{
	if (cxipi_resv_kind(resv) == CXIPI_KIND_PER_CPU) {
		cxipi_resv_fan_out(resv, cpumask_bits(removed), cxipi_dispose,
				   domain);
	} else if (remaining) {
		cxipi_drop_doorbells(resv, removed, false);
	} else {
		cxipi_repin(domain, 1);
		irq_dispose_mapping(cxipi_resv_base(resv));
	}
	if (!remaining)
		cxipi_resv_free(&cxipi_env, resv);
}

/* Retire, oldest first, those whose grace period has passed. */
static void cxipi_retire_ready(void)
{
	struct cxipi_retiree *r, *next;
	struct cxipi_domain *dom;

	lockdep_assert_held(&cxipi_ipi_lock);
	list_for_each_entry_safe(r, next, &cxipi_retirees, node) {
		if (!poll_state_synchronize_rcu(r->gp))
			break;
		list_del(&r->node);
		cxipi_retire(r->resv, r->domain, to_cpumask(r->removed),
			     r->remaining);
		dom = cxipi_domain_of(r->domain);
		if (dom)
			dom->retiring -= r->hwirqs;
		kfree(r);
	}
}

static void cxipi_retire_fn(struct work_struct *work)
{
	mutex_lock(&cxipi_ipi_lock);
	cxipi_retire_ready();
	/* Queued after this work's grace period began: another one. */
	if (!list_empty(&cxipi_retirees))
		queue_rcu_work(system_wq, &cxipi_retire_work);
	mutex_unlock(&cxipi_ipi_lock);
}

/*
 * A reserve that found no hwirq free on @domain while destroyed ones wait
 * for their grace period: wait for it, without the lock, and retire them.
 * Under cxipi_ipi_lock, which it drops meanwhile.  Returns true when it
 * gave hwirqs back, so that the reserve tries again.
 */
static bool cxipi_reclaim(struct irq_domain *domain)
{
	struct cxipi_domain *dom = cxipi_domain_of(domain);
	unsigned int before;

	if (!dom || !dom->retiring)
		return false;
	/* Others' destroys and reserves may come and go meanwhile. */
	before = cxipi_hwirq_pool_free_count(dom->pool);
	mutex_unlock(&cxipi_ipi_lock);
	synchronize_rcu();
	mutex_lock(&cxipi_ipi_lock);
	cxipi_retire_ready();
	return cxipi_hwirq_pool_free_count(dom->pool) > before;
}

/**
 * cxipi_free_hwirqs() - hwirqs of a domain that no reservation holds
 * @dom: the domain
 *
 * Those free in its pool, and those of destroyed reservations that a
 * grace period has yet to give back (a reserve that needs them waits for
 * it).  Context: process context; takes cxipi_ipi_lock.
 *
 * Return: the count.
 */
unsigned int cxipi_free_hwirqs(struct cxipi_domain *dom)
{
	unsigned int free;

	mutex_lock(&cxipi_ipi_lock);
	free = cxipi_hwirq_pool_free_count(dom->pool) + dom->retiring;
	mutex_unlock(&cxipi_ipi_lock);
	return free;
}

static const char *const cxipi_reserve_problems[] = {
	[CXIPI_RESERVE_NOT_POSSIBLE] =
		"destination is not in cpu_possible_mask",
	[CXIPI_RESERVE_EMPTY] = "destination mask is empty",
	[CXIPI_RESERVE_HOLE] = "destination mask has holes",
};

/*
 * Why @dest cannot be reserved on @domain, in irq_reserve_ipi()'s order of
 * checks, or NULL when it can, with its shape in @plan.
 */
static const char *cxipi_reserve_problem(struct irq_domain *domain,
					 const struct cpumask *dest,
					 struct cxipi_reserve_plan *plan)
{
	enum cxipi_reserve_check check;

	if (!domain || !irq_domain_is_ipi(domain))
		return "reservation on a non-IPI domain";
	check = cxipi_reserve_check(cxipi_kind_of(domain), cpumask_bits(dest),
				    cpumask_bits(cpu_possible_mask), nr_cpu_ids,
				    plan);
	return check == CXIPI_RESERVE_OK ? NULL : cxipi_reserve_problems[check];
}

/* The virqs of a reservation, through the domain's alloc op. */
static int cxipi_alloc_virqs(struct irq_domain *domain,
			     const struct cpumask *dest, unsigned int nr_virqs)
{
	return cxipi_alloc(__irq_domain_alloc_irqs(domain, -1, nr_virqs,
						   NUMA_NO_NODE, (void *)dest,
						   false, NULL),
			   -ENOMEM);
}

/**
 * cxipi_reserve_ipi() - cxipi_irq_reserve_ipi() for input already checked
 * @domain: IPI domain
 * @dest: CPUs that can receive the IPI
 *
 * For the sysfs reserve file, which rejects bad input itself: a bad
 * @domain or @dest is -EINVAL without a line in the log, and the count of
 * allocations for fail_alloc, which it started, goes on.
 *
 * Return: as cxipi_irq_reserve_ipi().
 */
int cxipi_reserve_ipi(struct irq_domain *domain, const struct cpumask *dest)
{
	struct cxipi_reserve_plan plan;
	struct cxipi_resv *resv;
	int virq, ret;

	if (cxipi_reserve_problem(domain, dest, &plan))
		return -EINVAL;

	mutex_lock(&cxipi_ipi_lock);
	do {
		virq = cxipi_alloc_virqs(domain, dest, plan.nr_virqs);
	} while (virq == -ENOSPC && cxipi_reclaim(domain));
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
	cxipi_resv_fan_out(resv, cpumask_bits(dest), cxipi_set_affinity,
			   (void *)dest);
	cxipi_mark_virqs(resv, plan.offset);
	/* cxipi_domain_alloc() gave the virqs consecutive hwirqs. */
	if (cxipi_domain_of(domain))
		cxipi_resv_set_doorbells(resv, cxipi_domain_of(domain),
					 irqd_to_hwirq(irq_get_irq_data(virq)));

	ret = cxipi_registry_insert(&cxipi_env, cxipi_registry, resv);
	if (ret) {
		cxipi_resv_free(&cxipi_env, resv);
		goto err_virqs;
	}
	cxipi_unpin(domain, plan.nr_virqs);
	trace_cxipi_reserve(domain->name, virq, plan.nr_virqs, dest);
	ret = virq;
	goto out;

err_virqs:
	while (plan.nr_virqs--)
		irq_dispose_mapping(virq + plan.nr_virqs);
out:
	mutex_unlock(&cxipi_ipi_lock);
	return ret;
}

/**
 * cxipi_irq_reserve_ipi() - set up an IPI to a destination cpumask
 * @domain: IPI domain
 * @dest: CPUs that can receive the IPI; must be possible, need not be online
 *
 * Allocate one virq per CPU of @dest (PER_CPU domain, @dest without holes;
 * the virq of CPU c is the returned virq + c - first CPU of @dest) or one
 * virq for all of @dest (SINGLE domain), through the domain's alloc op with
 * @dest as its argument.
 *
 * Context: process context, may sleep.
 * Return: the first virq on success; -EINVAL for a bad domain or mask;
 * otherwise the real cause of the allocation failure, such as -ENOMEM or
 * -ENOSPC (D1).
 */
int cxipi_irq_reserve_ipi(struct irq_domain *domain, const struct cpumask *dest)
{
	struct cxipi_reserve_plan plan;
	const char *problem = cxipi_reserve_problem(domain, dest, &plan);

	if (problem) {
		pr_warn_ratelimited("%s\n", problem);
		return -EINVAL;
	}
	cxipi_alloc_count_start();
	return cxipi_reserve_ipi(domain, dest);
}
EXPORT_SYMBOL_GPL(cxipi_irq_reserve_ipi);

/*
 * Remove @dest from @resv: the body of cxipi_irq_destroy_ipi().  Under
 * cxipi_ipi_lock, which keeps @resv and its virqs.  Returns 0, or -EINVAL
 * (nothing changed) when @dest is empty or not a subset of the targets.
 * The removed CPUs are unpublished at once; on cxipi's own domains, what
 * they held is freed by cxipi_retire_fn() after a grace period.  On
 * another provider's domain, or without memory to remember what to free,
 * it waits for the grace period here, holding the lock, and frees.
 */
static int cxipi_destroy_locked(struct cxipi_resv *resv,
				const struct cpumask *dest)
{
	/* The base virq is gone once a PER_CPU destroy removed its CPU. */
	unsigned int live =
		cxipi_resv_virq_of(resv, cpumask_first(cxipi_targets(resv)));
	struct irq_domain *domain = irq_get_irq_data(live)->domain;
	struct cxipi_domain *dom = cxipi_domain_of(domain);
	struct cxipi_retiree *r;
	size_t size;
	int remaining;

	size = struct_size(r, removed, BITS_TO_LONGS(nr_cpu_ids));
	/*
	 * Another provider's domain may go right after its destroys, as
	 * upstream lets it: only cxipi's own, which live as long as
	 * cxipi.ko, are freed later.
	 */
	r = dom ? cxipi_alloc(kzalloc(size, GFP_KERNEL), NULL) : NULL;
	remaining = cxipi_registry_remove_targets(cxipi_registry, resv,
						  cpumask_bits(dest));
	if (remaining < 0) {
		kfree(r);
		return -EINVAL;
	}
	trace_cxipi_destroy(live, dest, remaining);
	if (remaining) {
		cxipi_resv_fan_out(resv, cxipi_resv_targets(resv),
				   cxipi_set_affinity,
				   (void *)cxipi_targets(resv));
	}
	/* Latched at removed coprocessors: dropped now; the rest later. */
	cxipi_drop_doorbells(resv, dest, true);

	if (!r) {
		/* Sends that found the removed virqs finish before they go. */
		synchronize_rcu();
		/* Those destroyed before go first: they may need @resv. */
		cxipi_retire_ready();
		cxipi_retire(resv, domain, dest, remaining);
		return 0;
	}
	r->gp = get_state_synchronize_rcu();
	r->resv = resv;
	r->domain = domain;
	r->remaining = remaining;
	if (cxipi_resv_kind(resv) == CXIPI_KIND_PER_CPU)
		r->hwirqs = cpumask_weight(dest);
	else
		r->hwirqs = !remaining;
	bitmap_copy(r->removed, cpumask_bits(dest), nr_cpu_ids);
	if (dom)
		dom->retiring += r->hwirqs;
	list_add_tail(&r->node, &cxipi_retirees);
	queue_rcu_work(system_wq, &cxipi_retire_work);
	return 0;
}

/**
 * cxipi_irq_destroy_ipi() - remove CPUs from an IPI reservation
 * @irq: any virq of the reservation (D6)
 * @dest: CPUs to remove: a non-empty subset of the reservation's targets
 *
 * On a PER_CPU domain, frees the virq of exactly each CPU of @dest, holes
 * or not, and shrinks the affinity of the virqs that remain (D2).  On a
 * SINGLE domain, removes the CPUs from the targets and frees the virq when
 * none remains (D3).  The reservation is found, and its irq data read,
 * under cxipi_ipi_lock, so that a destroy racing another destroy, and a
 * reserve that reuses the virq, never touch a descriptor that went.
 *
 * The removed CPUs stop being targets at once, but a doorbell rung at one
 * of them before may still run a single reservation's handler there after
 * this returns, as an interrupt in flight may after an affinity change
 * (cxipi_destroy_barrier() waits for it).  Their virqs (and hwirqs) are
 * freed after an RCU grace period, so that no send still uses them.
 * On cxipi's own domains a worker frees them and the caller does not
 * wait: until then the virqs still show in /proc/interrupts, and a reserve
 * that needs their hwirqs waits for the grace period instead of failing.
 * On another provider's domain, which may go as soon as this returns, the
 * caller waits for the grace period, as with upstream.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL when @irq is no IPI reservation's virq (0, no irq
 * data, not on an IPI domain, or already destroyed), or @dest is empty or
 * not a subset of its targets.
 */
int cxipi_irq_destroy_ipi(unsigned int irq, const struct cpumask *dest)
{
	struct cxipi_resv *resv;
	int ret;

	mutex_lock(&cxipi_ipi_lock);
	resv = cxipi_resv_lookup(irq);
	ret = resv ? cxipi_destroy_locked(resv, dest) : -EINVAL;
	mutex_unlock(&cxipi_ipi_lock);
	if (ret)
		pr_warn_ratelimited("destroy of virq %u: no such IPI targets\n",
				    irq);
	return ret;
}
EXPORT_SYMBOL_GPL(cxipi_irq_destroy_ipi);

/**
 * cxipi_destroy_barrier() - wait until earlier destroys have freed
 *
 * On cxipi's own domains, cxipi_irq_destroy_ipi() leaves the virqs of the
 * CPUs it removes to a worker that frees them after an RCU grace period.
 * A caller that needs them gone (a test that looks for the virq, a driver
 * that counts /proc/interrupts lines, or one that frees what a single
 * reservation's handler uses at the CPUs it removed) calls this first.
 * Once it returns, the doorbells' counts are settled, and no handler runs
 * for a doorbell rung at a removed CPU.
 *
 * Context: process context, may sleep; takes cxipi_ipi_lock.
 */
void cxipi_destroy_barrier(void)
{
	synchronize_rcu();
	mutex_lock(&cxipi_ipi_lock);
	/* Every grace period of a destroy made before the wait has passed. */
	cxipi_retire_ready();
	mutex_unlock(&cxipi_ipi_lock);
	/*
	 * What was latched at the removed CPUs is dropped now, but a drain
	 * that took a doorbell just before may still be delivering it, with
	 * interrupts off: one more grace period waits for that drain.
	 */
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(cxipi_destroy_barrier);

/**
 * cxipi_ipi_get_hwirq() - the hwirq that carries an IPI to a CPU
 * @irq: any virq of a reservation
 * @cpu: target CPU
 *
 * A coprocessor is told this number so that it can raise and receive IPIs.
 * On a SINGLE domain every target has the same hwirq.
 *
 * Context: any context.
 * Return: the hwirq, or INVALID_HWIRQ when @irq is no reservation, @cpu is
 * at or past nr_cpu_ids, or @cpu is not one of its targets.
 */
irq_hw_number_t cxipi_ipi_get_hwirq(unsigned int irq, unsigned int cpu)
{
	irq_hw_number_t hwirq = INVALID_HWIRQ;
	struct cxipi_resv *resv;
	struct irq_data *data;
	unsigned int virq;

	rcu_read_lock();
	resv = cxipi_resv_lookup(irq);
	virq = resv ? cxipi_resv_virq_of(resv, cpu) : 0;
	data = virq ? irq_get_irq_data(virq) : NULL;
	if (data)
		hwirq = irqd_to_hwirq(data);
	rcu_read_unlock();
	return hwirq;
}
EXPORT_SYMBOL_GPL(cxipi_ipi_get_hwirq);

/*
 * The sends' RCU read-side section: preemption off.  Since 5.0 the kernel
 * has one RCU flavour, whose grace periods (synchronize_rcu(), and the
 * polled ones destroy waits for) also wait for code that runs with
 * preemption off; on PREEMPT_RCU kernels rcu_read_lock() is a call each
 * way, this is an increment and a decrement.  What the sends call with it
 * off runs in any context anyway.
 */
static __always_inline void cxipi_send_read_lock(void)
{
	preempt_disable();
}

static __always_inline void cxipi_send_read_unlock(void)
{
	preempt_enable();
}

/* A chip that cannot send is a provider's bug: say so once (D5). */
static int cxipi_no_send(const struct irq_chip *chip)
{
	WARN_ONCE(1, "cxipi: irq chip %s cannot send IPIs\n", chip->name);
	return -EINVAL;
}

/*
 * Send to @cpu, when it is a target of @resv.  In an RCU read-side section.
 * cxipi's own domains are rung with what the reservation knows, without
 * looking up the virq's irq data.
 */
static int cxipi_send_single_rcu(const struct cxipi_resv *resv,
				 unsigned int cpu)
{
	unsigned int hwirq, virq;
	struct cxipi_domain *dom;
	struct irq_data *data;
	struct irq_chip *chip;

	dom = cxipi_resv_doorbell_of(resv, cpu, &hwirq);
	if (dom) {
		cxipi_ring(dom, cpu, hwirq);
		return 0;
	}
	virq = cxipi_resv_virq_of(resv, cpu);
	data = virq ? irq_get_irq_data(virq) : NULL;
	chip = data ? irq_data_get_irq_chip(data) : NULL;
	if (!chip)
		return -EINVAL;
	switch (cxipi_route_single(chip->ipi_send_single,
				   chip->ipi_send_mask)) {
	case CXIPI_SEND_SINGLE:
		chip->ipi_send_single(data, cpu);
		return 0;
	case CXIPI_SEND_MASK:
		chip->ipi_send_mask(data, cpumask_of(cpu));
		return 0;
	default:
		return cxipi_no_send(chip);
	}
}

static void cxipi_send_each(void *ctx, unsigned int cpu, unsigned int virq)
{
	struct irq_chip *chip = ctx;
	struct irq_data *data = irq_get_irq_data(virq);

	if (data)
		chip->ipi_send_single(data, cpu);
}

/*
 * Send to a mask of @resv's targets, found with @virq.  In an RCU read-side
 * section.  cxipi's own domains are rung with the reservation in
 * hand, so a send that returns 0 has rung every CPU of @dest, even when the
 * virq it named is being removed meanwhile (D4).
 */
static int cxipi_send_mask_rcu(const struct cxipi_resv *resv, unsigned int virq,
			       const struct cpumask *dest, bool may_batch)
{
	struct cxipi_domain *dom = cxipi_resv_doorbell_owner(resv);
	struct irq_data *data;
	struct irq_chip *chip;

	if (dom)
		return cxipi_ring_mask(dom, resv, dest, may_batch);
	data = irq_get_irq_data(virq);
	chip = data ? irq_data_get_irq_chip(data) : NULL;
	if (cxipi_resv_check_mask(resv, cpumask_bits(dest)) || !chip)
		return -EINVAL;
	switch (cxipi_route_mask(chip->ipi_send_single, chip->ipi_send_mask)) {
	case CXIPI_SEND_MASK:
		chip->ipi_send_mask(data, dest);
		return 0;
	case CXIPI_SEND_SINGLE:
		cxipi_resv_fan_out(resv, cpumask_bits(dest), cxipi_send_each,
				   chip);
		return 0;
	default:
		return cxipi_no_send(chip);
	}
}

/**
 * cxipi_ipi_send_single() - send an IPI to one CPU
 * @virq: any virq of a reservation
 * @cpu: destination CPU, a target of the reservation
 *
 * On a PER_CPU domain the chip gets the irq data of @cpu's own virq.  A chip
 * without ipi_send_single is sent a mask of @cpu alone (D5).
 *
 * Context: any context, hard irq included; never sleeps, never allocates.
 * Return: 0; -EINVAL when @virq is no reservation, @cpu is at or past
 * nr_cpu_ids or not one of its targets, or the chip cannot send.
 */
int cxipi_ipi_send_single(unsigned int virq, unsigned int cpu)
{
	struct cxipi_resv *resv;
	int ret = -EINVAL;

	cxipi_send_read_lock();
	resv = cxipi_resv_lookup(virq);
	if (resv)
		ret = cxipi_send_single_rcu(resv, cpu);
	cxipi_send_read_unlock();
	trace_cxipi_send(virq, cpu, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(cxipi_ipi_send_single);

/**
 * cxipi_ipi_send_mask() - send an IPI to several CPUs
 * @virq: any virq of a reservation
 * @dest: destination CPUs, a subset of the reservation's targets
 *
 * A chip without ipi_send_mask is called with ipi_send_single for each CPU
 * of @dest, with that CPU's irq data on a PER_CPU domain (D5).  On cxipi's
 * own domains, a caller that is preemptible kicks the CPUs with one batch
 * of cross-CPU calls (smp_call_function_many()); any other caller kicks
 * each CPU with its own asynchronous call, which never waits for another
 * CPU.
 *
 * Context: any context, hard irq included; never sleeps, never allocates;
 * the check is one pass over the mask's words.
 * Return: 0; -EINVAL when @virq is no reservation, @dest is not a subset of
 * its targets, or the chip cannot send.
 */
int cxipi_ipi_send_mask(unsigned int virq, const struct cpumask *dest)
{
	/*
	 * Asked before the read section, which disables preemption.  A
	 * softirq on PREEMPT_RT is preemptible, but not task context.
	 */
	bool may_batch = in_task() && preemptible();
	struct cxipi_resv *resv;
	int ret = -EINVAL;

	cxipi_send_read_lock();
	resv = cxipi_resv_lookup(virq);
	if (resv)
		ret = cxipi_send_mask_rcu(resv, virq, dest, may_batch);
	cxipi_send_read_unlock();
	trace_cxipi_send_mask(virq, dest, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(cxipi_ipi_send_mask);

/**
 * cxipi___ipi_send_single() - send an IPI to one CPU, by descriptor
 * @desc: descriptor of any virq of a reservation, cached by the caller
 * @cpu: destination CPU, a target of the reservation
 *
 * For architecture and core code.  Verified like cxipi_ipi_send_single(),
 * always (D5).
 *
 * Context: any context, hard irq included.
 * Return: 0 or -EINVAL, as cxipi_ipi_send_single().
 */
int cxipi___ipi_send_single(struct irq_desc *desc, unsigned int cpu)
{
	return desc ? cxipi_ipi_send_single(irq_desc_get_irq(desc), cpu) :
		      -EINVAL;
}
EXPORT_SYMBOL_GPL(cxipi___ipi_send_single);

/**
 * cxipi___ipi_send_mask() - send an IPI to several CPUs, by descriptor
 * @desc: descriptor of any virq of a reservation, cached by the caller
 * @dest: destination CPUs, a subset of the reservation's targets
 *
 * For architecture and core code.  Verified like cxipi_ipi_send_mask(),
 * always (D5).
 *
 * Context: any context, hard irq included.
 * Return: 0 or -EINVAL, as cxipi_ipi_send_mask().
 */
int cxipi___ipi_send_mask(struct irq_desc *desc, const struct cpumask *dest)
{
	return desc ? cxipi_ipi_send_mask(irq_desc_get_irq(desc), dest) :
		      -EINVAL;
}
EXPORT_SYMBOL_GPL(cxipi___ipi_send_mask);

/**
 * cxipi_resv_bytes() - memory cxipi keeps for one reservation
 * @nr_virqs: how many virqs it has (targets on PER_CPU, 1 on SINGLE)
 *
 * Return: bytes of cxipi's own bookkeeping: the reservation record and its
 * registry slots.  Registry leaves, shared by 256 virqs, are not counted.
 */
size_t cxipi_resv_bytes(unsigned int nr_virqs)
{
	return cxipi_resv_footprint(nr_cpu_ids) + nr_virqs * sizeof(void *);
}
EXPORT_SYMBOL_GPL(cxipi_resv_bytes);

/**
 * cxipi_ipi_init() - create the reservation registry
 *
 * Return: 0 or -ENOMEM.
 */
int cxipi_ipi_init(void)
{
	INIT_RCU_WORK(&cxipi_retire_work, cxipi_retire_fn);
	cxipi_registry = cxipi_registry_create(&cxipi_env);
	return cxipi_registry ? 0 : -ENOMEM;
}

/*
 * Free the handlers a user left on the virq: its module may be gone with
 * the handler's code.  At unload only, when nobody else requests them.
 */
static void cxipi_free_left_handlers(void *ctx, unsigned int cpu,
				     unsigned int virq)
{
	struct irq_desc *desc = irq_data_to_desc(irq_get_irq_data(virq));
	unsigned int *handlers = ctx;
	struct irqaction *action;

	while ((action = READ_ONCE(desc->action))) {
		free_irq(virq, action->dev_id);
		(*handlers)++;
		/* One free_irq() would not free: leave it rather than spin. */
		if (READ_ONCE(desc->action) == action)
			break;
	}
}

/**
 * cxipi_ipi_exit() - destroy what users left, then free the registry
 *
 * A driver that unloads without destroying its reservations leaves virqs
 * whose descriptors point at cxipi's chip and domains.  cxipi.ko cannot
 * refuse to unload for them (their owner is gone, and nobody else could
 * destroy them), so it destroys them itself, handlers first, with one
 * warning.  Context: module exit, after sysfs has destroyed its own.
 */
void cxipi_ipi_exit(void)
{
	unsigned int left = 0, handlers = 0, n, cpu;
	struct cxipi_resv *resv;

	mutex_lock(&cxipi_ipi_lock);
	while ((resv = cxipi_registry_any(cxipi_registry))) {
		left++;
		cxipi_resv_fan_out(resv, cxipi_resv_targets(resv),
				   cxipi_free_left_handlers, &handlers);
		/* A CPU at a time: no mask to allocate.  The last retires it.
		 */
		for (n = cpumask_weight(cxipi_targets(resv)); n; n--) {
			cpu = cpumask_first(cxipi_targets(resv));
			cxipi_destroy_locked(resv, cpumask_of(cpu));
		}
	}
	mutex_unlock(&cxipi_ipi_lock);
	if (left)
		pr_warn("unloading with %u IPI reservations their users left (%u handlers): destroyed them\n",
			left, handlers);
	cxipi_destroy_barrier();
	/* A queued worker finds nothing left, and is done before unload. */
	flush_rcu_work(&cxipi_retire_work);
	cxipi_registry_destroy(&cxipi_env, cxipi_registry);
}
