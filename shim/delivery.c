// SPDX-License-Identifier: GPL-2.0
/*
 * Delivery: a raise sets a doorbell bit in the target CPU's bank (core), and
 * only the raise that finds no kick in flight to the CPU sends one.  The kick
 * runs on the target in hard-irq context: a cross-CPU call from another CPU, an
 * irq_work self-IPI from the CPU itself (a cross-CPU call to oneself would run
 * at once, outside hard-irq context).  There the bank is drained and each
 * doorbell runs its virq's flow handler.
 *
 * A CPU that is not online for Linux is a coprocessor: its doorbells stay
 * latched in its bank for the coprocessor side to consume.
 */
#include <linux/cpuhotplug.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/irq_work.h>
#include <linux/smp.h>

#include "cxipi_shim.h"
#include "trace.h"

static DEFINE_PER_CPU(struct cxipi_cpu_owner, cxipi_owner);

/**
 * cxipi_cpu_owner() - who consumes a CPU's doorbells
 * @cpu: a possible CPU
 *
 * Return: the CPU's owner record, which lives as long as cxipi.ko.
 */
struct cxipi_cpu_owner *cxipi_cpu_owner(unsigned int cpu)
{
	return per_cpu_ptr(&cxipi_owner, cpu);
}

/**
 * cxipi_cpu_is_linux() - whether Linux drains a CPU's doorbells now
 * @cpu: a possible CPU
 *
 * Context: any context; a hint that can change at once unless the caller
 * runs on @cpu (the hand-over runs there) or holds the CPU hotplug lock.
 * Return: true while @cpu belongs to Linux, false while it is a coprocessor.
 */
bool cxipi_cpu_is_linux(unsigned int cpu)
{
	return READ_ONCE(cxipi_cpu_owner(cpu)->linux_owns);
}

static void cxipi_set_owner(unsigned int cpu, bool linux_owns)
{
	struct cxipi_cpu_owner *owner = cxipi_cpu_owner(cpu);
	unsigned long flags;

	raw_spin_lock_irqsave(&owner->lock, flags);
	WRITE_ONCE(owner->linux_owns, linux_owns);
	raw_spin_unlock_irqrestore(&owner->lock, flags);
}

/*
 * Run the flow handler of @hwirq's virq, found in the domain's own table
 * rather than by a mapping lookup, and called directly when it is the
 * handle_edge_irq() that cxipi_domain_alloc() set.  A doorbell whose virq
 * is gone (it was masked when it went, so only a drain that read the mask
 * just before gets here) is dropped as the mapping lookup would drop it.
 */
static void cxipi_deliver(struct cxipi_domain *dom, unsigned int hwirq)
{
	/* Address dependency: pairs with cxipi_domain_alloc()'s release. */
	struct irq_desc *desc = READ_ONCE(dom->descs[hwirq]);

	trace_cxipi_deliver(dom, hwirq);
	if (unlikely(!desc))
		return;
	if (likely(desc->handle_irq == handle_edge_irq))
		handle_edge_irq(desc);
	else
		generic_handle_irq_desc(desc);
}

/*
 * Runs on the CPU, in hard-irq context.  A CPU that is not Linux's, such
 * as one being taken down, which runs what was queued for it from
 * stop-machine context, leaves the doorbells latched, for its endpoint or
 * for the online path, and gives the kick back.
 */
static void cxipi_drain_here(struct cxipi_domain *dom)
{
	unsigned int cpu = smp_processor_id(), word;
	unsigned long bits;
	int bit;

	if (!cxipi_cpu_is_linux(cpu)) {
		cxipi_doorbells_cancel_kick(dom->bells, cpu);
		return;
	}
	cxipi_doorbells_drain_begin(dom->bells, cpu);
	for (word = 0;; word++) {
		bits = cxipi_doorbells_drain_next(dom->bells, cpu, &word);
		if (!bits)
			return;
		for_each_set_bit(bit, &bits, BITS_PER_LONG)
			cxipi_deliver(dom, word * BITS_PER_LONG + bit);
	}
}

