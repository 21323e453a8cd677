// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_client: a test-only in-kernel client of the generic IPI API.
 *
 * Loading it runs every check at once, from its init: the generic IPI API
 * under its upstream names (irq_reserve_ipi(), ipi_send_single(), ...), as
 * a driver written for kernel/irq/ipi.c calls it, against cxipi's provider
 * domains and against two provider domains of its own.  From cxipi.h it
 * uses only cxipi_domain_get() and the coprocessor endpoints.  Where the
 * kernel has its own IPI API (arm64), those names are cxipi_ names, and
 * the last check calls the kernel's own exports on cxipi's reservations.
 *
 * Each check logs one TAP line, "cxipi_client: ok N - description" or
 * "not ok", after "# check N:" lines that say what went wrong; the plan
 * comes first ("cxipi_client: 1..N").  selftests/client_test.sh turns them
 * into a TAP stream.  Init returns 0 even when checks fail, so that the
 * results can be read, and frees everything it made before it returns:
 * handlers before the virqs they are on, reservations, then domains.
 *
 * The checks need CPUs 0-3 online (the VM boots -smp 4,maxcpus=8), and a
 * CPU that is possible but not online for the coprocessor check.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/irqdomain.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "../../include/cxipi.h"

/*
 * Where the kernel builds kernel/irq/ipi.c (CONFIG_GENERIC_IRQ_IPI, as on
 * arm64), the upstream names are the kernel's own: some are not exported,
 * and none has cxipi's divergences (D1-D6), so the checks of cxipi's
 * contract call cxipi's exports by their cxipi_ names.  Check 13 calls the
 * kernel's own as (name)(...), which no function-like macro expands.
 */
#ifdef CONFIG_GENERIC_IRQ_IPI
#define irq_reserve_ipi(domain, dest) cxipi_irq_reserve_ipi(domain, dest)
#define irq_destroy_ipi(irq, dest) cxipi_irq_destroy_ipi(irq, dest)
#define ipi_get_hwirq(irq, cpu) cxipi_ipi_get_hwirq(irq, cpu)
#define __ipi_send_single(desc, cpu) cxipi___ipi_send_single(desc, cpu)
#define __ipi_send_mask(desc, dest) cxipi___ipi_send_mask(desc, dest)
#define ipi_send_single(virq, cpu) cxipi_ipi_send_single(virq, cpu)
#define ipi_send_mask(virq, dest) cxipi_ipi_send_mask(virq, dest)
#endif

#define CCL_NR_CHECKS 15
/* Handler runs are counted per CPU below this; a run past it is wrong. */
#define CCL_MAX_CPUS 64
/* The largest PER_CPU reservation the checks make. */
#define CCL_RESV_VIRQS 4
/* Longest wait for an IPI to be handled. */
#define CCL_WAIT_MS 2000
/* After the runs a check waited for, how long extra runs get to show. */
#define CCL_SETTLE_MS 20
/* How long an IPI that must not be handled gets to show up. */
#define CCL_QUIET_MS 200
#define CCL_RACE_ROUNDS 200
/* How long a burst of sends to one CPU lasts. */
#define CCL_BURST_MS 1000
/* How long a race round waits for its first delivery. */
#define CCL_RACE_WAIT_MS 100
/* cxipi's largest single_hwirqs, plus one. */
#define CCL_MAX_SINGLE 65537
#define CCL_FAKE_HWIRQS 16
#define CCL_FAKE_CALLS 8

#define CCL_CPUS_1_3 (BIT(1) | BIT(2) | BIT(3))

static unsigned int single_hwirqs;
module_param(single_hwirqs, uint, 0444);
MODULE_PARM_DESC(single_hwirqs,
		 "cxipi's single_hwirqs, for an exact D1 count (0: unknown)");

struct ccl_test;

/*
 * What the handler of one virq saw.  @want is what the check expects by
 * now; @wrong counts runs outside hard-irq context, for another irq, or on
 * a CPU at or past CCL_MAX_CPUS, and @first_wrong says where the first one
 * ran.  @hook runs once from the handler after @armed is set.
 */
struct ccl_rx {
	unsigned int irq;
	atomic_t hits[CCL_MAX_CPUS];
	atomic_t wrong;
	struct {
		int irq, cpu, pid;
		unsigned int preempt;
	} first_wrong;
	unsigned int want[CCL_MAX_CPUS];
	void (*hook)(struct ccl_test *t);
	struct ccl_test *owner;
	atomic_t armed;
};

/*
 * One reservation made by a check.  @cpus are the CPUs still reserved (bit
 * c for CPU c); @rx[i] is the handler on the virq of CPU @offset + i (on a
 * SINGLE domain, @rx[0] on the one virq); @hw[i] the hwirq of that virq.
 */
struct ccl_resv {
	int base;
	unsigned int offset;
	unsigned long cpus;
	bool per_cpu;
	struct ccl_rx *rx[CCL_RESV_VIRQS];
	irq_hw_number_t hw[CCL_RESV_VIRQS];
};

struct ccl_test {
	int n;
	bool failed;
	const char *skip;
	int passed, nr_failed, skipped;
	cpumask_var_t m, cmp;
	struct irq_domain *percpu, *single;
	struct irq_domain *nonipi_domain;
	/* The reservation on CPUs 1-3 of checks 2 and 4-6. */
	struct ccl_resv pc;
	/* What the handler of CPU 1 saw when it sent (check 4). */
	int irq_cpu;
	int irq_ret[2];
	atomic_t irq_done;
};

enum {
	CCL_NEEDS_DOMAINS = BIT(0),
	CCL_NEEDS_CPUS = BIT(1),
	CCL_NEEDS_PC = BIT(2),
};

/* Fail the running check, saying why on a "# check N:" line. */
static __printf(2, 3) bool ccl_fail(struct ccl_test *t, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("# check %d: %pV\n", t->n, &vaf);
	va_end(args);
	t->failed = true;
	return false;
}

/* Return @ok; when false, fail the running check as ccl_fail() does. */
static __printf(3, 4) bool ccl_expect(struct ccl_test *t, bool ok,
				      const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (ok)
		return true;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	ccl_fail(t, "%pV", &vaf);
	va_end(args);
	return false;
}

/* @m becomes the CPUs of @cpus, bit c standing for CPU c. */
static struct cpumask *ccl_set(struct cpumask *m, unsigned long cpus)
{
	unsigned int c;

	cpumask_clear(m);
	for_each_set_bit(c, &cpus, BITS_PER_LONG)
		if (c < nr_cpu_ids)
			cpumask_set_cpu(c, m);
	return m;
}

static bool ccl_expect_mask(struct ccl_test *t, const struct cpumask *m,
			    unsigned long cpus, const char *what,
			    unsigned int virq)
{
	ccl_set(t->cmp, cpus);
	if (!m)
		return ccl_expect(t, false, "%s of virq %u is NULL", what,
				  virq);
	return ccl_expect(t, cpumask_equal(m, t->cmp),
			  "%s of virq %u is %*pbl, want %*pbl", what, virq,
			  cpumask_pr_args(m), cpumask_pr_args(t->cmp));
}

