// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_client's case table and what its cases share: failure reports,
 * counting handlers, reservations that free themselves, a sending thread,
 * and ccl_run_case(), which runs one case in a fresh context for both the
 * plain module and the KUnit suite.  See client.h.
 */
#include "client.h"

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>

unsigned int ccl_single_hwirqs;
module_param_named(single_hwirqs, ccl_single_hwirqs, uint, 0444);
MODULE_PARM_DESC(single_hwirqs,
		 "cxipi's single_hwirqs, for an exact D1 count (0: unknown)");

bool ccl_pinned;

const struct ccl_suite *const ccl_suites[] = {
	&ccl_args_suite,       &ccl_percpu_suite,
	&ccl_single_suite,     &ccl_fallbacks_suite,
	&ccl_coproc_suite,     &ccl_races_suite,
	&ccl_kernel_api_suite, NULL,
};

static bool ccl_in_suite(const struct ccl_suite *s, const struct ccl_case *c)
{
	const struct ccl_case *k;

	for (k = s->cases; k->name; k++)
		if (k == c)
			return true;
	return false;
}

/* The case after @c in the table (the first when @c is NULL), or NULL. */
const struct ccl_case *ccl_next_case(const struct ccl_case *c)
{
	const struct ccl_suite *const *s = ccl_suites;

	if (c) {
		while (*s && !ccl_in_suite(*s, c))
			s++;
		if (!*s)
			return NULL;
		if ((++c)->name)
			return c;
		s++;
	}
	for (; *s; s++)
		if ((*s)->cases->name)
			return (*s)->cases;
	return NULL;
}

unsigned int ccl_nr_cases(void)
{
	const struct ccl_case *c;
	unsigned int n = 0;

	for (c = ccl_next_case(NULL); c; c = ccl_next_case(c))
		n++;
	return n;
}

/* ---- failures ------------------------------------------------------------ */

/* Fail the running case, saying why on a "# <case>: " line. */
bool ccl_fail(struct ccl *t, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("# %s: %pV\n", t->name, &vaf);
	va_end(args);
	t->failed = true;
	return false;
}

/* Return @ok; when false, fail the running case as ccl_fail() does. */
bool ccl_expect(struct ccl *t, bool ok, const char *fmt, ...)
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

/* Skip the running case, for @why (a string that outlives the case). */
int ccl_skip(struct ccl *t, const char *why)
{
	t->skip = why;
	return 0;
}

/* @m becomes the CPUs of @cpus, bit c standing for CPU c. */
struct cpumask *ccl_set(struct cpumask *m, unsigned long cpus)
{
	unsigned int c;

	cpumask_clear(m);
	for_each_set_bit(c, &cpus, BITS_PER_LONG)
		if (c < nr_cpu_ids)
			cpumask_set_cpu(c, m);
	return m;
}

bool ccl_expect_mask(struct ccl *t, const struct cpumask *m, unsigned long cpus,
		     const char *what, unsigned int virq)
{
	ccl_set(t->cmp, cpus);
	if (!m)
		return ccl_expect(t, false, "%s of virq %u is NULL", what,
				  virq);
	return ccl_expect(t, cpumask_equal(m, t->cmp),
			  "%s of virq %u is %*pbl, want %*pbl", what, virq,
			  cpumask_pr_args(m), cpumask_pr_args(t->cmp));
}

bool ccl_expect_hwirq(struct ccl *t, unsigned int virq, unsigned int cpu,
		      irq_hw_number_t want)
{
	irq_hw_number_t hw = ipi_get_hwirq(virq, cpu);

	return ccl_expect(t, hw == want,
			  "ipi_get_hwirq(%u, %u) is %ld, want %ld", virq, cpu,
			  (long)hw, (long)want);
}

/* A send that must be refused: -EINVAL and nothing sent. */
void ccl_send_bad(struct ccl *t, unsigned int virq, unsigned int cpu)
{
	int ret = ipi_send_single(virq, cpu);

	ccl_expect(t, ret == -EINVAL,
		   "ipi_send_single(%u, %u) returned %d, want -EINVAL", virq,
		   cpu, ret);
}

void ccl_send_mask_bad(struct ccl *t, unsigned int virq, unsigned long cpus)
{
	int ret = ipi_send_mask(virq, ccl_set(t->m, cpus));

	ccl_expect(t, ret == -EINVAL,
		   "ipi_send_mask(%u, %*pbl) returned %d, want -EINVAL", virq,
		   cpumask_pr_args(t->m), ret);
}

bool ccl_cpus_online(void)
{
	unsigned int c;

	for (c = 0; c <= 3; c++)
		if (c >= nr_cpu_ids || !cpu_online(c))
			return false;
	return true;
}

/* ---- handlers ------------------------------------------------------------ */

irqreturn_t ccl_handler(int irq, void *dev_id)
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
		rx->hook(rx->arg);
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

void ccl_want(struct ccl_resv *r, unsigned int cpu)
{
	struct ccl_rx *rx = r->rx[r->per_cpu ? cpu - r->offset : 0];

	if (rx && cpu < CCL_MAX_CPUS)
		rx->want[cpu]++;
}

/* Fail on runs outside hard irq, for another irq or on a far CPU. */
void ccl_expect_right(struct ccl *t, struct ccl_rx *rx)
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
 * case.  The counts are then taken as they are, so that one fault is
 * reported once.
 */
static void ccl_compare(struct ccl *t, struct ccl_rx *rx)
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
void ccl_settle(struct ccl *t, struct ccl_resv *r)
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

