// SPDX-License-Identifier: GPL-2.0
/*
 * Delivery: a raise sets a doorbell bit in the target CPU's bank (core), and
 * only the raise that arms the bank kicks the CPU.  The kick runs on the
 * target in hard-irq context: a cross-CPU call from another CPU, an irq_work
 * self-IPI from the CPU itself (a cross-CPU call to oneself would run at
 * once, outside hard-irq context).  There the bank is drained and each
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

#include "cxipi.h"
#include "trace.h"

static void cxipi_deliver(void *ctx, unsigned int hwirq)
{
	struct cxipi_domain *dom = ctx;

	trace_cxipi_deliver(dom, hwirq);
	generic_handle_domain_irq(dom->domain, hwirq);
}

static void cxipi_drain_here(struct cxipi_domain *dom)
{
	cxipi_doorbells_drain(dom->bells, smp_processor_id(), cxipi_deliver,
			      dom);
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

	if (!cpu_online(cpu))
		return;
	if (cpu == get_cpu())
		irq_work_queue(&kick->self);
	else
		smp_call_function_single_async(cpu, &kick->csd);
	put_cpu();
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
	int ret = cxipi_doorbells_raise(dom->bells, cpu, hwirq);

	trace_cxipi_raise(dom, cpu, hwirq, ret);
	/* Tested inside the static branch: no cost while the event is off. */
	if (trace_cxipi_latch_enabled() && ret >= 0 && !cpu_online(cpu))
		trace_cxipi_latch(dom, cpu, hwirq);
	if (ret == CXIPI_RAISE_KICK)
		cxipi_kick(dom, cpu);
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

	if (!cxipi_alloc_fails())
		dom->kicks = alloc_percpu(struct cxipi_kick);
	if (!dom->kicks)
		return -ENOMEM;

	for_each_possible_cpu(cpu) {
		struct cxipi_kick *kick = per_cpu_ptr(dom->kicks, cpu);

		kick->dom = dom;
		INIT_CSD(&kick->csd, cxipi_kick_call, dom);
		init_irq_work(&kick->self, cxipi_kick_self);
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
	 * handler already running.
	 */
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
	free_percpu(dom->kicks);
}

static enum cpuhp_state cxipi_hotplug_state;

/*
 * A CPU that comes online may have doorbells latched while it was a
 * coprocessor, and a kick may have been skipped for it: drain on it now,
 * from a self-IPI so that handlers run in hard-irq context.
 */
static int cxipi_cpu_online(unsigned int cpu)
{
	struct cxipi_kick *kick;
	int i;

	for (i = 0; i < ARRAY_SIZE(cxipi_domains); i++) {
		kick = per_cpu_ptr(cxipi_domains[i]->kicks, cpu);
		irq_work_queue(&kick->self);
	}
	return 0;
}

/**
 * cxipi_hotplug_init() - drain doorbells on CPUs as they come online
 *
 * Return: 0 or -errno.
 */
int cxipi_hotplug_init(void)
{
	int ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "cxipi:online",
					    cxipi_cpu_online, NULL);

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