static bool ccl_expect_hwirq(struct ccl_test *t, unsigned int virq,
			     unsigned int cpu, irq_hw_number_t want)
{
	irq_hw_number_t hw = ipi_get_hwirq(virq, cpu);

	return ccl_expect(t, hw == want,
			  "ipi_get_hwirq(%u, %u) is %ld, want %ld", virq, cpu,
			  (long)hw, (long)want);
}

/* A send that must be refused: -EINVAL and nothing sent. */
static void ccl_send_bad(struct ccl_test *t, unsigned int virq,
			 unsigned int cpu)
{
	int ret = ipi_send_single(virq, cpu);

	ccl_expect(t, ret == -EINVAL,
		   "ipi_send_single(%u, %u) returned %d, want -EINVAL", virq,
		   cpu, ret);
}

static void ccl_send_mask_bad(struct ccl_test *t, unsigned int virq,
			      unsigned long cpus)
{
	int ret = ipi_send_mask(virq, ccl_set(t->m, cpus));

	ccl_expect(t, ret == -EINVAL,
		   "ipi_send_mask(%u, %*pbl) returned %d, want -EINVAL", virq,
		   cpumask_pr_args(t->m), ret);
}

/* ---- handlers ------------------------------------------------------------ */

static irqreturn_t ccl_handler(int irq, void *dev_id)
{
	struct ccl_rx *rx = dev_id;
	unsigned int cpu = smp_processor_id();

	if (cpu < CCL_MAX_CPUS)
		atomic_inc(&rx->hits[cpu]);
	if ((!in_hardirq() || irq != rx->irq || cpu >= CCL_MAX_CPUS) &&
	    atomic_inc_return(&rx->wrong) == 1) {
		rx->first_wrong.irq = irq;
		rx->first_wrong.cpu = cpu;
		rx->first_wrong.preempt = preempt_count();
		rx->first_wrong.pid = current->pid;
	}
	if (atomic_cmpxchg(&rx->armed, 1, 0) == 1)
		rx->hook(rx->owner);
	return IRQ_HANDLED;
}

static bool ccl_reached(struct ccl_rx *rx)
{
	int c;

	for (c = 0; c < CCL_MAX_CPUS; c++)
		if (atomic_read(&rx->hits[c]) < rx->want[c])
			return false;
	return true;
}

static void ccl_want(struct ccl_resv *r, unsigned int cpu)
{
	struct ccl_rx *rx = r->rx[r->per_cpu ? cpu - r->offset : 0];

	if (rx && cpu < CCL_MAX_CPUS)
		rx->want[cpu]++;
}

/* Fail on runs outside hard irq, for another irq or on a far CPU. */
static void ccl_expect_right(struct ccl_test *t, struct ccl_rx *rx)
{
	unsigned int n = atomic_xchg(&rx->wrong, 0);

	if (!n)
		return;
	ccl_fail(t, "virq %u: %u runs outside hard irq or misplaced", rx->irq,
		 n);
	ccl_fail(t, "the first: irq %d on CPU %d, preempt_count %#x, pid %d",
		 rx->first_wrong.irq, rx->first_wrong.cpu,
		 rx->first_wrong.preempt, rx->first_wrong.pid);
}

/*
 * Compare what the handler saw with what is wanted: a run too many or too
 * few, on another CPU, outside hard irq or for another irq fails the
 * check.  The counts are then taken as they are, so that one fault is
 * reported once.
 */
static void ccl_compare(struct ccl_test *t, struct ccl_rx *rx)
{
	unsigned int n;
	int c;

	for (c = 0; c < CCL_MAX_CPUS; c++) {
		n = atomic_read(&rx->hits[c]);
		if (n == rx->want[c])
			continue;
		ccl_fail(t, "virq %u ran %u times on CPU %d, want %u", rx->irq,
			 n, c, rx->want[c]);
		rx->want[c] = n;
	}
	ccl_expect_right(t, rx);
}

/*
 * Wait (bounded) until every handler of @r ran as often as wanted, give
 * extra runs a moment to show, then compare exactly.
 */
static void ccl_settle(struct ccl_test *t, struct ccl_resv *r)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(CCL_WAIT_MS);
	struct ccl_rx *rx;
	int i;

	for (i = 0; i < CCL_RESV_VIRQS; i++) {
		rx = r->rx[i];
		while (rx && !ccl_reached(rx) && time_before(jiffies, deadline))
			usleep_range(1000, 2000);
	}
	msleep(CCL_SETTLE_MS);
	for (i = 0; i < CCL_RESV_VIRQS; i++)
		if (r->rx[i])
			ccl_compare(t, r->rx[i]);
}

/* ---- reservations -------------------------------------------------------- */

static bool ccl_reserve(struct ccl_test *t, struct ccl_resv *r,
			struct irq_domain *domain, unsigned long cpus)
{
	int ret;

	memset(r, 0, sizeof(*r));
	ret = irq_reserve_ipi(domain, ccl_set(t->m, cpus));
	if (!ccl_expect(t, ret > 0, "irq_reserve_ipi(%s, %*pbl) returned %d",
			domain ? domain->name : "NULL", cpumask_pr_args(t->m),
			ret))
		return false;
	r->base = ret;
	r->cpus = cpus;
	r->offset = __ffs(cpus);
	r->per_cpu = irq_domain_is_ipi_per_cpu(domain);
	return true;
}

static unsigned int ccl_virq_of(struct ccl_resv *r, unsigned int cpu)
{
	return r->per_cpu ? r->base + cpu - r->offset : r->base;
}

static bool ccl_destroy(struct ccl_test *t, struct ccl_resv *r,
			unsigned int virq, unsigned long cpus)
{
	int ret = irq_destroy_ipi(virq, ccl_set(t->m, cpus));

	if (!ccl_expect(t, !ret, "irq_destroy_ipi(%u, %*pbl) returned %d", virq,
			cpumask_pr_args(t->m), ret))
		return false;
	r->cpus &= ~cpus;
	return true;
}

/* Install a counting handler on the virq of @cpu (the virq on SINGLE). */
static bool ccl_listen(struct ccl_test *t, struct ccl_resv *r, unsigned int cpu)
{
	unsigned int i = r->per_cpu ? cpu - r->offset : 0;
	unsigned int virq = r->base + i;
	struct ccl_rx *rx;
	int ret;

	rx = kzalloc(sizeof(*rx), GFP_KERNEL);
	if (!ccl_expect(t, rx, "out of memory"))
		return false;
	rx->irq = virq;
	rx->owner = t;
	ret = request_irq(virq, ccl_handler, IRQF_NO_THREAD, KBUILD_MODNAME,
			  rx);
	if (!ccl_expect(t, !ret, "request_irq(%u) returned %d", virq, ret)) {
		kfree(rx);
		return false;
	}
	r->rx[i] = rx;
	return true;
}

