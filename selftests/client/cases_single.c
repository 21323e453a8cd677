// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_client cases on cxipi-single: one virq and one hwirq for all its
 * targets, a partial destroy that keeps the virq (D3), and exhaustion with
 * the real cause (D1).
 */
#include "client.h"

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

/* cxipi's largest single_hwirqs, plus one. */
#define CCL_MAX_SINGLE 65537

static void ccl_single_sends(struct ccl *t, struct ccl_resv *r,
			     unsigned long targets, irq_hw_number_t hw)
{
	struct ccl_rx *rx = r->rx[0];
	unsigned int v = r->base, n;
	unsigned long deadline, c;
	struct irq_data *d;
	int ret;

	/*
	 * One virq for three CPUs: deliveries that overlap may merge.  When
	 * CPU B takes the IPI while CPU A is still in the handler, the
	 * kernel's edge flow marks it pending and A runs the handler again
	 * for it, so B's run happens on A.  So: at least one run, at most
	 * three, only on targets, always in hard irq.
	 */
	ret = ipi_send_mask(v, ccl_set(t->m, targets));
	ccl_expect(t, !ret, "ipi_send_mask(%u, 0,2-3) returned %d", v, ret);
	deadline = jiffies + msecs_to_jiffies(CCL_WAIT_MS);
	while (!ccl_total(rx) && time_before(jiffies, deadline))
		usleep_range(1000, 2000);
	msleep(CCL_QUIET_MS);
	n = ccl_total(rx);
	ccl_expect(t, !ret && n >= 1 && n <= 3,
		   "the handler ran %u times for a send to 3 CPUs", n);
	for (c = 0; c < CCL_MAX_CPUS; c++) {
		rx->want[c] = atomic_read(&rx->hits[c]);
		ccl_expect(t,
			   !rx->want[c] ||
				   (c < BITS_PER_LONG && (targets & BIT(c))),
			   "the handler ran on CPU %lu, not a target", c);
	}
	ccl_expect_right(t, rx);

	ccl_send_one(t, r, v, 2);
	ccl_settle(t, r);

	/* D3: a strict subset leaves the virq to the other targets. */
	if (ccl_destroy(t, r, v, BIT(2))) {
		d = irq_get_irq_data(v);
		if (ccl_expect(t, d,
			       "virq %u freed when CPU 2 alone was removed", v))
			ccl_expect_mask(t, irq_data_get_affinity_mask(d),
					BIT(0) | BIT(3), "affinity", v);
		ccl_expect_hwirq(t, v, 2, INVALID_HWIRQ);
		ccl_expect_hwirq(t, v, 3, hw);
		ccl_expect_hwirq(t, v, 0, hw);
		ccl_send_bad(t, v, 2);
		ccl_send_mask_bad(t, v, targets);
		ccl_send_one(t, r, v, 3);
		ccl_settle(t, r);
	}
	ccl_unlisten(r, 0);
	if (ccl_destroy(t, r, v, r->cpus)) {
		/* It goes after a grace period. */
		cxipi_destroy_barrier();
		ccl_expect(t, !irq_get_irq_data(v),
			   "virq %u still exists after its last CPUs went", v);
	}
}

static int ccl_single(struct ccl *t)
{
	const unsigned long targets = BIT(0) | BIT(2) | BIT(3);
	struct ccl_resv r;
	struct irq_data *d;
	irq_hw_number_t hw;
	unsigned long c;
	unsigned int v;

	if (!ccl_reserve(t, &r, t->single, targets))
		return -EINVAL;
	v = r.base;
	d = irq_get_irq_data(v);
	if (!ccl_expect(t, d, "virq %u has no irq data", v))
		goto out;
	ccl_expect_mask(t, irq_data_get_affinity_mask(d), targets, "affinity",
			v);
	ccl_expect(t, !irqd_can_balance(d),
		   "virq %u is not marked IRQ_NO_BALANCING", v);
	hw = irqd_to_hwirq(d);
	for_each_set_bit(c, &targets, BITS_PER_LONG)
		ccl_expect_hwirq(t, v, c, hw);
	ccl_expect_hwirq(t, v, 1, INVALID_HWIRQ);
	ccl_expect_hwirq(t, v, nr_cpu_ids, INVALID_HWIRQ);
	if (ccl_listen(t, &r, 0))
		ccl_single_sends(t, &r, targets, hw);
out:
	ccl_release(t, &r);
	return ccl_status(t);
}

/* ---- D1, exhaustion ------------------------------------------------------ */

static int ccl_fill_single(struct ccl *t, int *virqs, int *err)
{
	int n = 0, ret = 0;

	ccl_set(t->m, BIT(1));
	while (n < CCL_MAX_SINGLE) {
		ret = irq_reserve_ipi(t->single, t->m);
		if (ret <= 0)
			break;
		virqs[n++] = ret;
	}
	*err = ret;
	return n;
}

static void ccl_empty_single(struct ccl *t, int *virqs, int n)
{
	int i, ret, bad = 0;

	ccl_set(t->m, BIT(1));
	for (i = 0; i < n; i++) {
		ret = irq_destroy_ipi(virqs[i], t->m);
		if (ret && !bad++)
			ccl_expect(t, false,
				   "irq_destroy_ipi(%d, 1) returned %d",
				   virqs[i], ret);
	}
	ccl_expect(t, !bad, "%d of %d destroys failed", bad, n);
}

static int ccl_single_exhaustion(struct ccl *t)
{
	int *virqs, n, n2, err, err2;

	virqs = kvcalloc(CCL_MAX_SINGLE, sizeof(*virqs), GFP_KERNEL);
	if (!ccl_expect(t, virqs, "out of memory"))
		return -ENOMEM;
	n = ccl_fill_single(t, virqs, &err);
	pr_info("# %s: cxipi-single took %d one-CPU reservations, then %d\n",
		t->name, n, err);
	ccl_expect(t, err == -ENOSPC,
		   "reservation %d on a full domain: %d, want -ENOSPC", n + 1,
		   err);
	ccl_expect(t, n >= 1, "no reservation succeeded");
	if (ccl_single_hwirqs)
		ccl_expect(t, n == ccl_single_hwirqs,
			   "%d reservations, but single_hwirqs is %u", n,
			   ccl_single_hwirqs);
	ccl_empty_single(t, virqs, n);

	/* Nothing leaked, by the failure or by the destroys: same again. */
	n2 = ccl_fill_single(t, virqs, &err2);
	ccl_expect(t, n2 == n && err2 == -ENOSPC,
		   "refill: %d reservations, then %d; first fill: %d, then %d",
		   n2, err2, n, err);
	ccl_empty_single(t, virqs, n2);
	kvfree(virqs);
	return ccl_status(t);
}

/* A description has a line of its own, as checkpatch wants. */
/* clang-format off */
static const struct ccl_case ccl_single_cases[] = {
	CCL_CASE(single, CCL_NEEDS_ALL,
		 "SINGLE 0,2-3: one hwirq for all targets; mask and single sends run on targets in hard irq; D3 partial destroy keeps the virq"
	),
	CCL_CASE(single_exhaustion, CCL_NEEDS_ALL,
		 "D1: a full cxipi-single fails with -ENOSPC; after freeing, the same number fits again"
	),
	{}
};

/* clang-format on */

const struct ccl_suite ccl_single_suite = {
	.name = "single",
	.cases = ccl_single_cases,
};
