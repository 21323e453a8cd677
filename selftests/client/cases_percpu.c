// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_client cases on cxipi-percpu: a reservation on CPUs 1-3 and its
 * sends (single, mask, __ variants, through any virq: D6), sends from hard
 * irq, masking, a partial destroy with a hole (D2), and cxipi's chip
 * called directly.  Each case makes its own reservation and frees it.
 */
#include "client.h"

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/workqueue.h>

/* How long a burst of sends to one CPU lasts. */
#define CCL_BURST_MS 1000

/* Reserve CPUs 1-3 on cxipi-percpu, note their hwirqs, and listen. */
static bool ccl_pc_setup(struct ccl *t, struct ccl_resv *r)
{
	struct irq_data *d;
	unsigned int i, c;

	if (!ccl_reserve(t, r, t->percpu, CCL_CPUS_1_3))
		return false;
	for (i = 0; i < 3; i++) {
		d = irq_get_irq_data(r->base + i);
		if (!ccl_expect(t, d, "virq %u (CPU %u) has no irq data",
				r->base + i, i + 1))
			return false;
		r->hw[i] = irqd_to_hwirq(d);
	}
	for (c = 1; c <= 3; c++)
		if (!ccl_listen(t, r, c))
			return false;
	return true;
}

/* ---- sends --------------------------------------------------------------- */

static long ccl_send_here(void *arg)
{
	struct ccl_resv *r = arg;
	unsigned int cpu = get_cpu();
	int ret = ipi_send_single(r->base, cpu);

	put_cpu();
	return ret ? ret : cpu;
}

/*
 * Ping-pong from CPU 1 to CPU 2, so that CPU 2 goes in and out of idle:
 * every run must still be in hard irq.  (A cross-CPU call to a CPU whose
 * idle task is polling is run by that task, in task context.)  A send may
 * find the last one still pending and coalesce, so the runs are at least
 * one and at most the sends.
 */
static void ccl_burst(struct ccl *t, struct ccl_resv *r)
{
	struct ccl_rx *rx = r->rx[1];
	struct ccl_tx burst = { .virq = r->base + 1, .echo = &rx->hits[2] };
	unsigned int before = atomic_read(&rx->hits[2]), runs;
	struct task_struct *task;

	task = ccl_sender_start(t, &burst);
	if (!task)
		return;
	msleep(CCL_BURST_MS);
	kthread_stop(task);
	msleep(CCL_QUIET_MS);
	runs = atomic_read(&rx->hits[2]) - before;
	pr_info("# %s: a burst of %lu sends from CPU 1 to CPU 2 ran the handler %u times\n",
		t->name, burst.sends, runs);
	ccl_expect(t, burst.sends && burst.accepted == burst.sends,
		   "%lu of %lu burst sends returned 0", burst.accepted,
		   burst.sends);
	ccl_expect(t, runs >= 1 && runs <= burst.accepted,
		   "%u runs for %lu burst sends", runs, burst.accepted);
	rx->want[2] += runs;
	ccl_settle(t, r);
}

static void ccl_percpu_layout(struct ccl *t, struct ccl_resv *r)
{
	struct irq_data *d;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		d = irq_get_irq_data(r->base + i);
		if (!ccl_expect(t, d, "virq %u (CPU %u) has no irq data",
				r->base + i, i + 1))
			continue;
		ccl_expect_mask(t, irq_data_get_affinity_mask(d), CCL_CPUS_1_3,
				"affinity", r->base + i);
		ccl_expect(t, !irqd_can_balance(d),
			   "virq %u is not marked IRQ_NO_BALANCING",
			   r->base + i);
		r->hw[i] = irqd_to_hwirq(d);
		ccl_expect_hwirq(t, r->base, i + 1, r->hw[i]);
	}
	ccl_expect(t,
		   r->hw[0] != r->hw[1] && r->hw[1] != r->hw[2] &&
			   r->hw[0] != r->hw[2],
		   "hwirqs of CPUs 1-3 are %lu, %lu, %lu: not distinct",
		   r->hw[0], r->hw[1], r->hw[2]);
	ccl_expect_hwirq(t, r->base, 0, INVALID_HWIRQ);
	ccl_expect_hwirq(t, r->base, nr_cpu_ids, INVALID_HWIRQ);
	ccl_expect_hwirq(t, 0, 1, INVALID_HWIRQ);
	/* D6: any virq of the reservation stands for all of it. */
	ccl_expect_hwirq(t, r->base + 1, 3, r->hw[2]);
	ccl_expect_hwirq(t, r->base + 2, 1, r->hw[0]);
}

