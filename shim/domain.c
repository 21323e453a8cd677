// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi's IPI provider domains: irq_domains flagged as IPI domains on the
 * DOMAIN_BUS_IPI bus, whose hwirqs are doorbells.  The hwirq pool and the
 * doorbells are the core's; this file binds them to irq_domain_ops and
 * irq_chip.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "cxipi_shim.h"

struct cxipi_domain *cxipi_domains[2];

/*
 * irq_domain_reset_irq_data() clears chip_data when the virq is freed, and
 * the kernel's own ipi_send_*() (arm64) are not fenced by cxipi's grace
 * period: read it once, and do nothing for a virq on its way out.
 */
static struct cxipi_domain *cxipi_chip_domain(struct irq_data *d)
{
	return READ_ONCE(d->chip_data);
}

/* handle_edge_irq() acks unconditionally; a doorbell needs no ack. */
static void cxipi_chip_ack(struct irq_data *d) {}

static void cxipi_chip_mask(struct irq_data *d)
{
	struct cxipi_domain *dom = cxipi_chip_domain(d);

	if (dom)
		cxipi_doorbells_mask(dom->bells, irqd_to_hwirq(d));
}

static void cxipi_unmask_kick(void *ctx, unsigned int cpu)
{
	cxipi_kick(ctx, cpu);
}

static void cxipi_chip_unmask(struct irq_data *d)
{
	struct cxipi_domain *dom = cxipi_chip_domain(d);

	if (dom)
		cxipi_doorbells_unmask(dom->bells, irqd_to_hwirq(d),
				       cxipi_unmask_kick, dom);
}

/*
 * Where to replay an IPI of @virq: the CPU that drained it last, while it
 * is still a target of @virq (and, on a SINGLE domain, Linux's); else a
 * target of @virq that is Linux's; else its first target, where the
 * doorbell latches for the CPU's return.  -1 when @virq is no
 * reservation's any more.  Under rcu_read_lock().
 */
static int cxipi_replay_cpu(struct cxipi_domain *dom, unsigned int virq,
			    irq_hw_number_t hwirq)
{
	const struct cxipi_resv *resv = cxipi_resv_lookup(virq);
	int last = cxipi_doorbells_last_cpu(dom->bells, hwirq);
	int cpu, latch = -1;

	if (!resv)
		return -1;
	if (last >= 0 && cxipi_resv_virq_of(resv, last) == virq &&
	    (dom->kind == CXIPI_KIND_PER_CPU || cxipi_cpu_is_linux(last)))
		return last;
	for_each_cpu(cpu, to_cpumask(cxipi_resv_targets(resv))) {
		if (cxipi_resv_virq_of(resv, cpu) != virq)
			continue;
		if (cxipi_cpu_is_linux(cpu))
			return cpu;
		if (latch < 0)
			latch = cpu;
	}
	return latch;
}

/*
 * The flow handler left an IPI pending (it came while the irq was being
 * disabled): raise it again on a target, so that the replay runs there in
 * hard-irq context, not from a tasklet on whichever CPU enabled the irq.
 */
static int cxipi_chip_retrigger(struct irq_data *d)
{
	struct cxipi_domain *dom = cxipi_chip_domain(d);
	int cpu;

	if (!dom)
		return 0;
	rcu_read_lock();
	cpu = cxipi_replay_cpu(dom, d->irq, irqd_to_hwirq(d));
	if (cpu >= 0)
		cxipi_ring(dom, cpu, irqd_to_hwirq(d));
	rcu_read_unlock();
	return cpu >= 0;
}

/*
 * The chip's sends are for callers other than cxipi's IPI API, which rings
 * its own domains directly: on arm64 the kernel's own ipi_send_*() and
 * __ipi_send_*(), which check their arguments only in DEBUG builds.  A
 * target that is not one is refused, never wrapped to another virq.
 */
static void cxipi_chip_send_single(struct irq_data *d, unsigned int cpu)
{
	struct cxipi_domain *dom = cxipi_chip_domain(d);
	const struct cxipi_resv *resv;

	if (!dom)
		return;
	rcu_read_lock();
	resv = cxipi_resv_lookup(d->irq);
	if (resv && cxipi_resv_virq_of(resv, cpu) == d->irq)
		cxipi_ring(dom, cpu, irqd_to_hwirq(d));
	else
		pr_warn_ratelimited("%s: virq %u: CPU %u is no target\n",
				    dom->name, d->irq, cpu);
	rcu_read_unlock();
}

static void cxipi_chip_send_mask(struct irq_data *d, const struct cpumask *dest)
{
	struct cxipi_domain *dom = cxipi_chip_domain(d);
	const struct cxipi_resv *resv;

	if (!dom)
		return;
	rcu_read_lock();
	resv = cxipi_resv_lookup(d->irq);
	if (!resv || cxipi_ring_mask(dom, resv, dest, false))
		pr_warn_ratelimited("%s: virq %u: CPUs %*pbl are no targets\n",
				    dom->name, d->irq, cpumask_pr_args(dest));
	rcu_read_unlock();
}