static void ccl_unlisten(struct ccl_resv *r, unsigned int i)
{
	if (!r->rx[i])
		return;
	free_irq(r->rx[i]->irq, r->rx[i]);
	kfree(r->rx[i]);
	r->rx[i] = NULL;
}

/* Free what is left of @r: handlers first, then its reserved CPUs. */
static void ccl_release(struct ccl_test *t, struct ccl_resv *r)
{
	unsigned int i;

	for (i = 0; i < CCL_RESV_VIRQS; i++)
		ccl_unlisten(r, i);
	if (r->base > 0 && r->cpus)
		ccl_destroy(t, r, ccl_virq_of(r, __ffs(r->cpus)), r->cpus);
	r->cpus = 0;
	r->base = 0;
}

static bool ccl_pc_ready(struct ccl_test *t)
{
	return t->pc.base > 0 && t->pc.cpus == CCL_CPUS_1_3 && t->pc.rx[0] &&
	       t->pc.rx[1] && t->pc.rx[2];
}

/* ---- 1: lookup ----------------------------------------------------------- */

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

static void ccl_check_lookup(struct ccl_test *t)
{
	struct irq_domain *found;

	t->percpu = cxipi_domain_get("cxipi-percpu");
	t->single = cxipi_domain_get("cxipi-single");
	if (!t->percpu || !t->single) {
		ccl_fail(t, "cxipi_domain_get() found percpu %d, single %d",
			 !!t->percpu, !!t->single);
		return;
	}
	pr_info("# check %d: the domains are named %s and %s\n", t->n,
		t->percpu->name, t->single->name);
	ccl_expect(t, !cxipi_domain_get("cxipi-none"),
		   "cxipi_domain_get(\"cxipi-none\") found a domain");

	found = irq_find_matching_host(NULL, DOMAIN_BUS_IPI);
	ccl_expect(t, found == t->percpu && ccl_named(found, "cxipi-percpu"),
		   "lookup by NULL node on DOMAIN_BUS_IPI found %s",
		   found ? found->name : "nothing");
	found = irq_find_matching_fwnode(t->single->fwnode, DOMAIN_BUS_IPI);
	ccl_expect(t, found == t->single && ccl_named(found, "cxipi-single"),
		   "lookup by cxipi-single's fwnode found %s",
		   found ? found->name : "nothing");
	found = irq_find_matching_fwnode(t->percpu->fwnode, DOMAIN_BUS_IPI);
	ccl_expect(t, found == t->percpu && ccl_named(found, "cxipi-percpu"),
		   "lookup by cxipi-percpu's fwnode found %s",
		   found ? found->name : "nothing");

	ccl_expect(t,
		   irq_domain_is_ipi_per_cpu(t->percpu) &&
			   !irq_domain_is_ipi_single(t->percpu),
		   "%s is not flagged IRQ_DOMAIN_FLAG_IPI_PER_CPU alone",
		   t->percpu->name);
	ccl_expect(t,
		   irq_domain_is_ipi_single(t->single) &&
			   !irq_domain_is_ipi_per_cpu(t->single),
		   "%s is not flagged IRQ_DOMAIN_FLAG_IPI_SINGLE alone",
		   t->single->name);
	ccl_expect(t,
		   t->percpu->bus_token == DOMAIN_BUS_IPI &&
			   t->single->bus_token == DOMAIN_BUS_IPI,
		   "bus tokens are %d and %d, want DOMAIN_BUS_IPI (%d)",
		   t->percpu->bus_token, t->single->bus_token, DOMAIN_BUS_IPI);
}

/* ---- a sender on CPU 1 --------------------------------------------------- */

/*
 * A thread on CPU 1 sending to CPU 2 through @virq as fast as it can, and
 * what it got back.  With @echo, it waits (briefly) after each send for
 * that count to move: ping-pong, each IPI reaching CPU 2 just as it goes
 * back to idle.
 */
struct ccl_tx {
	unsigned int virq;
	atomic_t *echo;
	unsigned long sends, accepted, refused, other;
	int other_ret;
};

static void ccl_await_echo(struct ccl_tx *tx, int seen)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(10);

	while (atomic_read(tx->echo) == seen &&
	       time_before(jiffies, deadline) && !kthread_should_stop())
		cpu_relax();
}

static int ccl_sender(void *arg)
{
	struct ccl_tx *tx = arg;
	unsigned int virq;
	int ret, seen;

	while (!kthread_should_stop()) {
		virq = READ_ONCE(tx->virq);
		seen = tx->echo ? atomic_read(tx->echo) : 0;
		if (virq) {
			if (tx->sends & 1)
				ret = ipi_send_mask(virq, cpumask_of(2));
			else
				ret = ipi_send_single(virq, 2);
			tx->sends++;
			if (!ret) {
				tx->accepted++;
			} else if (ret == -EINVAL) {
				tx->refused++;
			} else {
				tx->other++;
				tx->other_ret = ret;
			}
			if (!ret && tx->echo)
				ccl_await_echo(tx, seen);
		}
		cond_resched();
	}
	return 0;
}

static struct task_struct *ccl_sender_start(struct ccl_test *t,
					    struct ccl_tx *tx)
{
	struct task_struct *task;

	task = kthread_create(ccl_sender, tx, "cxipi_client_tx");
	if (!ccl_expect(t, !IS_ERR(task), "kthread_create() returned %ld",
			PTR_ERR(task)))
		return NULL;
	kthread_bind(task, 1);
	wake_up_process(task);
	return task;
}

/* ---- 2: PER_CPU reservation and sends ------------------------------------ */

static long ccl_send_here(void *arg)
{
	struct ccl_test *t = arg;
	unsigned int cpu = get_cpu();
	int ret = ipi_send_single(t->pc.base, cpu);

	put_cpu();
	return ret ? ret : cpu;
}

static void ccl_send_one(struct ccl_test *t, struct ccl_resv *r,
			 unsigned int virq, unsigned int cpu)
{
	int ret = ipi_send_single(virq, cpu);

	if (ccl_expect(t, !ret, "ipi_send_single(%u, %u) returned %d", virq,
		       cpu, ret))
		ccl_want(r, cpu);
}

static void ccl_send_mask(struct ccl_test *t, struct ccl_resv *r,
			  unsigned int virq, unsigned long cpus)
{
	int ret = ipi_send_mask(virq, ccl_set(t->m, cpus));
	unsigned int c;

	if (!ccl_expect(t, !ret, "ipi_send_mask(%u, %*pbl) returned %d", virq,
			cpumask_pr_args(t->m), ret))
		return;
	for_each_set_bit(c, &cpus, BITS_PER_LONG)
		ccl_want(r, c);
}

/*
 * Ping-pong from CPU 1 to CPU 2, so that CPU 2 goes in and out of idle:
 * every run must still be in hard irq.  (A cross-CPU call to a CPU whose
 * idle task is polling is run by that task, in task context.)  A send may
 * find the last one still pending and coalesce, so the runs are at least
 * one and at most the sends.
 */