static void ccl_percpu_send_all(struct ccl *t, struct ccl_resv *r)
{
	struct irq_desc *desc;
	unsigned int c;
	long here;
	int ret;

	for (c = 1; c <= 3; c++) {
		ccl_send_one(t, r, r->base, c);
		ccl_settle(t, r);
	}
	ccl_send_mask(t, r, r->base, CCL_CPUS_1_3);
	ccl_settle(t, r);

	desc = irq_data_to_desc(irq_get_irq_data(r->base));
	ret = __ipi_send_single(desc, 2);
	if (ccl_expect(t, !ret, "__ipi_send_single(virq %d, 2) returned %d",
		       r->base, ret))
		ccl_want(r, 2);
	ccl_settle(t, r);
	ret = __ipi_send_mask(desc, ccl_set(t->m, BIT(1) | BIT(3)));
	if (ccl_expect(t, !ret, "__ipi_send_mask(virq %d, 1,3) returned %d",
		       r->base, ret)) {
		ccl_want(r, 1);
		ccl_want(r, 3);
	}
	ccl_settle(t, r);

	/*
	 * D6: sends through another virq of the reservation.  One at a
	 * time: two raises of a doorbell still pending make one IPI.
	 */
	ccl_send_one(t, r, r->base + 2, 1);
	ccl_settle(t, r);
	ccl_send_mask(t, r, r->base + 1, BIT(1) | BIT(3));
	ccl_settle(t, r);

	/* Not targets: refused, and nothing runs anywhere. */
	ccl_send_bad(t, r->base, 0);
	ccl_send_bad(t, r->base, 4);
	ccl_send_bad(t, r->base, nr_cpu_ids);
	ccl_send_mask_bad(t, r->base, BIT(0) | BIT(1));
	ret = __ipi_send_single(desc, 0);
	ccl_expect(t, ret == -EINVAL,
		   "__ipi_send_single(virq %d, 0) returned %d, want -EINVAL",
		   r->base, ret);
	ret = __ipi_send_mask(desc, ccl_set(t->m, BIT(0) | CCL_CPUS_1_3));
	ccl_expect(t, ret == -EINVAL,
		   "__ipi_send_mask(virq %d, 0-3) returned %d, want -EINVAL",
		   r->base, ret);
	msleep(CCL_QUIET_MS);
	ccl_settle(t, r);

	ccl_burst(t, r);

	/* To the CPU the sender is pinned on: a self-IPI, in hard irq. */
	here = work_on_cpu(2, ccl_send_here, r);
	if (ccl_expect(t, here == 2,
		       "ipi_send_single(%d, own CPU) pinned on CPU 2 gave %ld",
		       r->base, here))
		ccl_want(r, 2);
	ccl_settle(t, r);
}

static int ccl_percpu_sends(struct ccl *t)
{
	struct ccl_resv r;
	unsigned int c;

	if (!ccl_reserve(t, &r, t->percpu, CCL_CPUS_1_3))
		return -EINVAL;
	ccl_percpu_layout(t, &r);
	if (t->failed)
		goto out;
	for (c = 1; c <= 3; c++)
		if (!ccl_listen(t, &r, c))
			goto out;
	ccl_percpu_send_all(t, &r);
out:
	ccl_release(t, &r);
	return ccl_status(t);
}

/* ---- sending from hard irq ----------------------------------------------- */

/* What the handler of CPU 1 saw when it sent. */
struct ccl_from_irq {
	struct ccl_resv *r;
	int cpu;
	int ret[2];
	atomic_t done;
};

/*
 * Run @hook(@arg) once in the handler of CPU 1's virq, by a send to CPU 1;
 * the hook sets @done.  True when it ran within CCL_WAIT_MS.
 */
static bool ccl_in_handler_of_cpu1(struct ccl *t, struct ccl_resv *r,
				   void (*hook)(void *arg), void *arg,
				   atomic_t *done)
{
	struct ccl_rx *rx = r->rx[0];
	unsigned long deadline;

	rx->arg = arg;
	rx->hook = hook;
	atomic_set_release(&rx->armed, 1);
	ccl_send_one(t, r, r->base, 1);
	deadline = jiffies + msecs_to_jiffies(CCL_WAIT_MS);
	while (!atomic_read_acquire(done) && time_before(jiffies, deadline))
		usleep_range(1000, 2000);
	atomic_set(&rx->armed, 0);
	return ccl_expect(t, atomic_read_acquire(done),
			  "the handler of CPU 1 did not run");
}