static struct irq_chip cxipi_chip = {
	.name = "cxipi",
	.irq_ack = cxipi_chip_ack,
	.irq_mask = cxipi_chip_mask,
	.irq_unmask = cxipi_chip_unmask,
	.irq_retrigger = cxipi_chip_retrigger,
	.ipi_send_single = cxipi_chip_send_single,
	.ipi_send_mask = cxipi_chip_send_mask,
	.flags = IRQCHIP_SKIP_SET_WAKE,
};

static int cxipi_domain_alloc(struct irq_domain *d, unsigned int virq,
			      unsigned int nr_irqs, void *arg)
{
	struct cxipi_domain *dom = d->host_data;
	struct irq_data *data;
	unsigned int first, i;
	int ret;

	/* Every live virq holds cxipi; see cxipi_reserve_ipi() for its own. */
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	ret = cxipi_hwirq_pool_claim(dom->pool, nr_irqs, &first);
	if (ret) {
		module_put(THIS_MODULE);
		return ret;
	}
	for (i = 1; i < nr_irqs; i++)
		__module_get(THIS_MODULE);

	for (i = 0; i < nr_irqs; i++) {
		/* Masked and clean until request_irq() unmasks it. */
		cxipi_doorbells_reset(dom->bells, first + i);
		irq_domain_set_info(d, virq + i, first + i, &cxipi_chip, dom,
				    handle_edge_irq, NULL, "edge");
		data = irq_domain_get_irq_data(d, virq + i);
		/* For cxipi_deliver(); masked until request_irq() anyway. */
		smp_store_release(&dom->descs[first + i],
				  irq_data_to_desc(data));
		/*
		 * disable_irq() masks at once, so doorbells latch.  Never
		 * threaded, like the kernel's own IPIs: a handler runs in
		 * hard-irq context on its CPU even where every request_irq()
		 * is forced into a thread (threadirqs, PREEMPT_RT) and the
		 * driver did not pass IRQF_NO_THREAD.
		 */
		irq_set_status_flags(virq + i,
				     IRQ_DISABLE_UNLAZY | IRQ_NOTHREAD);
	}
	return 0;
}

static void cxipi_domain_free(struct irq_domain *d, unsigned int virq,
			      unsigned int nr_irqs)
{
	struct cxipi_domain *dom = d->host_data;
	struct irq_data *data;
	unsigned int i;

	for (i = 0; i < nr_irqs; i++) {
		data = irq_domain_get_irq_data(d, virq + i);
		if (data) {
			WRITE_ONCE(dom->descs[irqd_to_hwirq(data)], NULL);
			cxipi_doorbells_reset(dom->bells, irqd_to_hwirq(data));
			if (cxipi_hwirq_pool_release(dom->pool,
						     irqd_to_hwirq(data), 1))
				pr_warn("%s: hwirq %lu of virq %u was not allocated\n",
					dom->name, irqd_to_hwirq(data),
					virq + i);
			irq_domain_reset_irq_data(data);
		}
		module_put(THIS_MODULE);
	}
}

/*
 * irq_find_matching_host(NULL, DOMAIN_BUS_IPI) reaches a domain's .match
 * with a NULL node, and so does a lookup by a named (non-OF) fwnode.  Only
 * cxipi-percpu has a .match, answering IPI-bus lookups: it is registered
 * before cxipi-single, so it sits after it on the kernel's domain list, and
 * a lookup by cxipi-single's fwnode finds cxipi-single first by the default
 * fwnode rule.
 */
static int cxipi_domain_match(struct irq_domain *d, struct device_node *node,
			      enum irq_domain_bus_token bus_token)
{
	return !node && bus_token == DOMAIN_BUS_IPI;
}

static const struct irq_domain_ops cxipi_percpu_ops = {
	.match = cxipi_domain_match,
	.alloc = cxipi_domain_alloc,
	.free = cxipi_domain_free,
};

static const struct irq_domain_ops cxipi_single_ops = {
	.alloc = cxipi_domain_alloc,
	.free = cxipi_domain_free,
};

/**
 * cxipi_domain_of() - the cxipi provider domain behind an irq_domain
 * @domain: any irq_domain, or NULL
 *
 * Return: the provider domain, or NULL when @domain is not one of cxipi's.
 */
struct cxipi_domain *cxipi_domain_of(struct irq_domain *domain)
{
	if (!domain || (domain->ops != &cxipi_percpu_ops &&
			domain->ops != &cxipi_single_ops))
		return NULL;
	return domain->host_data;
}

/**
 * cxipi_domain_create() - make and publish one IPI provider domain
 * @name: name of the domain and of its fwnode
 * @kind: PER_CPU or SINGLE
 * @nr_hwirqs: how many doorbells (hwirqs) the domain has
 *
 * Return: the domain, or an ERR_PTR().
 */
