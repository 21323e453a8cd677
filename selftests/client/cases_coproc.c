// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_client case: a round trip with a coprocessor, a CPU that is
 * possible but not online for Linux, through cxipi's endpoints.
 */
#include "client.h"

static void ccl_coproc_trip(struct ccl *t, struct ccl_resv *l2r,
			    struct ccl_resv *r2l, unsigned int cp)
{
	irq_hw_number_t hw_l2r, hw_r2l, h;
	struct irq_domain *d = t->percpu;
	int ret;

	hw_l2r = ipi_get_hwirq(l2r->base, cp);
	hw_r2l = ipi_get_hwirq(r2l->base, 0);
	if (!ccl_expect(t, hw_l2r != INVALID_HWIRQ && hw_r2l != INVALID_HWIRQ,
			"hwirqs %ld (to CPU %u) and %ld (to CPU 0)",
			(long)hw_l2r, cp, (long)hw_r2l))
		return;

	ccl_expect(t, !cxipi_coproc_pending(d, cp, hw_l2r),
		   "doorbell %lu of CPU %u pending before any send", hw_l2r,
		   cp);
	ret = ipi_send_single(l2r->base, cp);
	ccl_expect(t, !ret, "ipi_send_single(%d, %u) returned %d", l2r->base,
		   cp, ret);
	ccl_expect(t, cxipi_coproc_pending(d, cp, hw_l2r),
		   "doorbell %lu of CPU %u not pending after a send", hw_l2r,
		   cp);
	h = INVALID_HWIRQ;
	ret = cxipi_coproc_take(d, cp, &h);
	ccl_expect(t, ret == 1 && h == hw_l2r,
		   "coproc_take(%u) gave %d, hwirq %ld; want 1, %lu", cp, ret,
		   (long)h, hw_l2r);
	ret = cxipi_coproc_take(d, cp, &h);
	ccl_expect(t, !ret, "a second cxipi_coproc_take() returned %d", ret);
	ccl_expect(t, !cxipi_coproc_pending(d, cp, hw_l2r),
		   "doorbell %lu still pending after it was taken", hw_l2r);

	ret = ipi_send_single(l2r->base, cp);
	ccl_expect(t, !ret, "ipi_send_single(%d, %u) returned %d", l2r->base,
		   cp, ret);
	ret = cxipi_coproc_ack(d, cp, hw_l2r);
	ccl_expect(t, !ret,
		   "cxipi_coproc_ack() of a pending doorbell returned %d", ret);
	ret = cxipi_coproc_ack(d, cp, hw_l2r);
	ccl_expect(t, ret == -ENOENT,
		   "cxipi_coproc_ack() of a clear doorbell returned %d", ret);

	ret = cxipi_coproc_take(d, 0, &h);
	ccl_expect(t, ret == -EBUSY,
		   "coproc_take(online CPU 0) gave %d, want -EBUSY", ret);

	ret = cxipi_coproc_raise(d, 0, hw_r2l);
	if (ccl_expect(t, !ret, "cxipi_coproc_raise(0, %lu) returned %d",
		       hw_r2l, ret))
		ccl_want(r2l, 0);
	ccl_settle(t, r2l);
}

static const char ccl_no_coproc[] =
	"no CPU is possible but offline (boot with maxcpus above the CPU count)";

static int ccl_coproc(struct ccl *t)
{
	struct ccl_resv l2r = {}, r2l = {};
	unsigned int cp;

	cpumask_andnot(t->m, cpu_possible_mask, cpu_online_mask);
	cp = cpumask_first(t->m);
	if (cp >= nr_cpu_ids || cp >= BITS_PER_LONG)
		return ccl_skip(t, ccl_no_coproc);
	pr_info("# %s: CPU %u is the coprocessor\n", t->name, cp);
	if (ccl_reserve(t, &l2r, t->percpu, BIT(cp)) &&
	    ccl_reserve(t, &r2l, t->percpu, BIT(0)) && ccl_listen(t, &r2l, 0))
		ccl_coproc_trip(t, &l2r, &r2l, cp);
	ccl_release(t, &r2l);
	ccl_release(t, &l2r);
	return ccl_status(t);
}

/* A description has a line of its own, as checkpatch wants. */
/* clang-format off */
static const struct ccl_case ccl_coproc_cases[] = {
	CCL_CASE(coproc, CCL_NEEDS_ALL,
		 "coprocessor: IPI to a possible, offline CPU latches, is taken and acked; its raise runs the handler on CPU 0 in hard irq"
	),
	{}
};

/* clang-format on */

const struct ccl_suite ccl_coproc_suite = {
	.name = "coproc",
	.cases = ccl_coproc_cases,
};