static void cxipi_kick_call(void *info)
{
	struct cxipi_domain *dom = info;

	/*
	 * A polling idle CPU runs cross-CPU calls from the idle loop, not
	 * from the IPI: move the drain to a self-IPI so that handlers still
	 * run in hard-irq context.
	 */
	if (!in_hardirq()) {
		irq_work_queue(&this_cpu_ptr(dom->kicks)->self);
		return;
	}
	cxipi_drain_here(dom);
}

static void cxipi_kick_self(struct irq_work *work)
{
	cxipi_drain_here(container_of(work, struct cxipi_kick, self)->dom);
}

/**
 * cxipi_kick() - wake a CPU to drain its doorbells
 * @dom: provider domain of the doorbells
 * @cpu: the CPU; a coprocessor (not online for Linux) is left alone, its
 *	 doorbells stay latched for its endpoint
 *
 * Lock-free; callable from any context, hard irq included.
 */
void cxipi_kick(struct cxipi_domain *dom, unsigned int cpu)
{
	struct cxipi_kick *kick = per_cpu_ptr(dom->kicks, cpu);
	int ret;

	do {
		if (cpu == get_cpu()) {
			irq_work_queue(&kick->self);
			put_cpu();
			return;
		}
		/*
		 * -EBUSY loses no kick: the CSD is still locked, so its
		 * function has not started (an async CSD is unlocked just
		 * before its function runs) and will drain after our raise
		 * (the core's doorbells.hpp, P5).
		 */
		ret = cpu_online(cpu) ?
			      smp_call_function_single_async(cpu, &kick->csd) :
			      -ENXIO;
		put_cpu();
		if (ret != -ENXIO)
			return;
		/*
		 * @cpu is offline: no kick is in flight, so cancel the one
		 * claimed, and the doorbell stays latched.  P7: the CPU may be
		 * coming online.  Its cxipi_cpu_online() claims a kick after
		 * set_cpu_online(), we test cpu_online() after cancelling,
		 * both fully ordered: either it finds no kick in flight and
		 * drains, or we see it online and kick again.
		 */
		cxipi_doorbells_cancel_kick(dom->bells, cpu);
		/* A coprocessor behind a link: the link takes them. */
		cxipi_link_forward(dom, cpu);
	} while (cpu_online(cpu) &&
		 cxipi_doorbells_claim_kick(dom->bells, cpu));
}

/* Raise a doorbell; CXIPI_RAISE_KICK when the caller must kick @cpu. */
static int cxipi_raise(struct cxipi_domain *dom, unsigned int cpu,
		       irq_hw_number_t hwirq)
{
	int ret;

	/* The core's doorbells are numbered in an unsigned int. */
	if (hwirq >= dom->nr_hwirqs)
		return -EINVAL;
	ret = cxipi_doorbells_raise(dom->bells, cpu, hwirq);

	trace_cxipi_raise(dom, cpu, hwirq, ret);
	/* Tested inside the static branch: no cost while the event is off. */
	if (trace_cxipi_latch_enabled() && ret >= 0 && !cpu_online(cpu))
		trace_cxipi_latch(dom, cpu, hwirq);
	return ret;
}

/**
 * cxipi_ring() - raise a doorbell at a CPU and wake it when needed
 * @dom: provider domain of the doorbell
 * @cpu: target CPU
 * @hwirq: the doorbell
 *
 * Lock-free; callable from any context, hard irq included.
 */
void cxipi_ring(struct cxipi_domain *dom, unsigned int cpu,
		irq_hw_number_t hwirq)
{
	if (cxipi_raise(dom, cpu, hwirq) == CXIPI_RAISE_KICK)
		cxipi_kick(dom, cpu);
}