/* Runs in the handler of CPU 1's virq, once. */
static void ccl_send_from_irq(void *arg)
{
	struct ccl_from_irq *fi = arg;

	fi->cpu = smp_processor_id();
	fi->ret[0] = ipi_send_single(fi->r->base + 1, 2);
	fi->ret[1] = ipi_send_single(fi->r->base, fi->cpu);
	atomic_set_release(&fi->done, 1);
}

static int ccl_percpu_from_irq(struct ccl *t)
{
	struct ccl_resv r;
	struct ccl_from_irq fi = { .r = &r, .cpu = -1, .ret = { 1, 1 } };

	if (!ccl_pc_setup(t, &r))
		goto out;
	if (ccl_in_handler_of_cpu1(t, &r, ccl_send_from_irq, &fi, &fi.done)) {
		ccl_expect(t, fi.cpu == 1, "the handler ran on CPU %d", fi.cpu);
		if (ccl_expect(t, !fi.ret[0],
			       "send to CPU 2 from hard irq returned %d",
			       fi.ret[0]))
			ccl_want(&r, 2);
		if (ccl_expect(t, !fi.ret[1],
			       "send to own CPU from hard irq returned %d",
			       fi.ret[1]))
			ccl_want(&r, fi.cpu);
	}
	ccl_settle(t, &r);
out:
	/* free_irq() waits for a handler still running the hook. */
	ccl_release(t, &r);
	return ccl_status(t);
}

/* ---- fan-out from every context ------------------------------------------ */

struct ccl_mask_from_irq {
	struct ccl_resv *r;
	const struct cpumask *dest;
	int ret;
	atomic_t done;
};

/* Runs in the handler of CPU 1's virq, once. */
static void ccl_send_mask_from_irq(void *arg)
{
	struct ccl_mask_from_irq *fi = arg;

	fi->ret = ipi_send_mask(fi->r->base, fi->dest);
	atomic_set_release(&fi->done, 1);
}

/*
 * A fan-out batches its kicks only where smp_call_function_many() may run
 * (task context, interrupts and preemption on); batching from the other
 * contexts would WARN (hard irq) or risk a deadlock (interrupts off), and
 * each context must still reach every target once.
 */
static int ccl_percpu_mask_contexts(struct ccl *t)
{
	struct ccl_mask_from_irq fi = { .ret = 1 };
	struct ccl_resv r;
	unsigned long flags;
	unsigned int c;

	if (!ccl_pc_setup(t, &r))
		goto out;
	ccl_send_mask(t, &r, r.base, CCL_CPUS_1_3);
	ccl_settle(t, &r);

	preempt_disable();
	ccl_send_mask(t, &r, r.base + 1, CCL_CPUS_1_3);
	preempt_enable();
	ccl_settle(t, &r);

	local_irq_save(flags);
	ccl_send_mask(t, &r, r.base + 2, CCL_CPUS_1_3);
	local_irq_restore(flags);
	ccl_settle(t, &r);

	fi.r = &r;
	fi.dest = ccl_set(t->m, CCL_CPUS_1_3);
	if (ccl_in_handler_of_cpu1(t, &r, ccl_send_mask_from_irq, &fi,
				   &fi.done) &&
	    ccl_expect(t, !fi.ret, "send to CPUs 1-3 from hard irq returned %d",
		       fi.ret))
		for (c = 1; c <= 3; c++)
			ccl_want(&r, c);
	ccl_settle(t, &r);
out:
	/* free_irq() waits for a handler still running the hook. */
	ccl_release(t, &r);
	return ccl_status(t);
}

/* ---- a masked virq latches ----------------------------------------------- */

static void ccl_expect_pending(struct ccl *t, irq_hw_number_t hw, bool want,
			       const char *when)
{
	bool pending = cxipi_coproc_pending(t->percpu, 2, hw);

	ccl_expect(t, pending == want, "doorbell %lu of CPU 2 is %s %s", hw,
		   pending ? "pending" : "not pending", when);
}