static void ccl_burst(struct ccl_test *t, struct ccl_resv *r)
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
	pr_info("# check %d: a burst of %lu sends from CPU 1 to CPU 2 ran the handler %u times\n",
		t->n, burst.sends, runs);
	ccl_expect(t, burst.sends && burst.accepted == burst.sends,
		   "%lu of %lu burst sends returned 0", burst.accepted,
		   burst.sends);
	ccl_expect(t, runs >= 1 && runs <= burst.accepted,
		   "%u runs for %lu burst sends", runs, burst.accepted);
	rx->want[2] += runs;
	ccl_settle(t, r);
}

static void ccl_check_percpu(struct ccl_test *t)
{
	struct ccl_resv *r = &t->pc;
	struct irq_data *d;
	struct irq_desc *desc;
	unsigned int i, c;
	long here;
	int ret;

	if (!ccl_reserve(t, r, t->percpu, CCL_CPUS_1_3))
		return;
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
	if (t->failed)
		return;

	for (c = 1; c <= 3; c++)
		if (!ccl_listen(t, r, c))
			return;

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
	here = work_on_cpu(2, ccl_send_here, t);
	if (ccl_expect(t, here == 2,
		       "ipi_send_single(%d, own CPU) pinned on CPU 2 gave %ld",
		       r->base, here))
		ccl_want(r, 2);
	ccl_settle(t, r);
}

/* ---- 3: D4, bad virqs ---------------------------------------------------- */

static void ccl_check_bad_virqs(struct ccl_test *t)
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
		pr_info("# check %d: no unused non-IPI virq to try\n", t->n);
	/* And a domain that is not an IPI domain, for check 7. */
	for (v = 1; v < nr_irqs && !t->nonipi_domain; v++) {
		d = irq_get_irq_data(v);
		if (d && d->domain && !irq_domain_is_ipi(d->domain))
			t->nonipi_domain = d->domain;
	}

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
}

/* ---- 4: sending from hard irq -------------------------------------------- */

/* Runs in the handler of CPU 1's virq, once. */
static void ccl_send_from_irq(struct ccl_test *t)
{
	t->irq_cpu = smp_processor_id();
	t->irq_ret[0] = ipi_send_single(t->pc.base + 1, 2);
	t->irq_ret[1] = ipi_send_single(t->pc.base, t->irq_cpu);
	atomic_set_release(&t->irq_done, 1);
}

static void ccl_check_from_irq(struct ccl_test *t)
{
	struct ccl_resv *r = &t->pc;
	struct ccl_rx *rx = r->rx[0];
	unsigned long deadline = jiffies + msecs_to_jiffies(CCL_WAIT_MS);

	t->irq_cpu = -1;
	t->irq_ret[0] = 1;
	t->irq_ret[1] = 1;
	atomic_set(&t->irq_done, 0);
	rx->hook = ccl_send_from_irq;
	atomic_set_release(&rx->armed, 1);
	ccl_send_one(t, r, r->base, 1);
	while (!atomic_read_acquire(&t->irq_done) &&
	       time_before(jiffies, deadline))
		usleep_range(1000, 2000);
	atomic_set(&rx->armed, 0);
	if (ccl_expect(t, atomic_read_acquire(&t->irq_done),
		       "the handler of CPU 1 did not run")) {
		ccl_expect(t, t->irq_cpu == 1, "the handler ran on CPU %d",
			   t->irq_cpu);
		if (ccl_expect(t, !t->irq_ret[0],
			       "send to CPU 2 from hard irq returned %d",
			       t->irq_ret[0]))
			ccl_want(r, 2);
		if (ccl_expect(t, !t->irq_ret[1],
			       "send to own CPU from hard irq returned %d",
			       t->irq_ret[1]))
			ccl_want(r, t->irq_cpu);
	}
	ccl_settle(t, r);
}

/* ---- 5: a masked virq latches -------------------------------------------- */

static void ccl_expect_pending(struct ccl_test *t, irq_hw_number_t hw,
			       bool want, const char *when)
{
	bool pending = cxipi_coproc_pending(t->percpu, 2, hw);

	ccl_expect(t, pending == want, "doorbell %lu of CPU 2 is %s %s", hw,
		   pending ? "pending" : "not pending", when);
}

static void ccl_check_masked(struct ccl_test *t)
{
	struct ccl_resv *r = &t->pc;
	unsigned int v = r->base + 1;
	irq_hw_number_t hw = r->hw[1];
	int ret, ret2;

	disable_irq(v);
	ret = ipi_send_single(r->base, 2);
	ccl_expect(t, !ret,
		   "ipi_send_single(%d, 2) to a disabled virq returned %d",
		   r->base, ret);
	msleep(CCL_QUIET_MS);
	ccl_settle(t, r);
	ccl_expect_pending(t, hw, true, "while its virq is disabled");
	enable_irq(v);
	if (!ret)
		ccl_want(r, 2);
	ccl_settle(t, r);
	ccl_expect_pending(t, hw, false, "after enable_irq()");

	/* Two raises while disabled twice: one run, after the last enable. */
	disable_irq(v);
	disable_irq(v);
	ret = ipi_send_single(r->base + 2, 2);
	ret2 = ipi_send_single(r->base, 2);
	ccl_expect(t, !ret && !ret2,
		   "two sends to a disabled virq returned %d and %d", ret,
		   ret2);
	msleep(CCL_QUIET_MS);
	ccl_settle(t, r);
	ccl_expect_pending(t, hw, true, "after two sends while disabled");
	enable_irq(v);
	msleep(CCL_QUIET_MS);
	ccl_settle(t, r);
	ccl_expect_pending(t, hw, true, "while still disabled once");
	enable_irq(v);
	if (!ret || !ret2)
		ccl_want(r, 2);
	ccl_settle(t, r);
	ccl_expect_pending(t, hw, false, "after the last enable_irq()");
}

/* ---- 6: D2, partial destroy of a PER_CPU reservation --------------------- */

static void ccl_destroy_bad(struct ccl_test *t, unsigned int virq,
			    unsigned long cpus)
{
	int ret = irq_destroy_ipi(virq, ccl_set(t->m, cpus));

	ccl_expect(t, ret == -EINVAL,
		   "irq_destroy_ipi(%u, '%*pbl') returned %d, want -EINVAL",
		   virq, cpumask_pr_args(t->m), ret);
}

static void ccl_check_partial_destroy(struct ccl_test *t)
{
	struct ccl_resv *r = &t->pc;
	unsigned int v = r->base + 1;
	struct irq_data *d;

	/* Handlers go before their virqs. */
	ccl_unlisten(r, 0);
	ccl_unlisten(r, 2);
	if (!ccl_destroy(t, r, r->base, BIT(1) | BIT(3)))
		return;
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
	if (ccl_destroy(t, r, v, BIT(2)))
		ccl_expect(t, !irq_get_irq_data(v),
			   "virq %u still exists after its last CPU went", v);
	ccl_send_bad(t, v, 2);
}

