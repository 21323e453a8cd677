// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_client case D5: the API's fallbacks on provider domains whose chip
 * has one send callback only, on two test domains the case makes and
 * removes.
 */
#include "client.h"

#include <linux/bitmap.h>
#include <linux/module.h>
#include <linux/slab.h>

#define CCL_FAKE_HWIRQS 16
#define CCL_FAKE_CALLS 8

struct ccl_call {
	struct irq_data *data;
	irq_hw_number_t hwirq;
	unsigned int cpu;
	unsigned long mask;
	unsigned int weight;
};

/* A test provider domain whose chip records what it is asked to send. */
struct ccl_fake {
	struct fwnode_handle *fwnode;
	struct irq_domain *domain;
	const struct irq_chip *chip;
	DECLARE_BITMAP(used, CCL_FAKE_HWIRQS);
	unsigned long alloc_arg;
	unsigned int nr_calls;
	struct ccl_call calls[CCL_FAKE_CALLS];
};

static void ccl_fake_nop(struct irq_data *d) {}

static struct ccl_call *ccl_fake_call(struct irq_data *d)
{
	struct ccl_fake *f = irq_data_get_irq_chip_data(d);
	struct ccl_call *call;

	if (f->nr_calls++ >= CCL_FAKE_CALLS)
		return NULL;
	call = &f->calls[f->nr_calls - 1];
	call->data = d;
	call->hwirq = irqd_to_hwirq(d);
	return call;
}

static void ccl_fake_send_single(struct irq_data *d, unsigned int cpu)
{
	struct ccl_call *call = ccl_fake_call(d);

	if (call)
		call->cpu = cpu;
}

static void ccl_fake_send_mask(struct irq_data *d, const struct cpumask *dest)
{
	struct ccl_call *call = ccl_fake_call(d);

	if (call) {
		call->mask = cpumask_bits(dest)[0];
		call->weight = cpumask_weight(dest);
	}
}

static const struct irq_chip ccl_chip_single_only = {
	.name = "cxipi_client-single",
	.irq_ack = ccl_fake_nop,
	.irq_mask = ccl_fake_nop,
	.irq_unmask = ccl_fake_nop,
	.ipi_send_single = ccl_fake_send_single,
};

static const struct irq_chip ccl_chip_mask_only = {
	.name = "cxipi_client-mask",
	.irq_ack = ccl_fake_nop,
	.irq_mask = ccl_fake_nop,
	.irq_unmask = ccl_fake_nop,
	.ipi_send_mask = ccl_fake_send_mask,
};

static void ccl_fake_free(struct irq_domain *domain, unsigned int virq,
			  unsigned int nr_irqs)
{
	struct ccl_fake *f = domain->host_data;
	struct irq_data *d;
	unsigned int i;

	for (i = 0; i < nr_irqs; i++) {
		d = irq_domain_get_irq_data(domain, virq + i);
		if (!d)
			continue;
		__clear_bit(irqd_to_hwirq(d), f->used);
		irq_domain_reset_irq_data(d);
	}
}

static int ccl_fake_alloc(struct irq_domain *domain, unsigned int virq,
			  unsigned int nr_irqs, void *arg)
{
	struct ccl_fake *f = domain->host_data;
	const struct cpumask *dest = arg;
	unsigned long hw;
	unsigned int i;

	f->alloc_arg = dest ? cpumask_bits(dest)[0] : 0;
	for (i = 0; i < nr_irqs; i++) {
		hw = find_first_zero_bit(f->used, CCL_FAKE_HWIRQS);
		if (hw >= CCL_FAKE_HWIRQS) {
			ccl_fake_free(domain, virq, i);
			return -ENOSPC;
		}
		__set_bit(hw, f->used);
		irq_domain_set_info(domain, virq + i, hw, f->chip, f,
				    handle_edge_irq, NULL, NULL);
	}
	return 0;
}

static const struct irq_domain_ops ccl_fake_ops = {
	.alloc = ccl_fake_alloc,
	.free = ccl_fake_free,
};

static struct ccl_fake *ccl_fake_create(struct ccl *t, const char *name,
					const struct irq_chip *chip)
{
	struct ccl_fake *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!ccl_expect(t, f, "out of memory"))
		return NULL;
	f->chip = chip;
	f->fwnode = irq_domain_alloc_named_fwnode(name);
	if (!ccl_expect(t, f->fwnode, "no fwnode for %s", name))
		goto err;
	f->domain = irq_domain_create_hierarchy(NULL,
						IRQ_DOMAIN_FLAG_IPI_PER_CPU,
						CCL_FAKE_HWIRQS, f->fwnode,
						&ccl_fake_ops, f);
	if (!ccl_expect(t, f->domain, "could not create domain %s", name))
		goto err_fwnode;
	irq_domain_update_bus_token(f->domain, DOMAIN_BUS_IPI);
	return f;

err_fwnode:
	irq_domain_free_fwnode(f->fwnode);
err:
	kfree(f);
	return NULL;
}

/*
 * Remove a test domain; one that still has virqs (their destroy failed)
 * is left, and the module pinned, since those virqs point to its chip:
 * then the module must load and stay (ccl_pinned).
 */
static void ccl_fake_destroy(struct ccl *t, struct ccl_fake *f)
{
	if (!f)
		return;
	/* Another provider's virqs are freed before destroy returns. */
	if (!ccl_expect(t, bitmap_empty(f->used, CCL_FAKE_HWIRQS),
			"%s still has virqs: keeping it, and the module loaded",
			f->domain->name)) {
		__module_get(THIS_MODULE);
		ccl_pinned = true;
		return;
	}
	irq_domain_remove(f->domain);
	irq_domain_free_fwnode(f->fwnode);
	kfree(f);
}

