/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the files of the cxipi shim.  The IPI logic
 * lives in the C++ core (cxx_core/include/cxipi/core.h); this header only
 * joins the kernel-facing pieces.  The public in-kernel API is in
 * include/cxipi.h.
 */
#ifndef CXIPI_SHIM_H
#define CXIPI_SHIM_H

#include <linux/cpumask.h>
#include <linux/instruction_pointer.h>
#include <linux/irqdomain.h>
#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/smp.h>

#include <cxipi/core.h>

#include "../include/cxipi.h"

extern const struct cxipi_env cxipi_env;

/* env.c: the fail_alloc module parameter (allocation-failure injection) */
extern unsigned int cxipi_fail_alloc;
void __cxipi_alloc_count_start(void);
bool __cxipi_alloc_fails(unsigned long where);

/* Module init and each reservation count their allocations from 1. */
static inline void cxipi_alloc_count_start(void)
{
	if (unlikely(READ_ONCE(cxipi_fail_alloc)))
		__cxipi_alloc_count_start();
}

/*
 * Whether this allocation is the one fail_alloc fails; only cxipi_alloc()
 * asks.  While fail_alloc is 0: one READ_ONCE and a branch.
 */
static __always_inline bool cxipi_alloc_fails(void)
{
	return unlikely(READ_ONCE(cxipi_fail_alloc)) &&
	       __cxipi_alloc_fails(_THIS_IP_);
}

/**
 * cxipi_alloc() - one allocation of module init or of a reservation
 * @call: the allocating call (kzalloc(), request_irq(), kobject_add()...)
 * @failed: what @call returns when out of memory (NULL, false, -ENOMEM)
 *
 * Every allocation whose failure cxipi must survive goes through here, so
 * that fail_alloc can fail any one of them: when it says this one fails,
 * @call is not made and the caller sees @failed, as if out of memory.
 *
 * Return: the value of @call, or @failed.
 */
#define cxipi_alloc(call, failed) (cxipi_alloc_fails() ? (failed) : (call))

struct cxipi_domain;

/**
 * struct cxipi_kick - what wakes one CPU to drain its doorbells
 * @csd: cross-CPU call used when another CPU rings
 * @self: self-IPI used when the CPU rings itself, so that delivery still
 *	  happens in hard-irq context
 * @dom: the provider domain whose bank the kick drains
 * @batch: the CPUs a fan-out from this CPU kicks with one cross-CPU call
 *	   batch; used with preemption off, from task context only
 */
struct cxipi_kick {
	call_single_data_t csd;
	struct irq_work self;
	struct cxipi_domain *dom;
	cpumask_var_t batch;
};

/**
 * struct cxipi_domain - one IPI provider domain of cxipi
 * @name: the domain's name and its fwnode's name
 * @kind: PER_CPU or SINGLE
 * @nr_hwirqs: how many doorbells the domain has
 * @fwnode: named fwnode the domain is found by
 * @domain: the irq_domain
 * @pool: hwirq allocator, serialized by the irqdomain core's mutex
 * @bells: per-CPU doorbell banks
 * @kicks: per target CPU, the means to wake it
 * @descs: per hwirq, the descriptor of the virq that holds it, or NULL:
 *	   delivery needs no mapping lookup.  Set when the virq is
 *	   allocated, cleared when it is freed; the descriptor itself is
 *	   freed after an RCU grace period, and drains run in hard-irq
 *	   context, an RCU read-side section.
 * @retiring: hwirqs of destroyed reservations that go back to @pool
 *	      once a grace period has passed; under cxipi_ipi_lock
 */
struct cxipi_domain {
	const char *name;
	enum cxipi_domain_kind kind;
	unsigned int nr_hwirqs;
	struct fwnode_handle *fwnode;
	struct irq_domain *domain;
	struct cxipi_hwirq_pool *pool;
	struct cxipi_doorbells *bells;
	struct cxipi_kick __percpu *kicks;
	unsigned int retiring;
	struct irq_desc *descs[];
};

/**
 * struct cxipi_cpu_owner - who consumes a CPU's doorbells
 * @lock: makes the hand-over exclusive with a coprocessor's take or ack
 * @linux_owns: true while Linux drains the CPU's banks; false while the CPU
 *		is a coprocessor, whose endpoint takes and acks them
 *
 * The hand-over is cxipi's hotplug state (CPUHP_AP_ONLINE_DYN), not
 * cpu_online(): a CPU becomes Linux's when that state's startup runs on it
 * and a coprocessor again when its teardown runs, so that a take and a
 * drain never both think the bank is theirs, and no drain runs from the
 * dying CPU's stop-machine context (smpcfd_dying_cpu() flushes queued
 * cross-CPU calls and irq_work there; the online path drains instead).
 */
struct cxipi_cpu_owner {
	raw_spinlock_t lock;
	bool linux_owns;
};

/* domain.c */
struct cxipi_domain *cxipi_domain_create(const char *name,
					 enum cxipi_domain_kind kind,
					 unsigned int nr_hwirqs);
void cxipi_domain_destroy(struct cxipi_domain *dom);
struct cxipi_domain *cxipi_domain_of(struct irq_domain *domain);
int cxipi_domains_init(unsigned int percpu_hwirqs, unsigned int single_hwirqs);
void cxipi_domains_exit(void);
extern struct cxipi_domain *cxipi_domains[2];

/* delivery.c */
int cxipi_delivery_init(struct cxipi_domain *dom);
void cxipi_delivery_exit(struct cxipi_domain *dom);
void cxipi_ring(struct cxipi_domain *dom, unsigned int cpu,
		irq_hw_number_t hwirq);
void cxipi_kick(struct cxipi_domain *dom, unsigned int cpu);
int cxipi_ring_mask(struct cxipi_domain *dom, const struct cxipi_resv *resv,
		    const struct cpumask *dest, bool may_batch);
bool cxipi_cpu_is_linux(unsigned int cpu);
struct cxipi_cpu_owner *cxipi_cpu_owner(unsigned int cpu);
int cxipi_hotplug_init(void);
void cxipi_hotplug_exit(void);

/* ipi.c */
extern struct mutex cxipi_ipi_lock;
int cxipi_reserve_ipi(struct irq_domain *domain, const struct cpumask *dest);
int cxipi_ipi_init(void);
void cxipi_ipi_exit(void);
struct cxipi_resv *cxipi_resv_lookup(unsigned int virq);
unsigned int cxipi_free_hwirqs(struct cxipi_domain *dom);

/* link.c: the doorbell link transport */
void cxipi_link_forward(struct cxipi_domain *dom, unsigned int cpu);
int cxipi_link_init(void);
void cxipi_link_exit(void);

/* debugfs.c */
void cxipi_debugfs_init(void);
void cxipi_debugfs_exit(void);

/* sysfs.c, sysfs_resv.c */
int cxipi_sysfs_init(void);
void cxipi_sysfs_exit(void);
struct kobject *cxipi_sysfs_root(void);

#endif /* CXIPI_SHIM_H */
