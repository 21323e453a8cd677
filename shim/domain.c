// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi's IPI provider domains: an irq_domain flagged as an IPI domain on
 * the DOMAIN_BUS_IPI bus, whose hwirqs are doorbells.  The hwirq pool and
 * the doorbells are the core's; this file binds them to irq_domain_ops and
 * irq_chip.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/slab.h>

#include "cxipi.h"

static void cxipi_chip_noop(struct irq_data *d) {}

static void cxipi_chip_send_single(struct irq_data *d, unsigned int cpu)
{
	cxipi_ring(irq_data_get_irq_chip_data(d), cpu, irqd_to_hwirq(d));
}

static struct irq_chip cxipi_chip = {
	.name = "cxipi",
	/* handle_edge_irq() acks unconditionally; a doorbell needs no ack. */
	.irq_ack = cxipi_chip_noop,
	.irq_mask = cxipi_chip_noop,
	.irq_unmask = cxipi_chip_noop,
	.ipi_send_single = cxipi_chip_send_single,
	.flags = IRQCHIP_SKIP_SET_WAKE,
};

static int cxipi_domain_alloc(struct irq_domain *d, unsigned int virq,
			      unsigned int nr_irqs, void *arg)
{
	struct cxipi_domain *dom = d->host_data;
	unsigned int first, i;
	int ret;

	ret = cxipi_hwirq_pool_claim(dom->pool, nr_irqs, &first);
	if (ret)
		return ret;

	for (i = 0; i < nr_irqs; i++)
		irq_domain_set_info(d, virq + i, first + i, &cxipi_chip, dom,
				    handle_edge_irq, NULL, "edge");
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
		if (!data)
			continue;
		if (cxipi_hwirq_pool_release(dom->pool, irqd_to_hwirq(data), 1))
			pr_warn("%s: hwirq %lu of virq %u was not allocated\n",
				dom->name, irqd_to_hwirq(data), virq + i);
		irq_domain_reset_irq_data(data);
	}
}

static const struct irq_domain_ops cxipi_domain_ops = {
	.alloc = cxipi_domain_alloc,
	.free = cxipi_domain_free,
};

static unsigned int cxipi_domain_flag(enum cxipi_domain_kind kind)
{
	return kind == CXIPI_KIND_SINGLE ? IRQ_DOMAIN_FLAG_IPI_SINGLE :
					   IRQ_DOMAIN_FLAG_IPI_PER_CPU;
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
	struct cxipi_domain *dom;
	int ret = -ENOMEM;

	dom = kzalloc(sizeof(*dom), GFP_KERNEL);
	if (!dom)
		return ERR_PTR(-ENOMEM);
	dom->name = name;
	dom->kind = kind;

	dom->pool = cxipi_hwirq_pool_create(&cxipi_env, nr_hwirqs);
	dom->bells = cxipi_doorbells_create(&cxipi_env, nr_cpu_ids, nr_hwirqs);
	if (!dom->pool || !dom->bells)
		goto err_core;

	ret = cxipi_delivery_init(dom);
	if (ret)
		goto err_core;

	dom->fwnode = irq_domain_alloc_named_fwnode(name);
	if (!dom->fwnode) {
		ret = -ENOMEM;
		goto err_delivery;
	}

	dom->domain = irq_domain_create_hierarchy(NULL, cxipi_domain_flag(kind),
						  nr_hwirqs, dom->fwnode,
						  &cxipi_domain_ops, dom);
	if (!dom->domain) {
		ret = -ENOMEM;
		goto err_fwnode;
	}
	irq_domain_update_bus_token(dom->domain, DOMAIN_BUS_IPI);
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
	irq_domain_remove(dom->domain);
	irq_domain_free_fwnode(dom->fwnode);
	cxipi_delivery_exit(dom);
	cxipi_doorbells_destroy(&cxipi_env, dom->bells);
	cxipi_hwirq_pool_destroy(&cxipi_env, dom->pool);
	kfree(dom);
}