/*
 * Ring @dest, kicking the CPUs that need it with one cross-CPU call batch
 * (a single one gets its own asynchronous call, which costs less):
 * smp_call_function_many() queues every call, then sends one IPI per CPU
 * whose queue was empty (one multicast where the architecture has it).
 * Without waiting for the calls, it can still wait for this CPU's earlier
 * call to a target to start (its per-CPU CSD is locked until then), which
 * is why only a caller in task context with preemption on may batch.
 * Preemption off here keeps the CPUs seen online from going offline until
 * the batch is queued (CPU removal runs stop_machine); a CPU not online,
 * or this one, gets its own kick.
 */
static void cxipi_ring_batch(struct cxipi_domain *dom,
			     const struct cxipi_resv *resv,
			     const struct cpumask *dest)
{
	unsigned int cpu, self, hwirq, nr = 0, last = 0;
	struct cpumask *batch;

	preempt_disable();
	self = smp_processor_id();
	batch = this_cpu_ptr(dom->kicks)->batch;
	cpumask_clear(batch);
	for_each_cpu(cpu, dest) {
		hwirq = cxipi_resv_layout_doorbell(resv, cpu);
		if (cxipi_raise(dom, cpu, hwirq) != CXIPI_RAISE_KICK)
			continue;
		if (cpu != self && cpu_online(cpu)) {
			__cpumask_set_cpu(cpu, batch);
			nr++;
			last = cpu;
		} else {
			cxipi_kick(dom, cpu);
		}
	}
	/*
	 * Each target's kick was claimed by its raise (R2): one in flight.
	 * One CPU is cheaper kicked on its own than through the batch.
	 */
	if (nr == 1) {
		cxipi_kick(dom, last);
	} else if (nr) {
		trace_cxipi_kick_batch(dom, batch);
		smp_call_function_many(batch, cxipi_kick_call, dom, false);
	}
	preempt_enable();
}

/**
 * cxipi_ring_mask() - raise the doorbells of a reservation at CPUs
 * @dom: the provider domain of @resv's virqs
 * @resv: the reservation, found in an RCU read-side section
 * @dest: the CPUs
 * @may_batch: the caller was preemptible when it called the API (so in
 *	       task context, interrupts on, no lock held): kick the CPUs
 *	       with one cross-CPU call batch.  Otherwise each CPU gets its
 *	       own asynchronous kick, which never waits for another CPU.
 *
 * Context: in that read-side section, which keeps every virq @resv had
 * when it was found allocated: a CPU removed meanwhile is still rung (its
 * doorbell is dropped when its virq goes), so 0 means every CPU was rung.
 * Return: 0, or -EINVAL (nothing rung) when @dest is not a subset of
 * @resv's targets.
 */
int cxipi_ring_mask(struct cxipi_domain *dom, const struct cxipi_resv *resv,
		    const struct cpumask *dest, bool may_batch)
{
	unsigned int cpu;

	if (cxipi_resv_check_mask(resv, cpumask_bits(dest)))
		return -EINVAL;
	if (may_batch && !cpumask_empty(dest)) {
		cxipi_ring_batch(dom, resv, dest);
		return 0;
	}
	for_each_cpu(cpu, dest)
		cxipi_ring(dom, cpu, cxipi_resv_layout_doorbell(resv, cpu));
	return 0;
}

static void cxipi_free_kicks(struct cxipi_domain *dom)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		free_cpumask_var(per_cpu_ptr(dom->kicks, cpu)->batch);
	free_percpu(dom->kicks);
	dom->kicks = NULL;
}

/**
 * cxipi_delivery_init() - prepare the per-CPU kicks of a domain
 * @dom: the provider domain
 *
 * Return: 0 or -ENOMEM.
 */
