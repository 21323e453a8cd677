// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_client cases: finding cxipi's domains, and the arguments the API
 * refuses (bad virqs, D4; bad reservation masks and domains).
 */
#include "client.h"

#include <linux/irqdesc.h>

/*
 * irq_domain_update_bus_token() renames a domain "<name>-<bus token>", so
 * on 6.1 an IPI domain registered as "x" is named "x-6"; accept both.
 */
static bool ccl_named(struct irq_domain *d, const char *name)
{
	size_t len = strlen(name);
	char tail[8];

	if (!d || !d->name || strncmp(d->name, name, len))
		return false;
	snprintf(tail, sizeof(tail), "-%d", DOMAIN_BUS_IPI);
	return !d->name[len] || !strcmp(d->name + len, tail);
}

static int ccl_lookup(struct ccl *t)
{
	struct irq_domain *percpu = cxipi_domain_get("cxipi-percpu");
	struct irq_domain *single = cxipi_domain_get("cxipi-single");
	struct irq_domain *found;

	if (!percpu || !single) {
		ccl_fail(t, "cxipi_domain_get() found percpu %d, single %d",
			 !!percpu, !!single);
		return -ENODEV;
	}
	pr_info("# %s: the domains are named %s and %s\n", t->name,
		percpu->name, single->name);
	ccl_expect(t, !cxipi_domain_get("cxipi-none"),
		   "cxipi_domain_get(\"cxipi-none\") found a domain");

	found = irq_find_matching_host(NULL, DOMAIN_BUS_IPI);
	ccl_expect(t, found == percpu && ccl_named(found, "cxipi-percpu"),
		   "lookup by NULL node on DOMAIN_BUS_IPI found %s",
		   found ? found->name : "nothing");
	found = irq_find_matching_fwnode(single->fwnode, DOMAIN_BUS_IPI);
	ccl_expect(t, found == single && ccl_named(found, "cxipi-single"),
		   "lookup by cxipi-single's fwnode found %s",
		   found ? found->name : "nothing");
	found = irq_find_matching_fwnode(percpu->fwnode, DOMAIN_BUS_IPI);
	ccl_expect(t, found == percpu && ccl_named(found, "cxipi-percpu"),
		   "lookup by cxipi-percpu's fwnode found %s",
		   found ? found->name : "nothing");

	ccl_expect(t,
		   irq_domain_is_ipi_per_cpu(percpu) &&
			   !irq_domain_is_ipi_single(percpu),
		   "%s is not flagged IRQ_DOMAIN_FLAG_IPI_PER_CPU alone",
		   percpu->name);
	ccl_expect(t,
		   irq_domain_is_ipi_single(single) &&
			   !irq_domain_is_ipi_per_cpu(single),
		   "%s is not flagged IRQ_DOMAIN_FLAG_IPI_SINGLE alone",
		   single->name);
	ccl_expect(t,
		   percpu->bus_token == DOMAIN_BUS_IPI &&
			   single->bus_token == DOMAIN_BUS_IPI,
		   "bus tokens are %d and %d, want DOMAIN_BUS_IPI (%d)",
		   percpu->bus_token, single->bus_token, DOMAIN_BUS_IPI);
	return ccl_status(t);
}

/* D4: virq 0, a virq with no descriptor, an unused virq of another domain. */
static int ccl_bad_virqs(struct ccl *t)
{
	unsigned int bad[3], nr = 0, v, i;
	struct irq_data *d, *nonipi = NULL;
	int ret;

	/* A virq number with no descriptor, below nr_irqs if there is one. */
	v = 1;
	while (v < nr_irqs && irq_get_irq_data(v))
		v++;
	bad[nr++] = v;
	bad[nr++] = UINT_MAX;
	/* An allocated, unused virq of another kind of domain. */
	for (v = 1; v < nr_irqs && !nonipi; v++) {
		d = irq_get_irq_data(v);
		if (d && (!d->domain || !irq_domain_is_ipi(d->domain)) &&
		    !irq_has_action(v))
			nonipi = d;
	}
	if (nonipi)
		bad[nr++] = nonipi->irq;
	else
		pr_info("# %s: no unused non-IPI virq to try\n", t->name);

	ret = ipi_send_single(0, 0);
	ccl_expect(t, ret == -EINVAL, "ipi_send_single(0, 0) returned %d", ret);
	ret = ipi_send_mask(0, cpumask_of(0));
	ccl_expect(t, ret == -EINVAL, "ipi_send_mask(0, 0) returned %d", ret);
	ccl_expect_hwirq(t, 0, 0, INVALID_HWIRQ);
	ret = irq_destroy_ipi(0, cpumask_of(0));
	ccl_expect(t, ret == -EINVAL, "irq_destroy_ipi(0, 0) returned %d", ret);

	for (i = 0; i < nr; i++) {
		v = bad[i];
		ccl_send_bad(t, v, 0);
		ret = ipi_send_mask(v, cpumask_of(0));
		ccl_expect(t, ret == -EINVAL,
			   "ipi_send_mask(%u, 0) returned %d, want -EINVAL", v,
			   ret);
		ccl_expect_hwirq(t, v, 0, INVALID_HWIRQ);
		ret = irq_destroy_ipi(v, cpumask_of(0));
		ccl_expect(t, ret == -EINVAL,
			   "irq_destroy_ipi(%u, 0) returned %d, want -EINVAL",
			   v, ret);
	}

	if (nonipi) {
		ret = __ipi_send_single(irq_data_to_desc(nonipi), 0);
		ccl_expect(t, ret == -EINVAL,
			   "__ipi_send_single(non-IPI virq %u, 0) returned %d",
			   nonipi->irq, ret);
		ret = __ipi_send_mask(irq_data_to_desc(nonipi), cpumask_of(0));
		ccl_expect(t, ret == -EINVAL,
			   "__ipi_send_mask(non-IPI virq %u, 0) returned %d",
			   nonipi->irq, ret);
		ccl_expect(t, irq_get_irq_data(nonipi->irq) == nonipi,
			   "non-IPI virq %u changed", nonipi->irq);
	}
	return ccl_status(t);
}