struct cxipi_domain *cxipi_domain_create(const char *name,
					 enum cxipi_domain_kind kind,
					 unsigned int nr_hwirqs)
{
	const bool per_cpu = kind == CXIPI_KIND_PER_CPU;
	const struct irq_domain_ops *ops;
	struct cxipi_domain *dom;
	unsigned int flags;
	int ret = -ENOMEM;
	size_t size;

	/* One descriptor slot per hwirq, for cxipi_deliver(). */
	size = struct_size(dom, descs, nr_hwirqs);
	dom = cxipi_alloc(kzalloc(size, GFP_KERNEL), NULL);
	if (!dom)
		return ERR_PTR(-ENOMEM);
	dom->name = name;
	dom->kind = kind;
	dom->nr_hwirqs = nr_hwirqs;

	dom->pool = cxipi_hwirq_pool_create(&cxipi_env, nr_hwirqs);
	dom->bells = cxipi_doorbells_create(&cxipi_env, nr_cpu_ids, nr_hwirqs);
	if (!dom->pool || !dom->bells)
		goto err_core;

	ret = cxipi_delivery_init(dom);
	if (ret)
		goto err_core;

	ret = -ENOMEM;
	dom->fwnode = cxipi_alloc(irq_domain_alloc_named_fwnode(name), NULL);
	if (!dom->fwnode)
		goto err_delivery;

	flags = per_cpu ? IRQ_DOMAIN_FLAG_IPI_PER_CPU :
			  IRQ_DOMAIN_FLAG_IPI_SINGLE;
	ops = per_cpu ? &cxipi_percpu_ops : &cxipi_single_ops;
	dom->domain =
		cxipi_alloc(irq_domain_create_hierarchy(NULL, flags, nr_hwirqs,
							dom->fwnode, ops, dom),
			    NULL);
	if (!dom->domain)
		goto err_fwnode;
	/*
	 * irq_domain_update_bus_token() would rename the domain
	 * "cxipi-percpu-6"; users find it by its exact name.  Nobody can look
	 * it up by bus yet, so the token is set directly.
	 */
	dom->domain->bus_token = DOMAIN_BUS_IPI;
	return dom;

err_fwnode:
	irq_domain_free_fwnode(dom->fwnode);
err_delivery:
	cxipi_delivery_exit(dom);
err_core:
	cxipi_doorbells_destroy(&cxipi_env, dom->bells);
	cxipi_hwirq_pool_destroy(&cxipi_env, dom->pool);
	kfree(dom);
	return ERR_PTR(ret);
}

/**
 * cxipi_domain_destroy() - unpublish and free a provider domain
 * @dom: the domain; every virq it allocated must be freed already
 */
void cxipi_domain_destroy(struct cxipi_domain *dom)
{
	/* A kick still in flight drains through the domain: wait for it. */
	cxipi_delivery_exit(dom);
	irq_domain_remove(dom->domain);
	irq_domain_free_fwnode(dom->fwnode);
	cxipi_doorbells_destroy(&cxipi_env, dom->bells);
	cxipi_hwirq_pool_destroy(&cxipi_env, dom->pool);
	kfree(dom);
}

/**
 * cxipi_domains_init() - create cxipi-percpu, then cxipi-single
 * @percpu_hwirqs: doorbells of cxipi-percpu
 * @single_hwirqs: doorbells of cxipi-single
 *
 * Return: 0 or -errno, with nothing left behind.
 */
int cxipi_domains_init(unsigned int percpu_hwirqs, unsigned int single_hwirqs)
{
	struct cxipi_domain *dom;

	dom = cxipi_domain_create("cxipi-percpu", CXIPI_KIND_PER_CPU,
				  percpu_hwirqs);
	if (IS_ERR(dom))
		return PTR_ERR(dom);
	cxipi_domains[0] = dom;

	dom = cxipi_domain_create("cxipi-single", CXIPI_KIND_SINGLE,
				  single_hwirqs);
	if (IS_ERR(dom)) {
		cxipi_domain_destroy(cxipi_domains[0]);
		cxipi_domains[0] = NULL;
		return PTR_ERR(dom);
	}
	cxipi_domains[1] = dom;
	return 0;
}

/**
 * cxipi_domains_exit() - remove both provider domains
 */
void cxipi_domains_exit(void)
{
	int i;

	for (i = ARRAY_SIZE(cxipi_domains) - 1; i >= 0; i--) {
		cxipi_domain_destroy(cxipi_domains[i]);
		cxipi_domains[i] = NULL;
	}
}

/**
 * cxipi_domain_get() - find one of cxipi's IPI provider domains by name
 * @name: "cxipi-percpu" or "cxipi-single"
 *
 * Context: any context; the domain lives as long as cxipi.ko is loaded.
 * Return: the irq_domain, or NULL when there is no such domain.
 */
struct irq_domain *cxipi_domain_get(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cxipi_domains); i++)
		if (cxipi_domains[i] && name &&
		    !strcmp(cxipi_domains[i]->name, name))
			return cxipi_domains[i]->domain;
	return NULL;
}
EXPORT_SYMBOL_GPL(cxipi_domain_get);