int cxipi_delivery_init(struct cxipi_domain *dom)
{
	unsigned int cpu;

	dom->kicks = cxipi_alloc(alloc_percpu(struct cxipi_kick), NULL);
	if (!dom->kicks)
		return -ENOMEM;

	for_each_possible_cpu(cpu) {
		struct cxipi_kick *kick = per_cpu_ptr(dom->kicks, cpu);

		kick->dom = dom;
		INIT_CSD(&kick->csd, cxipi_kick_call, dom);
		/* From the interrupt, not from RT's irq_work thread. */
		kick->self = IRQ_WORK_INIT_HARD(cxipi_kick_self);
		if (!cxipi_alloc(zalloc_cpumask_var(&kick->batch, GFP_KERNEL),
				 false)) {
			cxipi_free_kicks(dom);
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * cxipi_delivery_exit() - wait for kicks in flight, then free them
 * @dom: the provider domain; no virq of it may be left
 */
void cxipi_delivery_exit(struct cxipi_domain *dom)
{
	unsigned int cpu;

	if (!dom->kicks)
		return;
	/*
	 * An async cross-CPU call is unlocked before its function runs, and
	 * both kinds of kick run in hard-irq context: wait until none is
	 * queued, then for an RCU grace period, which outlasts any hard-irq
	 * handler already running.  A batch's calls are the kernel's CSDs:
	 * once a synchronous call has run on every CPU, each CPU has flushed
	 * its queue up to it, and a flush runs with interrupts off, so the
	 * grace period outlasts what the same flush still had to run.
	 */
	kick_all_cpus_sync();
	for_each_possible_cpu(cpu) {
		struct cxipi_kick *kick = per_cpu_ptr(dom->kicks, cpu);

		irq_work_sync(&kick->self);
		/* Acquire pairs with the release in csd_unlock(). */
		while (smp_load_acquire(&kick->csd.node.u_flags) &
		       CSD_FLAG_LOCK)
			cpu_relax();
	}
	synchronize_rcu();
	/* A call run from the idle loop may have queued a self-IPI late. */
	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu_ptr(dom->kicks, cpu)->self);
	cxipi_free_kicks(dom);
}

static enum cpuhp_state cxipi_hotplug_state;

/*
 * Runs on @cpu as it comes online.  It may have doorbells latched while it
 * was a coprocessor, and kicks may have been skipped for it: take it from
 * the coprocessor side, then drain on it from a self-IPI so that handlers
 * run in hard-irq context.
 */
static int cxipi_cpu_online(unsigned int cpu)
{
	struct cxipi_kick *kick;
	int i;

	cxipi_set_owner(cpu, true);
	for (i = 0; i < ARRAY_SIZE(cxipi_domains); i++) {
		kick = per_cpu_ptr(cxipi_domains[i]->kicks, cpu);
		/* Unless a kick is in flight (P7 in cxipi_kick()). */
		if (cxipi_doorbells_claim_kick(cxipi_domains[i]->bells, cpu))
			irq_work_queue(&kick->self);
	}
	return 0;
}

/* Runs on @cpu as it goes down: from now on its doorbells latch. */
static int cxipi_cpu_offline(unsigned int cpu)
{
	cxipi_set_owner(cpu, false);
	return 0;
}

/**
 * cxipi_hotplug_init() - hand CPUs between Linux and the coprocessor side
 * as they come and go, starting from who has them now
 *
 * Return: 0 or -errno.
 */
int cxipi_hotplug_init(void)
{
	unsigned int cpu;
	int ret;

	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		raw_spin_lock_init(&cxipi_cpu_owner(cpu)->lock);
		WRITE_ONCE(cxipi_cpu_owner(cpu)->linux_owns, cpu_online(cpu));
	}
	ret = cpuhp_setup_state_nocalls_cpuslocked(CPUHP_AP_ONLINE_DYN,
						   "cxipi:online",
						   cxipi_cpu_online,
						   cxipi_cpu_offline);
	cpus_read_unlock();
	if (ret < 0)
		return ret;
	cxipi_hotplug_state = ret;
	return 0;
}

/**
 * cxipi_hotplug_exit() - stop watching CPUs come online
 */
void cxipi_hotplug_exit(void)
{
	cpuhp_remove_state_nocalls(cxipi_hotplug_state);
}