static void ccl_expect_call(struct ccl *t, struct ccl_fake *f, unsigned int i,
			    unsigned int cpu, unsigned long mask,
			    unsigned int virq)
{
	unsigned int weight = hweight_long(mask);
	struct irq_data *d = irq_get_irq_data(virq);
	struct ccl_call *call;
	bool ok;

	if (i >= f->nr_calls || i >= CCL_FAKE_CALLS)
		return;
	call = &f->calls[i];
	ok = d && call->data == d && call->hwirq == irqd_to_hwirq(d);
	ccl_expect(t, ok, "%s call %u: data of hwirq %lu, want virq %u's",
		   f->chip->name, i, call->hwirq, virq);
	if (f->chip->ipi_send_single)
		ccl_expect(t, call->cpu == cpu,
			   "%s call %u: ipi_send_single to CPU %u, want %u",
			   f->chip->name, i, call->cpu, cpu);
	else
		ccl_expect(t, call->mask == mask && call->weight == weight,
			   "%s call %u: mask %#lx (%u CPUs), want %#lx",
			   f->chip->name, i, call->mask, call->weight, mask);
}

static void ccl_expect_calls(struct ccl *t, struct ccl_fake *f, unsigned int n,
			     int ret, const char *what)
{
	ccl_expect(t, !ret && f->nr_calls == n,
		   "%s on %s: %d, %u chip calls; want 0, %u", what,
		   f->domain->name, ret, f->nr_calls, n);
}

/* (a) ipi_send_single only: a mask send is one call per CPU. */
static void ccl_single_only(struct ccl *t, struct ccl_fake *a,
			    struct ccl_resv *ra)
{
	int ret;

	ccl_expect(t, a->alloc_arg == CCL_CPUS_1_3,
		   "alloc op arg is %#lx, want the destination %#lx",
		   a->alloc_arg, CCL_CPUS_1_3);
	a->nr_calls = 0;
	ret = ipi_send_mask(ra->base, ccl_set(t->m, BIT(1) | BIT(3)));
	ccl_expect_calls(t, a, 2, ret, "ipi_send_mask(1,3)");
	ccl_expect_call(t, a, 0, 1, 0, ra->base);
	ccl_expect_call(t, a, 1, 3, 0, ra->base + 2);
	a->nr_calls = 0;
	ret = ipi_send_single(ra->base, 2);
	ccl_expect_calls(t, a, 1, ret, "ipi_send_single(2)");
	ccl_expect_call(t, a, 0, 2, 0, ra->base + 1);
	a->nr_calls = 0;
	ret = __ipi_send_mask(irq_data_to_desc(irq_get_irq_data(ra->base + 2)),
			      ccl_set(t->m, BIT(1) | BIT(2)));
	ccl_expect_calls(t, a, 2, ret, "__ipi_send_mask(1-2) by CPU 3's virq");
	ccl_expect_call(t, a, 0, 1, 0, ra->base);
	ccl_expect_call(t, a, 1, 2, 0, ra->base + 1);
}

/* (b) ipi_send_mask only: a single send is a one-CPU mask. */
static void ccl_mask_only(struct ccl *t, struct ccl_fake *b,
			  struct ccl_resv *rb)
{
	int ret;

	b->nr_calls = 0;
	ret = ipi_send_single(rb->base, 2);
	ccl_expect_calls(t, b, 1, ret, "ipi_send_single(2)");
	ccl_expect_call(t, b, 0, 0, BIT(2), rb->base + 1);
	b->nr_calls = 0;
	ret = ipi_send_mask(rb->base, ccl_set(t->m, BIT(1) | BIT(3)));
	ccl_expect_calls(t, b, 1, ret, "ipi_send_mask(1,3)");
	ccl_expect_call(t, b, 0, 0, BIT(1) | BIT(3), rb->base);
}

static int ccl_fallbacks(struct ccl *t)
{
	struct ccl_fake *a, *b;
	struct ccl_resv ra = {}, rb = {};

	a = ccl_fake_create(t, "cxipi_client-single-only",
			    &ccl_chip_single_only);
	b = ccl_fake_create(t, "cxipi_client-mask-only", &ccl_chip_mask_only);
	if (!a || !b)
		goto out;
	if (!ccl_reserve(t, &ra, a->domain, CCL_CPUS_1_3))
		goto out;
	ccl_single_only(t, a, &ra);
	if (!ccl_reserve(t, &rb, b->domain, CCL_CPUS_1_3))
		goto out;
	ccl_mask_only(t, b, &rb);

	a->nr_calls = 0;
	b->nr_calls = 0;
	ccl_send_bad(t, rb.base, 0);
	ccl_send_bad(t, ra.base, 0);
	ccl_expect(t, !a->nr_calls && !b->nr_calls,
		   "refused sends reached the chips");
out:
	ccl_release(t, &ra);
	ccl_release(t, &rb);
	ccl_fake_destroy(t, a);
	ccl_fake_destroy(t, b);
	return ccl_status(t);
}

/* A description has a line of its own, as checkpatch wants. */
/* clang-format off */
static const struct ccl_case ccl_fallbacks_cases[] = {
	CCL_CASE(fallbacks, CCL_NEEDS_CPUS,
		 "D5: a chip with only ipi_send_single gets one call per CPU with that CPU's data; one with only ipi_send_mask gets a one-CPU mask"
	),
	{}
};

/* clang-format on */

const struct ccl_suite ccl_fallbacks_suite = {
	.name = "fallbacks",
	.cases = ccl_fallbacks_cases,
};
