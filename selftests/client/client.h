/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cxipi_client's case API, shaped like KUnit's: a case is a name, a run
 * function and a description; a suite is a named array of cases; the
 * table is the array of suites (ccl_suites[], client_lib.c).
 *
 * A case runs in a context of its own (struct ccl): it looks up cxipi's
 * domains, makes its own reservations and frees them before it returns.
 * Nothing is shared between cases.  It returns 0 or a negative errno, and
 * says why it failed with ccl_fail() and ccl_expect(), which print
 * "# <case>: ..." lines and mark the case failed (a case that only marks
 * itself failed counts as -EINVAL).  ccl_skip() skips it.
 *
 * ccl_run_case() runs one case the same way for both modules: the plain
 * cxipi_client.ko (client_main.c) and the KUnit suite cxipi_client_kunit.ko
 * (client_kunit.c), which turns a non-zero return into KUNIT_FAIL().
 */
#ifndef CXIPI_CLIENT_H
#define CXIPI_CLIENT_H

/* Every file includes this header first, for pr_fmt. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>

#include "../../include/cxipi.h"

/*
 * Where the kernel builds kernel/irq/ipi.c (CONFIG_GENERIC_IRQ_IPI, as on
 * arm64), the upstream names are the kernel's own: some are not exported,
 * and none has cxipi's divergences (D1-D6), so the cases of cxipi's
 * contract call cxipi's exports by their cxipi_ names.  The kernel_api
 * case calls the kernel's own as (name)(...), which no function-like macro
 * expands.
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

/* Handler runs are counted per CPU below this; a run past it is wrong. */
#define CCL_MAX_CPUS 64
/* The largest PER_CPU reservation the cases make. */
#define CCL_RESV_VIRQS 4
/* Longest wait for an IPI to be handled. */
#define CCL_WAIT_MS 2000
/* After the runs a case waited for, how long extra runs get to show. */
#define CCL_SETTLE_MS 20
/* How long an IPI that must not be handled gets to show up. */
#define CCL_QUIET_MS 200
#define CCL_RACE_ROUNDS 200

#define CCL_CPUS_1_3 (BIT(1) | BIT(2) | BIT(3))

/* cxipi's single_hwirqs, given to the module (0: unknown). */
extern unsigned int ccl_single_hwirqs;

/*
 * One case's context.  @m and @cmp are scratch masks; @percpu and @single
 * are cxipi's domains (NULL when not found); @skip, when set, says why the
 * case was skipped.
 */
struct ccl {
	const char *name;
	bool failed;
	const char *skip;
	cpumask_var_t m, cmp;
	struct irq_domain *percpu, *single;
};

/* What a case needs before it runs: otherwise it fails or is skipped. */
enum {
	CCL_NEEDS_DOMAINS = BIT(0), /* cxipi's two domains: or fail */
	CCL_NEEDS_CPUS = BIT(1), /* CPUs 0-3 online: or skip */
	CCL_NEEDS_ALL = CCL_NEEDS_DOMAINS | CCL_NEEDS_CPUS,
};

struct ccl_case {
	const char *name;
	int (*run)(struct ccl *t);
	unsigned int needs;
	const char *desc;
};

struct ccl_suite {
	const char *name;
	const struct ccl_case *cases; /* ends with an empty case */
};

#define CCL_CASE(fn, n, d)                                                     \
	{                                                                      \
		.name = #fn, .run = ccl_##fn, .needs = n, .desc = d            \
	}

extern const struct ccl_suite ccl_args_suite, ccl_percpu_suite,
	ccl_single_suite, ccl_fallbacks_suite, ccl_coproc_suite,
	ccl_races_suite, ccl_kernel_api_suite;
/* The table: every suite, in the order they run; ends with NULL. */
extern const struct ccl_suite *const ccl_suites[];

/* for (c = ccl_next_case(NULL); c; c = ccl_next_case(c)): every case. */
const struct ccl_case *ccl_next_case(const struct ccl_case *c);
unsigned int ccl_nr_cases(void);
int ccl_run_case(const struct ccl_case *c, const char **skip);
/* A case left a test domain with virqs: the module must stay loaded. */
extern bool ccl_pinned;

/* ---- failures ------------------------------------------------------------ */

__printf(2, 3) bool ccl_fail(struct ccl *t, const char *fmt, ...);
__printf(3, 4) bool ccl_expect(struct ccl *t, bool ok, const char *fmt, ...);
int ccl_skip(struct ccl *t, const char *why);
/* 0, or -EINVAL when the case failed so far. */
static inline int ccl_status(struct ccl *t)
{
	return t->failed ? -EINVAL : 0;
}

struct cpumask *ccl_set(struct cpumask *m, unsigned long cpus);
bool ccl_expect_mask(struct ccl *t, const struct cpumask *m, unsigned long cpus,
		     const char *what, unsigned int virq);
bool ccl_expect_hwirq(struct ccl *t, unsigned int virq, unsigned int cpu,
		      irq_hw_number_t want);
void ccl_send_bad(struct ccl *t, unsigned int virq, unsigned int cpu);
void ccl_send_mask_bad(struct ccl *t, unsigned int virq, unsigned long cpus);
bool ccl_cpus_online(void);

/* ---- handlers ------------------------------------------------------------ */

/*
 * What the handler of one virq saw.  @want is what the case expects by
 * now; @wrong counts runs outside hard-irq context, for another irq, or on
 * a CPU at or past CCL_MAX_CPUS, and @first_wrong says where the first one
 * ran.  @hook runs once from the handler, with @arg, after @armed is set.
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
	void (*hook)(void *arg);
	void *arg;
	atomic_t armed;
};

/*
 * One reservation made by a case.  @cpus are the CPUs still reserved (bit
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

irqreturn_t ccl_handler(int irq, void *dev_id);
void ccl_want(struct ccl_resv *r, unsigned int cpu);
void ccl_expect_right(struct ccl *t, struct ccl_rx *rx);
void ccl_settle(struct ccl *t, struct ccl_resv *r);
unsigned int ccl_total(struct ccl_rx *rx);

/* ---- reservations -------------------------------------------------------- */

bool ccl_reserve(struct ccl *t, struct ccl_resv *r, struct irq_domain *domain,
		 unsigned long cpus);
unsigned int ccl_virq_of(struct ccl_resv *r, unsigned int cpu);
bool ccl_destroy(struct ccl *t, struct ccl_resv *r, unsigned int virq,
		 unsigned long cpus);
bool ccl_listen(struct ccl *t, struct ccl_resv *r, unsigned int cpu);
void ccl_unlisten(struct ccl_resv *r, unsigned int i);
void ccl_release(struct ccl *t, struct ccl_resv *r);
void ccl_send_one(struct ccl *t, struct ccl_resv *r, unsigned int virq,
		  unsigned int cpu);
void ccl_send_mask(struct ccl *t, struct ccl_resv *r, unsigned int virq,
		   unsigned long cpus);

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

struct task_struct *ccl_sender_start(struct ccl *t, struct ccl_tx *tx);

#endif /* CXIPI_CLIENT_H */