static int ccl_percpu_masked(struct ccl *t)
{
	struct ccl_resv r;
	unsigned int v;
	irq_hw_number_t hw;
	int ret, ret2;

	if (!ccl_pc_setup(t, &r))
		goto out;
	v = r.base + 1;
	hw = r.hw[1];
	disable_irq(v);
	ret = ipi_send_single(r.base, 2);
	ccl_expect(t, !ret,
		   "ipi_send_single(%d, 2) to a disabled virq returned %d",
		   r.base, ret);
	msleep(CCL_QUIET_MS);
	ccl_settle(t, &r);
	ccl_expect_pending(t, hw, true, "while its virq is disabled");
	enable_irq(v);
	if (!ret)
		ccl_want(&r, 2);
	ccl_settle(t, &r);
	ccl_expect_pending(t, hw, false, "after enable_irq()");

	/* Two raises while disabled twice: one run, after the last enable. */
	disable_irq(v);
	disable_irq(v);
	ret = ipi_send_single(r.base + 2, 2);
	ret2 = ipi_send_single(r.base, 2);
	ccl_expect(t, !ret && !ret2,
		   "two sends to a disabled virq returned %d and %d", ret,
		   ret2);
	msleep(CCL_QUIET_MS);
	ccl_settle(t, &r);
	ccl_expect_pending(t, hw, true, "after two sends while disabled");
	enable_irq(v);
	msleep(CCL_QUIET_MS);
	ccl_settle(t, &r);
	ccl_expect_pending(t, hw, true, "while still disabled once");
	enable_irq(v);
	if (!ret || !ret2)
		ccl_want(&r, 2);
	ccl_settle(t, &r);
	ccl_expect_pending(t, hw, false, "after the last enable_irq()");
out:
	ccl_release(t, &r);
	return ccl_status(t);
}

/* ---- D2, partial destroy ------------------------------------------------- */

static void ccl_destroy_bad(struct ccl *t, unsigned int virq,
			    unsigned long cpus)
{
	int ret = irq_destroy_ipi(virq, ccl_set(t->m, cpus));

	ccl_expect(t, ret == -EINVAL,
		   "irq_destroy_ipi(%u, '%*pbl') returned %d, want -EINVAL",
		   virq, cpumask_pr_args(t->m), ret);
}

static void ccl_partial_destroy(struct ccl *t, struct ccl_resv *r)
{
	unsigned int v = r->base + 1;
	struct irq_data *d;

	/* Handlers go before their virqs. */
	ccl_unlisten(r, 0);
	ccl_unlisten(r, 2);
	if (!ccl_destroy(t, r, r->base, BIT(1) | BIT(3)))
		return;
	/* Their virqs go after a grace period. */
	cxipi_destroy_barrier();
	ccl_expect(t, !irq_get_irq_data(r->base),
		   "virq %d (CPU 1) still exists after its CPU was destroyed",
		   r->base);
	ccl_expect(t, !irq_get_irq_data(r->base + 2),
		   "virq %d (CPU 3) still exists after its CPU was destroyed",
		   r->base + 2);
	d = irq_get_irq_data(v);
	if (!ccl_expect(t, d, "virq %u (CPU 2) was freed with CPUs 1 and 3", v))
		return;
	ccl_expect_mask(t, irq_data_get_affinity_mask(d), BIT(2), "affinity",
			v);
	ccl_expect_hwirq(t, v, 2, r->hw[1]);
	ccl_expect_hwirq(t, v, 1, INVALID_HWIRQ);
	ccl_expect_hwirq(t, v, 3, INVALID_HWIRQ);
	ccl_send_one(t, r, v, 2);
	ccl_settle(t, r);
	ccl_send_bad(t, v, 1);
	ccl_send_bad(t, v, 3);
	ccl_send_bad(t, r->base, 2);
	ccl_send_mask_bad(t, v, CCL_CPUS_1_3);

	ccl_destroy_bad(t, v, 0);
	ccl_destroy_bad(t, v, BIT(0));
	ccl_destroy_bad(t, v, BIT(1));
	ccl_destroy_bad(t, v, BIT(2) | BIT(3));
	ccl_expect(t, irq_get_irq_data(v) == d,
		   "virq %u changed after refused destroys", v);
	msleep(CCL_QUIET_MS);
	ccl_settle(t, r);

	ccl_unlisten(r, 1);
	if (ccl_destroy(t, r, v, BIT(2))) {
		cxipi_destroy_barrier();
		ccl_expect(t, !irq_get_irq_data(v),
			   "virq %u still exists after its last CPU went", v);
	}
	ccl_send_bad(t, v, 2);
}

static int ccl_percpu_partial_destroy(struct ccl *t)
{
	struct ccl_resv r;

	if (ccl_pc_setup(t, &r))
		ccl_partial_destroy(t, &r);
	ccl_release(t, &r);
	return ccl_status(t);
}

/* ---- cxipi's irq chip, called directly ----------------------------------- */

/*
 * What the kernel's own __ipi_send_*() (arm64; they check arguments only in
 * DEBUG builds) or a driver holding irq data can hand cxipi's chip: a CPU
 * that is not the virq's target, a mask below the first target (where the
 * layout's base + cpu - offset would wrap to the virqs of the reservation
 * just below), a hwirq past 32 bits that truncates to a real one, and irq
 * data on its way out, whose chip_data irq_domain_reset_irq_data() cleared.
 * None may crash or ring a doorbell; the chip still sends where it should.
 * (Called through pointers of other names: on arm64 the names ipi_send_*
 * are macros in client.h.)
 */