static void ccl_reserve_bad(struct ccl *t, struct irq_domain *domain,
			    const struct cpumask *dest)
{
	int ret = irq_reserve_ipi(domain, dest);

	if (ccl_expect(t, ret == -EINVAL,
		       "irq_reserve_ipi(%s, '%*pbl') returned %d, want -EINVAL",
		       domain ? domain->name : "NULL", cpumask_pr_args(dest),
		       ret))
		return;
	if (ret > 0)
		irq_destroy_ipi(ret, dest);
}

/* The domain of some allocated virq that is not an IPI domain, or NULL. */
static struct irq_domain *ccl_nonipi_domain(void)
{
	struct irq_data *d;
	unsigned int v;

	for (v = 1; v < nr_irqs; v++) {
		d = irq_get_irq_data(v);
		if (d && d->domain && !irq_domain_is_ipi(d->domain))
			return d->domain;
	}
	return NULL;
}

static int ccl_reserve_args(struct ccl *t)
{
	struct irq_domain *nonipi = ccl_nonipi_domain();
	unsigned int c;

	ccl_reserve_bad(t, t->percpu, ccl_set(t->m, BIT(0) | BIT(2)));
	ccl_reserve_bad(t, t->percpu, ccl_set(t->m, BIT(1) | BIT(3)));
	ccl_reserve_bad(t, t->percpu, ccl_set(t->m, 0));
	ccl_reserve_bad(t, t->single, ccl_set(t->m, 0));
	ccl_reserve_bad(t, NULL, ccl_set(t->m, BIT(1)));
	if (nonipi)
		ccl_reserve_bad(t, nonipi, ccl_set(t->m, BIT(1)));
	else
		pr_info("# %s: no non-IPI domain to try\n", t->name);

	for (c = 0; c < nr_cpu_ids; c++)
		if (!cpu_possible(c))
			break;
	if (c < nr_cpu_ids) {
		cpumask_clear(t->m);
		cpumask_set_cpu(c, t->m);
		ccl_reserve_bad(t, t->percpu, t->m);
		cpumask_set_cpu(0, t->m);
		ccl_reserve_bad(t, t->single, t->m);
	} else {
		pr_info("# %s: every CPU below nr_cpu_ids (%u) is possible: impossible-CPU case not run\n",
			t->name, nr_cpu_ids);
	}
	return ccl_status(t);
}

/* A description has a line of its own, as checkpatch wants. */
/* clang-format off */
static const struct ccl_case ccl_args_cases[] = {
	CCL_CASE(lookup, 0,
		 "IPI-bus lookups by NULL node and by fwnode find cxipi-percpu and cxipi-single, flagged PER_CPU and SINGLE"
	),
	CCL_CASE(bad_virqs, 0,
		 "D4: virq 0, unallocated and non-IPI virqs: sends and destroys -EINVAL, ipi_get_hwirq INVALID_HWIRQ"
	),
	CCL_CASE(reserve_args, CCL_NEEDS_ALL,
		 "irq_reserve_ipi: a hole (PER_CPU), an empty mask, an impossible CPU (if any), a NULL or non-IPI domain are -EINVAL"
	),
	{}
};

/* clang-format on */

const struct ccl_suite ccl_args_suite = {
	.name = "args",
	.cases = ccl_args_cases,
};