/* ---- 7: reservation arguments -------------------------------------------- */

static void ccl_reserve_bad(struct ccl_test *t, struct irq_domain *domain,
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

static void ccl_check_reserve_args(struct ccl_test *t)
{
	unsigned int c;

	ccl_reserve_bad(t, t->percpu, ccl_set(t->m, BIT(0) | BIT(2)));
	ccl_reserve_bad(t, t->percpu, ccl_set(t->m, BIT(1) | BIT(3)));
	ccl_reserve_bad(t, t->percpu, ccl_set(t->m, 0));
	ccl_reserve_bad(t, t->single, ccl_set(t->m, 0));
	ccl_reserve_bad(t, NULL, ccl_set(t->m, BIT(1)));
	if (t->nonipi_domain)
		ccl_reserve_bad(t, t->nonipi_domain, ccl_set(t->m, BIT(1)));

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
		pr_info("# check %d: every CPU below nr_cpu_ids (%u) is possible: impossible-CPU case not run\n",
			t->n, nr_cpu_ids);
	}
}

/* ---- 8: SINGLE ----------------------------------------------------------- */

static unsigned int ccl_total(struct ccl_rx *rx)
{
	unsigned int n = 0;
	int c;

	for (c = 0; c < CCL_MAX_CPUS; c++)
		n += atomic_read(&rx->hits[c]);
	return n;
}

static void ccl_check_single(struct ccl_test *t)
{
	const unsigned long targets = BIT(0) | BIT(2) | BIT(3);
	unsigned long deadline, c;
	struct ccl_resv r;
	struct irq_data *d;
	irq_hw_number_t hw;
	struct ccl_rx *rx;
	unsigned int n, v;
	int ret;

	if (!ccl_reserve(t, &r, t->single, targets))
		return;
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
	if (!ccl_listen(t, &r, 0))
		goto out;
	rx = r.rx[0];

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

	ccl_send_one(t, &r, v, 2);
	ccl_settle(t, &r);

	/* D3: a strict subset leaves the virq to the other targets. */
	if (ccl_destroy(t, &r, v, BIT(2))) {
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
		ccl_send_one(t, &r, v, 3);
		ccl_settle(t, &r);
	}
	ccl_unlisten(&r, 0);
	if (ccl_destroy(t, &r, v, r.cpus))
		ccl_expect(t, !irq_get_irq_data(v),
			   "virq %u still exists after its last CPUs went", v);
out:
	ccl_release(t, &r);
}

/* ---- 9: D1, exhaustion --------------------------------------------------- */

static int ccl_fill_single(struct ccl_test *t, int *virqs, int *err)
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

static void ccl_empty_single(struct ccl_test *t, int *virqs, int n)
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

static void ccl_check_exhaustion(struct ccl_test *t)
{
	int *virqs, n, n2, err, err2;

	virqs = kvcalloc(CCL_MAX_SINGLE, sizeof(*virqs), GFP_KERNEL);
	if (!ccl_expect(t, virqs, "out of memory"))
		return;
	n = ccl_fill_single(t, virqs, &err);
	pr_info("# check %d: cxipi-single took %d one-CPU reservations, then %d\n",
		t->n, n, err);
	ccl_expect(t, err == -ENOSPC,
		   "reservation %d on a full domain: %d, want -ENOSPC", n + 1,
		   err);
	ccl_expect(t, n >= 1, "no reservation succeeded");
	if (single_hwirqs)
		ccl_expect(t, n == single_hwirqs,
			   "%d reservations, but single_hwirqs is %u", n,
			   single_hwirqs);
	ccl_empty_single(t, virqs, n);

	/* Nothing leaked, by the failure or by the destroys: same again. */
	n2 = ccl_fill_single(t, virqs, &err2);
	ccl_expect(t, n2 == n && err2 == -ENOSPC,
		   "refill: %d reservations, then %d; first fill: %d, then %d",
		   n2, err2, n, err);
	ccl_empty_single(t, virqs, n2);
	kvfree(virqs);
}

/* ---- 10: D5, fallbacks on chips with one send callback ------------------- */

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