unsigned int ccl_total(struct ccl_rx *rx)
{
	unsigned int n = 0;
	int c;

	for (c = 0; c < CCL_MAX_CPUS; c++)
		n += atomic_read(&rx->hits[c]);
	return n;
}

/* ---- reservations -------------------------------------------------------- */

bool ccl_reserve(struct ccl *t, struct ccl_resv *r, struct irq_domain *domain,
		 unsigned long cpus)
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

unsigned int ccl_virq_of(struct ccl_resv *r, unsigned int cpu)
{
	return r->per_cpu ? r->base + cpu - r->offset : r->base;
}

bool ccl_destroy(struct ccl *t, struct ccl_resv *r, unsigned int virq,
		 unsigned long cpus)
{
	int ret = irq_destroy_ipi(virq, ccl_set(t->m, cpus));

	if (!ccl_expect(t, !ret, "irq_destroy_ipi(%u, %*pbl) returned %d", virq,
			cpumask_pr_args(t->m), ret))
		return false;
	r->cpus &= ~cpus;
	return true;
}

/* Install a counting handler on the virq of @cpu (the virq on SINGLE). */
bool ccl_listen(struct ccl *t, struct ccl_resv *r, unsigned int cpu)
{
	unsigned int i = r->per_cpu ? cpu - r->offset : 0;
	unsigned int virq = r->base + i;
	struct ccl_rx *rx;
	int ret;

	rx = kzalloc(sizeof(*rx), GFP_KERNEL);
	if (!ccl_expect(t, rx, "out of memory"))
		return false;
	rx->irq = virq;
	/*
	 * No IRQF_NO_THREAD, as a driver unaware of PREEMPT_RT would write:
	 * the handler checks that it still runs in hard-irq context.
	 */
	ret = request_irq(virq, ccl_handler, 0, KBUILD_MODNAME, rx);
	if (!ccl_expect(t, !ret, "request_irq(%u) returned %d", virq, ret)) {
		kfree(rx);
		return false;
	}
	r->rx[i] = rx;
	return true;
}

void ccl_unlisten(struct ccl_resv *r, unsigned int i)
{
	if (!r->rx[i])
		return;
	free_irq(r->rx[i]->irq, r->rx[i]);
	kfree(r->rx[i]);
	r->rx[i] = NULL;
}

/* Free what is left of @r: handlers first, then its reserved CPUs. */
void ccl_release(struct ccl *t, struct ccl_resv *r)
{
	unsigned int i;

	for (i = 0; i < CCL_RESV_VIRQS; i++)
		ccl_unlisten(r, i);
	if (r->base > 0 && r->cpus)
		ccl_destroy(t, r, ccl_virq_of(r, __ffs(r->cpus)), r->cpus);
	r->cpus = 0;
	r->base = 0;
}

void ccl_send_one(struct ccl *t, struct ccl_resv *r, unsigned int virq,
		  unsigned int cpu)
{
	int ret = ipi_send_single(virq, cpu);

	if (ccl_expect(t, !ret, "ipi_send_single(%u, %u) returned %d", virq,
		       cpu, ret))
		ccl_want(r, cpu);
}

void ccl_send_mask(struct ccl *t, struct ccl_resv *r, unsigned int virq,
		   unsigned long cpus)
{
	int ret = ipi_send_mask(virq, ccl_set(t->m, cpus));
	unsigned int c;

	if (!ccl_expect(t, !ret, "ipi_send_mask(%u, %*pbl) returned %d", virq,
			cpumask_pr_args(t->m), ret))
		return;
	for_each_set_bit(c, &cpus, BITS_PER_LONG)
		ccl_want(r, c);
}

/* ---- a sender on CPU 1 --------------------------------------------------- */

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

struct task_struct *ccl_sender_start(struct ccl *t, struct ccl_tx *tx)
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

/* ---- running one case ---------------------------------------------------- */

/*
 * Run case @c in a context of its own: 0 when it passed or was skipped
 * (then *@skip says why), a negative errno when it failed, after "# ..."
 * lines saying why.  A warning the case made the kernel print (taint W)
 * fails it too.
 */
int ccl_run_case(const struct ccl_case *c, const char **skip)
{
	bool warned = test_taint(TAINT_WARN);
	struct ccl *t;
	int ret;

	*skip = NULL;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t || !zalloc_cpumask_var(&t->m, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&t->cmp, GFP_KERNEL)) {
		pr_info("# %s: out of memory for its context\n", c->name);
		if (t)
			free_cpumask_var(t->m);
		kfree(t);
		return -ENOMEM;
	}
	t->name = c->name;
	t->percpu = cxipi_domain_get("cxipi-percpu");
	t->single = cxipi_domain_get("cxipi-single");

	if ((c->needs & CCL_NEEDS_DOMAINS) && (!t->percpu || !t->single)) {
		ccl_fail(t, "cxipi's domains were not found");
		ret = -ENODEV;
	} else if ((c->needs & CCL_NEEDS_CPUS) && !ccl_cpus_online()) {
		ret = ccl_skip(t, "needs CPUs 0-3 online");
	} else {
		ret = c->run(t);
	}
	ccl_expect(t, warned || !test_taint(TAINT_WARN),
		   "a warning fired (the kernel is now tainted W)");

	if (ret < 0 && !t->failed)
		ccl_fail(t, "returned %d", ret);
	else if (!ret && t->failed)
		ret = -EINVAL;
	if (!ret)
		*skip = t->skip;
	free_cpumask_var(t->cmp);
	free_cpumask_var(t->m);
	kfree(t);
	return ret;
}