static void ccl_chip_calls(struct ccl *t, struct ccl_resv *low,
			   struct ccl_resv *high)
{
	struct irq_data *data, fake;
	/* clang-format reads these as products; checkpatch's layout. */
	/* clang-format off */
	void (*send_single)(struct irq_data *d, unsigned int cpu);
	void (*send_mask)(struct irq_data *d, const struct cpumask *dest);
	/* clang-format on */
	struct irq_chip *chip;

	if (high->base != low->base + 2)
		pr_info("# %s: virqs %d and %d are not adjacent: a wrapped send would ring another irq\n",
			t->name, low->base, high->base);
	data = irq_get_irq_data(high->base);
	chip = irq_data_get_irq_chip(data);
	send_single = chip->ipi_send_single;
	send_mask = chip->ipi_send_mask;

	send_mask(data, ccl_set(t->m, BIT(0) | BIT(1) | BIT(2)));
	send_single(data, 0);
	send_single(data, 3);
	if (IS_ENABLED(CONFIG_64BIT)) {
		fake = *data;
		fake.hwirq += (irq_hw_number_t)1 << (BITS_PER_LONG / 2);
		send_single(&fake, 2);
	}
	msleep(CCL_QUIET_MS);
	ccl_settle(t, low);
	ccl_settle(t, high);

	fake = *data;
	fake.chip_data = NULL;
	send_single(&fake, 2);
	send_mask(&fake, cpumask_of(2));
	chip->irq_mask(&fake);
	chip->irq_unmask(&fake);
	ccl_expect(t, !chip->irq_retrigger(&fake),
		   "irq_retrigger() without chip_data claimed a replay");
	msleep(CCL_QUIET_MS);
	ccl_settle(t, high);

	send_single(data, 2);
	ccl_want(high, 2);
	ccl_settle(t, high);
	send_mask(data, ccl_set(t->m, BIT(2) | BIT(3)));
	ccl_want(high, 2);
	ccl_want(high, 3);
	ccl_settle(t, high);
}

static int ccl_percpu_chip(struct ccl *t)
{
	struct ccl_resv low = {}, high = {};
	unsigned int c;

	if (!ccl_reserve(t, &low, t->percpu, BIT(0) | BIT(1)) ||
	    !ccl_reserve(t, &high, t->percpu, BIT(2) | BIT(3)))
		goto out;
	for (c = 0; c <= 3; c++)
		if (!ccl_listen(t, c < 2 ? &low : &high, c))
			goto out;
	ccl_chip_calls(t, &low, &high);
out:
	ccl_release(t, &high);
	ccl_release(t, &low);
	return ccl_status(t);
}

/* A description has a line of its own, as checkpatch wants. */
/* clang-format off */
static const struct ccl_case ccl_percpu_cases[] = {
	CCL_CASE(percpu_sends, CCL_NEEDS_ALL,
		 "PER_CPU 1-3: affinity, NO_BALANCING, distinct hwirqs; single, mask, __ and any-virq (D6) sends run once on each target in hard irq; non-targets -EINVAL; self-IPI"
	),
	CCL_CASE(percpu_from_irq, CCL_NEEDS_ALL,
		 "send from hard irq: the handler on CPU 1 sends to CPU 2 and to itself; each runs once"
	),
	CCL_CASE(percpu_mask_contexts, CCL_NEEDS_ALL,
		 "fan-out to CPUs 1-3 from task context, with preemption off, with interrupts off and from hard irq: one run on each target each time, and no warning"
	),
	CCL_CASE(percpu_masked, CCL_NEEDS_ALL,
		 "masking latches: no run while disabled, doorbell pending, one run on enable; two raises coalesce"
	),
	CCL_CASE(percpu_partial_destroy, CCL_NEEDS_ALL,
		 "D2: destroy of CPUs 1,3 (a hole) frees exactly their virqs; CPU 2 keeps affinity 2 and delivers; empty or foreign masks -EINVAL"
	),
	CCL_CASE(percpu_chip, CCL_NEEDS_ALL,
		 "cxipi's chip called directly: a CPU not the virq's, a mask below the first target, a hwirq past 32 bits, irq data without chip_data ring nothing and crash nothing; right sends still deliver"
	),
	{}
};

/* clang-format on */

const struct ccl_suite ccl_percpu_suite = {
	.name = "percpu",
	.cases = ccl_percpu_cases,
};