static struct ccl_fake *ccl_fake_create(struct ccl_test *t, const char *name,
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
 * is left, and the module pinned, since those virqs point to its chip.
 */
static void ccl_fake_destroy(struct ccl_test *t, struct ccl_fake *f)
{
	if (!f)
		return;
	if (!ccl_expect(t, bitmap_empty(f->used, CCL_FAKE_HWIRQS),
			"%s still has virqs: keeping it, and the module loaded",
			f->domain->name)) {
		__module_get(THIS_MODULE);
		return;
	}
	irq_domain_remove(f->domain);
	irq_domain_free_fwnode(f->fwnode);
	kfree(f);
}

static void ccl_expect_call(struct ccl_test *t, struct ccl_fake *f,
			    unsigned int i, unsigned int cpu,
			    unsigned long mask, unsigned int virq)
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

static void ccl_expect_calls(struct ccl_test *t, struct ccl_fake *f,
			     unsigned int n, int ret, const char *what)
{
	ccl_expect(t, !ret && f->nr_calls == n,
		   "%s on %s: %d, %u chip calls; want 0, %u", what,
		   f->domain->name, ret, f->nr_calls, n);
}

static void ccl_check_fallbacks(struct ccl_test *t)
{
	struct ccl_fake *a, *b = NULL;
	struct ccl_resv ra = {}, rb = {};
	int ret;

	a = ccl_fake_create(t, "cxipi_client-single-only",
			    &ccl_chip_single_only);
	b = ccl_fake_create(t, "cxipi_client-mask-only", &ccl_chip_mask_only);
	if (!a || !b)
		goto out;

	/* (a) ipi_send_single only: a mask send is one call per CPU. */
	if (!ccl_reserve(t, &ra, a->domain, CCL_CPUS_1_3))
		goto out;
	ccl_expect(t, a->alloc_arg == CCL_CPUS_1_3,
		   "alloc op arg is %#lx, want the destination %#lx",
		   a->alloc_arg, CCL_CPUS_1_3);
	a->nr_calls = 0;
	ret = ipi_send_mask(ra.base, ccl_set(t->m, BIT(1) | BIT(3)));
	ccl_expect_calls(t, a, 2, ret, "ipi_send_mask(1,3)");
	ccl_expect_call(t, a, 0, 1, 0, ra.base);
	ccl_expect_call(t, a, 1, 3, 0, ra.base + 2);
	a->nr_calls = 0;
	ret = ipi_send_single(ra.base, 2);
	ccl_expect_calls(t, a, 1, ret, "ipi_send_single(2)");
	ccl_expect_call(t, a, 0, 2, 0, ra.base + 1);
	a->nr_calls = 0;
	ret = __ipi_send_mask(irq_data_to_desc(irq_get_irq_data(ra.base + 2)),
			      ccl_set(t->m, BIT(1) | BIT(2)));
	ccl_expect_calls(t, a, 2, ret, "__ipi_send_mask(1-2) by CPU 3's virq");
	ccl_expect_call(t, a, 0, 1, 0, ra.base);
	ccl_expect_call(t, a, 1, 2, 0, ra.base + 1);

	/* (b) ipi_send_mask only: a single send is a one-CPU mask. */
	if (!ccl_reserve(t, &rb, b->domain, CCL_CPUS_1_3))
		goto out;
	b->nr_calls = 0;
	ret = ipi_send_single(rb.base, 2);
	ccl_expect_calls(t, b, 1, ret, "ipi_send_single(2)");
	ccl_expect_call(t, b, 0, 0, BIT(2), rb.base + 1);
	b->nr_calls = 0;
	ret = ipi_send_mask(rb.base, ccl_set(t->m, BIT(1) | BIT(3)));
	ccl_expect_calls(t, b, 1, ret, "ipi_send_mask(1,3)");
	ccl_expect_call(t, b, 0, 0, BIT(1) | BIT(3), rb.base);
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
}

/* ---- 11: coprocessor round trip ------------------------------------------ */

static void ccl_check_coproc(struct ccl_test *t)
{
	struct ccl_resv l2r = {}, r2l = {};
	irq_hw_number_t hw_l2r, hw_r2l, h;
	struct irq_domain *d = t->percpu;
	unsigned int cp;
	int ret;

	cpumask_andnot(t->m, cpu_possible_mask, cpu_online_mask);
	cp = cpumask_first(t->m);
	if (cp >= nr_cpu_ids || cp >= BITS_PER_LONG) {
		t->skip =
			"no CPU is possible but offline (boot with maxcpus above the CPU count)";
		return;
	}
	pr_info("# check %d: CPU %u is the coprocessor\n", t->n, cp);
	if (!ccl_reserve(t, &l2r, d, BIT(cp)) ||
	    !ccl_reserve(t, &r2l, d, BIT(0)) || !ccl_listen(t, &r2l, 0))
		goto out;
	hw_l2r = ipi_get_hwirq(l2r.base, cp);
	hw_r2l = ipi_get_hwirq(r2l.base, 0);
	if (!ccl_expect(t, hw_l2r != INVALID_HWIRQ && hw_r2l != INVALID_HWIRQ,
			"hwirqs %ld (to CPU %u) and %ld (to CPU 0)",
			(long)hw_l2r, cp, (long)hw_r2l))
		goto out;

	ccl_expect(t, !cxipi_coproc_pending(d, cp, hw_l2r),
		   "doorbell %lu of CPU %u pending before any send", hw_l2r,
		   cp);
	ret = ipi_send_single(l2r.base, cp);
	ccl_expect(t, !ret, "ipi_send_single(%d, %u) returned %d", l2r.base, cp,
		   ret);
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

	ret = ipi_send_single(l2r.base, cp);
	ccl_expect(t, !ret, "ipi_send_single(%d, %u) returned %d", l2r.base, cp,
		   ret);
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
		ccl_want(&r2l, 0);
	ccl_settle(t, &r2l);
out:
	ccl_release(t, &r2l);
	ccl_release(t, &l2r);
}

/* ---- 12: D4, sends racing destroys --------------------------------------- */

static void ccl_check_race(struct ccl_test *t)
{
	struct ccl_tx race = {};
	struct task_struct *task;
	unsigned long deadline, raised;
	unsigned int i, base, seen;
	bool wait = true;
	struct ccl_rx *rx;
	int ret, c;

	rx = kzalloc(sizeof(*rx), GFP_KERNEL);
	if (!ccl_expect(t, rx, "out of memory"))
		return;
	rx->owner = t;
	raised = cxipi_bank_raised(t->percpu, 2);
	task = ccl_sender_start(t, &race);
	if (!task) {
		kfree(rx);
		return;
	}

	for (i = 0; i < CCL_RACE_ROUNDS; i++) {
		ret = irq_reserve_ipi(t->percpu,
				      ccl_set(t->m, BIT(2) | BIT(3)));
		if (!ccl_expect(t, ret > 0,
				"round %u: irq_reserve_ipi() returned %d", i,
				ret))
			break;
		base = ret;
		WRITE_ONCE(race.virq, base);
		rx->irq = base;
		seen = atomic_read(&rx->hits[2]);
		ret = request_irq(base, ccl_handler, IRQF_NO_THREAD,
				  KBUILD_MODNAME, rx);
		ccl_expect(t, !ret, "round %u: request_irq(%u) returned %d", i,
			   base, ret);
		if (!ret) {
			deadline = jiffies + msecs_to_jiffies(CCL_RACE_WAIT_MS);
			while (wait && atomic_read(&rx->hits[2]) == seen &&
			       time_before(jiffies, deadline))
				usleep_range(100, 200);
			if (atomic_read(&rx->hits[2]) == seen)
				wait = false;
			free_irq(base, rx);
		}
		/* Odd rounds free CPU 2's virq first, through itself (D6). */
		if (i & 1) {
			ret = irq_destroy_ipi(base, cpumask_of(2));
			if (!ret)
				ret = irq_destroy_ipi(base + 1, cpumask_of(3));
		} else {
			ret = irq_destroy_ipi(base,
					      ccl_set(t->m, BIT(2) | BIT(3)));
		}
		if (!ccl_expect(t, !ret,
				"round %u: irq_destroy_ipi() returned %d", i,
				ret))
			break;
	}
	kthread_stop(task);
	raised = cxipi_bank_raised(t->percpu, 2) - raised;

	pr_info("# check %d: %u rounds; %lu sends from CPU 1: %lu returned 0, %lu -EINVAL, %lu other; %lu raises at CPU 2; %d runs on CPU 2\n",
		t->n, i, race.sends, race.accepted, race.refused, race.other,
		raised, atomic_read(&rx->hits[2]));
	/* A send that returned 0 raised, even on a virq being removed. */
	ccl_expect(t, raised == race.accepted,
		   "%lu sends returned 0, but CPU 2 counted %lu raises",
		   race.accepted, raised);
	ccl_expect(t, race.sends, "the sending thread never sent");
	ccl_expect(t, !race.other, "%lu sends returned %d, not 0 or -EINVAL",
		   race.other, race.other_ret);
	ccl_expect(t, atomic_read(&rx->hits[2]),
		   "no send reached the handler on CPU 2");
	for (c = 0; c < CCL_MAX_CPUS; c++)
		ccl_expect(t, c == 2 || !atomic_read(&rx->hits[c]),
			   "the handler ran %d times on CPU %d",
			   atomic_read(&rx->hits[c]), c);
	ccl_expect_right(t, rx);
	kfree(rx);
}

/* ---- 13: the kernel's own IPI functions --------------------------------- */

/*
 * What a driver gets from the kernel's exported ipi_get_hwirq(),
 * ipi_send_single() and ipi_send_mask() (kernel/irq/ipi.c on arm64; cxipi's
 * own under those names elsewhere) on a reservation cxipi made, given its
 * first virq as upstream asks: the same hwirqs as cxipi_ipi_get_hwirq(),
 * and sends that run the handler of the right CPU, also after a partial
 * destroy that leaves a hole.
 */
static void ccl_kernel_hwirqs(struct ccl_test *t, struct ccl_resv *r)
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
static void ccl_kernel_send(struct ccl_test *t, struct ccl_resv *r,
			    unsigned int cpu)
{
	int ret = (ipi_send_single)(r->base, cpu);

	if (ccl_expect(t, !ret,
		       "the kernel's ipi_send_single(%d, %u) returned %d",
		       r->base, cpu, ret))
		ccl_want(r, cpu);
}

static void ccl_kernel_send_mask(struct ccl_test *t, struct ccl_resv *r,
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

static void ccl_check_kernel_api(struct ccl_test *t)
{
	struct ccl_resv r;
	unsigned int c;

	if (!ccl_reserve(t, &r, t->percpu, CCL_CPUS_1_3))
		return;
	ccl_kernel_hwirqs(t, &r);
	for (c = 1; c <= 3; c++)
		if (!ccl_listen(t, &r, c))
			goto out;
	for (c = 1; c <= 3; c++) {
		ccl_kernel_send(t, &r, c);
		ccl_settle(t, &r);
	}
	ccl_kernel_send_mask(t, &r, CCL_CPUS_1_3);
	ccl_settle(t, &r);
	/* cxipi's own names, through another virq, on the same reservation */
	ccl_send_one(t, &r, r.base + 2, 1);
	ccl_settle(t, &r);

	/* A hole: CPU 2 goes, the first virq still stands for CPUs 1 and 3. */
	ccl_unlisten(&r, 1);
	if (!ccl_destroy(t, &r, r.base + 1, BIT(2)))
		goto out;
	ccl_kernel_hwirqs(t, &r);
	ccl_kernel_send(t, &r, 3);
	ccl_settle(t, &r);
	ccl_kernel_send_mask(t, &r, BIT(1) | BIT(3));
	ccl_settle(t, &r);
	ccl_release(t, &r);

	/* SINGLE: one hwirq for every target, whichever CPU is asked. */
	if (!ccl_reserve(t, &r, t->single, BIT(0) | BIT(2) | BIT(3)))
		return;
	ccl_kernel_hwirqs(t, &r);
	if (!ccl_listen(t, &r, 0))
		goto out;
	ccl_kernel_send(t, &r, 2);
	ccl_settle(t, &r);
	ccl_kernel_send_mask(t, &r, BIT(3));
	ccl_settle(t, &r);
	ccl_send_one(t, &r, r.base, 0);
	ccl_settle(t, &r);
out:
	ccl_release(t, &r);
}

/* ---- 14: cxipi's irq chip, called directly ------------------------------- */

/*
 * What the kernel's own __ipi_send_*() (arm64; they check arguments only in
 * DEBUG builds) or a driver holding irq data can hand cxipi's chip: a CPU
 * that is not the virq's target, a mask below the first target (where the
 * layout's base + cpu - offset would wrap to the virqs of the reservation
 * just below), a hwirq past 32 bits that truncates to a real one, and irq
 * data on its way out, whose chip_data irq_domain_reset_irq_data() cleared.
 * None may crash or ring a doorbell; the chip still sends where it should.
 * (Called through pointers of other names: on arm64 the names ipi_send_*
 * are macros above.)
 */
static void ccl_check_chip(struct ccl_test *t)
{
	struct ccl_resv low, high;
	struct irq_data *data, fake;
	/* clang-format reads these as products; checkpatch's layout. */
	/* clang-format off */
	void (*send_single)(struct irq_data *d, unsigned int cpu);
	void (*send_mask)(struct irq_data *d, const struct cpumask *dest);
	/* clang-format on */
	struct irq_chip *chip;
	unsigned int c;

	if (!ccl_reserve(t, &low, t->percpu, BIT(0) | BIT(1)))
		return;
	if (!ccl_reserve(t, &high, t->percpu, BIT(2) | BIT(3)))
		goto out_low;
	for (c = 0; c <= 3; c++)
		if (!ccl_listen(t, c < 2 ? &low : &high, c))
			goto out;
	if (high.base != low.base + 2)
		pr_info("# check %d: virqs %d and %d are not adjacent: a wrapped send would ring another irq\n",
			t->n, low.base, high.base);
	data = irq_get_irq_data(high.base);
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
	ccl_settle(t, &low);
	ccl_settle(t, &high);

	fake = *data;
	fake.chip_data = NULL;
	send_single(&fake, 2);
	send_mask(&fake, cpumask_of(2));
	chip->irq_mask(&fake);
	chip->irq_unmask(&fake);
	ccl_expect(t, !chip->irq_retrigger(&fake),
		   "irq_retrigger() without chip_data claimed a replay");
	msleep(CCL_QUIET_MS);
	ccl_settle(t, &high);

	send_single(data, 2);
	ccl_want(&high, 2);
	ccl_settle(t, &high);
	send_mask(data, ccl_set(t->m, BIT(2) | BIT(3)));
	ccl_want(&high, 2);
	ccl_want(&high, 3);
	ccl_settle(t, &high);
out:
	ccl_release(t, &high);
out_low:
	ccl_release(t, &low);
}

/* ---- 15: destroys racing destroys and reserves ----------------------------
 */

struct ccl_destroyer {
	struct irq_domain *domain;
	unsigned int virq;
	const struct cpumask *dest;
	unsigned long ok, refused, other;
};

/* Destroy whatever virq was published last, as often as it can. */
static int ccl_destroyer(void *arg)
{
	struct ccl_destroyer *d = arg;
	unsigned int virq;
	int ret;

	while (!kthread_should_stop()) {
		virq = READ_ONCE(d->virq);
		if (!virq) {
			cond_resched();
			continue;
		}
		ret = irq_destroy_ipi(virq, d->dest);
		if (!ret)
			d->ok++;
		else if (ret == -EINVAL)
			d->refused++;
		else
			d->other++;
		cond_resched();
	}
	return 0;
}

/*
 * Each round reserves on cxipi-single, publishes the virq, and destroys it
 * while a thread on CPU 1 destroys the same virq.  A destroy that waited
 * for the lock while the other freed the virq and the next reserve took its
 * number again must neither touch the freed descriptor (the debug kernel's
 * KASAN watches) nor fail oddly: every reservation is destroyed once, by
 * one of the two, and the other gets -EINVAL.
 */
static void ccl_check_destroy_race(struct ccl_test *t)
{
	struct ccl_destroyer d = { .domain = t->single };
	unsigned long mine = 0, refused = 0;
	struct task_struct *task;
	unsigned int i;
	int ret;

	d.dest = ccl_set(t->cmp, BIT(2) | BIT(3));
	task = kthread_create(ccl_destroyer, &d, "cxipi_client_rm");
	if (!ccl_expect(t, !IS_ERR(task), "kthread_create() returned %ld",
			PTR_ERR(task)))
		return;
	kthread_bind(task, 1);
	wake_up_process(task);
	for (i = 0; i < CCL_RACE_ROUNDS / 4; i++) {
		ret = irq_reserve_ipi(t->single, d.dest);
		if (!ccl_expect(t, ret > 0,
				"round %u: irq_reserve_ipi() returned %d", i,
				ret))
			break;
		WRITE_ONCE(d.virq, ret);
		ret = irq_destroy_ipi(ret, d.dest);
		if (!ret)
			mine++;
		else if (ret == -EINVAL)
			refused++;
		else
			ccl_fail(t, "round %u: irq_destroy_ipi() returned %d",
				 i, ret);
	}
	kthread_stop(task);
	pr_info("# check %d: %u reservations; destroyed %lu here, %lu by the thread; %lu and %lu refused\n",
		t->n, i, mine, d.ok, refused, d.refused);
	ccl_expect(t, mine + d.ok == i,
		   "%u reservations, but %lu + %lu destroys succeeded", i, mine,
		   d.ok);
	ccl_expect(t, !d.other, "%lu of the thread's destroys failed oddly",
		   d.other);
}

/* ---- running the checks -------------------------------------------------- */

static bool ccl_cpus_online(void)
{
	unsigned int c;

	for (c = 0; c <= 3; c++)
		if (c >= nr_cpu_ids || !cpu_online(c))
			return false;
	return true;
}

static void ccl_run(struct ccl_test *t, unsigned int needs,
		    void (*check)(struct ccl_test *t), const char *desc)
{
	bool warned = test_taint(TAINT_WARN);

	t->n++;
	t->failed = false;
	t->skip = NULL;
	if ((needs & CCL_NEEDS_DOMAINS) && (!t->percpu || !t->single))
		ccl_expect(t, false, "cxipi's domains were not found");
	else if ((needs & CCL_NEEDS_CPUS) && !ccl_cpus_online())
		t->skip = "needs CPUs 0-3 online";
	else if ((needs & CCL_NEEDS_PC) && !ccl_pc_ready(t))
		ccl_fail(t, "no handled reservation on CPUs 1-3 (check 2)");
	else
		check(t);
	ccl_expect(t, warned || !test_taint(TAINT_WARN),
		   "a warning fired (the kernel is now tainted W)");

	if (t->failed) {
		t->nr_failed++;
		pr_info("not ok %d - %s\n", t->n, desc);
	} else if (t->skip) {
		t->skipped++;
		pr_info("ok %d - %s # SKIP %s\n", t->n, desc, t->skip);
	} else {
		t->passed++;
		pr_info("ok %d - %s\n", t->n, desc);
	}
}

static int __init ccl_init(void)
{
	const unsigned int all = CCL_NEEDS_DOMAINS | CCL_NEEDS_CPUS;
	struct ccl_test *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	if (!zalloc_cpumask_var(&t->m, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&t->cmp, GFP_KERNEL)) {
		free_cpumask_var(t->m);
		kfree(t);
		return -ENOMEM;
	}

	pr_info("1..%d\n", CCL_NR_CHECKS);
	ccl_run(t, 0, ccl_check_lookup,
		"lookup: IPI-bus lookups by NULL node and by fwnode find cxipi-percpu and cxipi-single, flagged PER_CPU and SINGLE");
	ccl_run(t, all, ccl_check_percpu,
		"PER_CPU 1-3: affinity, NO_BALANCING, distinct hwirqs; single, mask, __ and any-virq (D6) sends run once on each target in hard irq; non-targets -EINVAL; self-IPI");
	ccl_run(t, 0, ccl_check_bad_virqs,
		"D4: virq 0, unallocated and non-IPI virqs: sends and destroys -EINVAL, ipi_get_hwirq INVALID_HWIRQ");
	ccl_run(t, all | CCL_NEEDS_PC, ccl_check_from_irq,
		"send from hard irq: the handler on CPU 1 sends to CPU 2 and to itself; each runs once");
	ccl_run(t, all | CCL_NEEDS_PC, ccl_check_masked,
		"masking latches: no run while disabled, doorbell pending, one run on enable; two raises coalesce");
	ccl_run(t, all | CCL_NEEDS_PC, ccl_check_partial_destroy,
		"D2: destroy of CPUs 1,3 (a hole) frees exactly their virqs; CPU 2 keeps affinity 2 and delivers; empty or foreign masks -EINVAL");
	ccl_release(t, &t->pc);
	ccl_run(t, all, ccl_check_reserve_args,
		"irq_reserve_ipi: a hole (PER_CPU), an empty mask, an impossible CPU (if any), a NULL or non-IPI domain are -EINVAL");
	ccl_run(t, all, ccl_check_single,
		"SINGLE 0,2-3: one hwirq for all targets; mask and single sends run on targets in hard irq; D3 partial destroy keeps the virq");
	ccl_run(t, all, ccl_check_exhaustion,
		"D1: a full cxipi-single fails with -ENOSPC; after freeing, the same number fits again");
	ccl_run(t, CCL_NEEDS_CPUS, ccl_check_fallbacks,
		"D5: a chip with only ipi_send_single gets one call per CPU with that CPU's data; one with only ipi_send_mask gets a one-CPU mask");
	ccl_run(t, all, ccl_check_coproc,
		"coprocessor: IPI to a possible, offline CPU latches, is taken and acked; its raise runs the handler on CPU 0 in hard irq");
	ccl_run(t, all, ccl_check_race,
		"D4: sends from CPU 1 racing reserve/request/free/destroy rounds return 0 or -EINVAL; every 0 raised a doorbell");
	ccl_run(t, all, ccl_check_kernel_api,
		"exported ipi_get_hwirq/ipi_send_single/ipi_send_mask (the kernel's own where it builds kernel/irq/ipi.c), given the first virq of cxipi's PER_CPU 1-3 (also after destroying CPU 2) and SINGLE 0,2-3 reservations, agree with cxipi's and deliver to the right CPU");
	ccl_run(t, all, ccl_check_chip,
		"cxipi's chip called directly: a CPU not the virq's, a mask below the first target, a hwirq past 32 bits, irq data without chip_data ring nothing and crash nothing; right sends still deliver");
	ccl_run(t, all, ccl_check_destroy_race,
		"destroys racing destroys of the same virq, and reserves that take its number again: each reservation destroyed once, the other destroy -EINVAL");
	ccl_release(t, &t->pc);

	pr_info("# done: %d passed, %d failed, %d skipped\n", t->passed,
		t->nr_failed, t->skipped);
	free_cpumask_var(t->cmp);
	free_cpumask_var(t->m);
	kfree(t);
	return 0;
}

static void __exit ccl_exit(void) {}

module_init(ccl_init);
module_exit(ccl_exit);

MODULE_DESCRIPTION("Test-only in-kernel client of cxipi's generic IPI API");
MODULE_AUTHOR("The cxipi developers");
MODULE_LICENSE("GPL");
