// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_client case: the kernel's own exported IPI functions on cxipi's
 * reservations.
 *
 * What a driver gets from the kernel's exported ipi_get_hwirq(),
 * ipi_send_single() and ipi_send_mask() (kernel/irq/ipi.c on arm64; cxipi's
 * own under those names elsewhere) on a reservation cxipi made, given its
 * first virq as upstream asks: the same hwirqs as cxipi_ipi_get_hwirq(),
 * and sends that run the handler of the right CPU, also after a partial
 * destroy that leaves a hole.  (name)(...) escapes client.h's macros.
 */
#include "client.h"

static void ccl_kernel_hwirqs(struct ccl *t, struct ccl_resv *r)
{
	irq_hw_number_t hw, want;
	unsigned int c;

	for (c = 0; c < nr_cpu_ids && c < BITS_PER_LONG; c++) {
		hw = (ipi_get_hwirq)(r->base, c);
		want = INVALID_HWIRQ;
		if (r->cpus & BIT(c))
			want = cxipi_ipi_get_hwirq(r->base, c);
		ccl_expect(t, hw == want,
			   "kernel ipi_get_hwirq(%d, %u) is %ld, want %ld",
			   r->base, c, (long)hw, (long)want);
		ccl_expect(t, !(r->cpus & BIT(c)) || hw != INVALID_HWIRQ,
			   "no hwirq for CPU %u of virq %d", c, r->base);
	}
}

/*
 * Sends to targets only: upstream's ipi_send_single() and ipi_send_mask()
 * WARN on a CPU that is not a target.  ccl_kernel_hwirqs() covers those.
 */
static void ccl_kernel_send(struct ccl *t, struct ccl_resv *r, unsigned int cpu)
{
	int ret = (ipi_send_single)(r->base, cpu);

	if (ccl_expect(t, !ret,
		       "the kernel's ipi_send_single(%d, %u) returned %d",
		       r->base, cpu, ret))
		ccl_want(r, cpu);
}

static void ccl_kernel_send_mask(struct ccl *t, struct ccl_resv *r,
				 unsigned long cpus)
{
	int ret = (ipi_send_mask)(r->base, ccl_set(t->m, cpus));
	unsigned int c;

	if (!ccl_expect(t, !ret,
			"the kernel's ipi_send_mask(%d, %*pbl) returned %d",
			r->base, cpumask_pr_args(t->m), ret))
		return;
	for_each_set_bit(c, &cpus, BITS_PER_LONG)
		ccl_want(r, c);
}

/* PER_CPU 1-3, then with a hole: CPU 2 goes, the first virq stays. */
static void ccl_kernel_percpu(struct ccl *t, struct ccl_resv *r)
{
	unsigned int c;

	ccl_kernel_hwirqs(t, r);
	for (c = 1; c <= 3; c++)
		if (!ccl_listen(t, r, c))
			return;
	for (c = 1; c <= 3; c++) {
		ccl_kernel_send(t, r, c);
		ccl_settle(t, r);
	}
	ccl_kernel_send_mask(t, r, CCL_CPUS_1_3);
	ccl_settle(t, r);
	/* cxipi's own names, through another virq, on the same reservation */
	ccl_send_one(t, r, r->base + 2, 1);
	ccl_settle(t, r);

	ccl_unlisten(r, 1);
	if (!ccl_destroy(t, r, r->base + 1, BIT(2)))
		return;
	ccl_kernel_hwirqs(t, r);
	ccl_kernel_send(t, r, 3);
	ccl_settle(t, r);
	ccl_kernel_send_mask(t, r, BIT(1) | BIT(3));
	ccl_settle(t, r);
}

/* SINGLE: one hwirq for every target, whichever CPU is asked. */
static void ccl_kernel_single(struct ccl *t, struct ccl_resv *r)
{
	ccl_kernel_hwirqs(t, r);
	if (!ccl_listen(t, r, 0))
		return;
	ccl_kernel_send(t, r, 2);
	ccl_settle(t, r);
	ccl_kernel_send_mask(t, r, BIT(3));
	ccl_settle(t, r);
	ccl_send_one(t, r, r->base, 0);
	ccl_settle(t, r);
}

static int ccl_kernel_api(struct ccl *t)
{
	struct ccl_resv r;

	if (ccl_reserve(t, &r, t->percpu, CCL_CPUS_1_3))
		ccl_kernel_percpu(t, &r);
	ccl_release(t, &r);
	if (ccl_reserve(t, &r, t->single, BIT(0) | BIT(2) | BIT(3)))
		ccl_kernel_single(t, &r);
	ccl_release(t, &r);
	return ccl_status(t);
}

/* A description has a line of its own, as checkpatch wants. */
/* clang-format off */
static const struct ccl_case ccl_kernel_api_cases[] = {
	CCL_CASE(kernel_api, CCL_NEEDS_ALL,
		 "exported ipi_get_hwirq/ipi_send_single/ipi_send_mask (the kernel's own where it builds kernel/irq/ipi.c), given the first virq of cxipi's PER_CPU 1-3 (also after destroying CPU 2) and SINGLE 0,2-3 reservations, agree with cxipi's and deliver to the right CPU"
	),
	{}
};

/* clang-format on */

const struct ccl_suite ccl_kernel_api_suite = {
	.name = "kernel_api",
	.cases = ccl_kernel_api_cases,
};
