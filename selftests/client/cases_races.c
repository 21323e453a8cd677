// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_client cases D4: sends racing destroys, and destroys racing
 * destroys and reserves, with a thread on CPU 1.
 */
#include "client.h"

#include <linux/kthread.h>
#include <linux/jiffies.h>
#include <linux/delay.h>
#include <linux/slab.h>

/* How long a race round waits for its first delivery. */
#define CCL_RACE_WAIT_MS 100

/* One round: reserve CPUs 2-3, publish, handle on CPU 2, free, destroy. */
static int ccl_race_round(struct ccl *t, struct ccl_tx *race, struct ccl_rx *rx,
			  unsigned int i, bool *wait)
{
	unsigned int base, seen;
	unsigned long deadline;
	int ret;

	ret = irq_reserve_ipi(t->percpu, ccl_set(t->m, BIT(2) | BIT(3)));
	if (!ccl_expect(t, ret > 0, "round %u: irq_reserve_ipi() returned %d",
			i, ret))
		return ret;
	base = ret;
	WRITE_ONCE(race->virq, base);
	rx->irq = base;
	seen = atomic_read(&rx->hits[2]);
	ret = request_irq(base, ccl_handler, 0, KBUILD_MODNAME, rx);
	ccl_expect(t, !ret, "round %u: request_irq(%u) returned %d", i, base,
		   ret);
	if (!ret) {
		deadline = jiffies + msecs_to_jiffies(CCL_RACE_WAIT_MS);
		while (*wait && atomic_read(&rx->hits[2]) == seen &&
		       time_before(jiffies, deadline))
			usleep_range(100, 200);
		if (atomic_read(&rx->hits[2]) == seen)
			*wait = false;
		free_irq(base, rx);
	}
	/* Odd rounds free CPU 2's virq first, through itself (D6). */
	if (i & 1) {
		ret = irq_destroy_ipi(base, cpumask_of(2));
		if (!ret)
			ret = irq_destroy_ipi(base + 1, cpumask_of(3));
	} else {
		ret = irq_destroy_ipi(base, ccl_set(t->m, BIT(2) | BIT(3)));
	}
	ccl_expect(t, !ret, "round %u: irq_destroy_ipi() returned %d", i, ret);
	return ret;
}

static int ccl_race_send_destroy(struct ccl *t)
{
	struct ccl_tx race = {};
	struct task_struct *task;
	unsigned long raised;
	bool wait = true;
	struct ccl_rx *rx;
	unsigned int i;
	int c;

	rx = kzalloc(sizeof(*rx), GFP_KERNEL);
	if (!ccl_expect(t, rx, "out of memory"))
		return -ENOMEM;
	raised = cxipi_bank_raised(t->percpu, 2);
	task = ccl_sender_start(t, &race);
	if (!task) {
		kfree(rx);
		return -EINVAL;
	}
	for (i = 0; i < CCL_RACE_ROUNDS; i++)
		if (ccl_race_round(t, &race, rx, i, &wait))
			break;
	kthread_stop(task);
	/* Drains and drops still under way end within a grace period. */
	cxipi_destroy_barrier();
	raised = cxipi_bank_raised(t->percpu, 2) - raised;

	pr_info("# %s: %u rounds; %lu sends from CPU 1: %lu returned 0, %lu -EINVAL, %lu other; %lu raises at CPU 2; %d runs on CPU 2\n",
		t->name, i, race.sends, race.accepted, race.refused, race.other,
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
	return ccl_status(t);
}

/* ---- destroys racing destroys and reserves ------------------------------- */

struct ccl_destroyer {
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
static int ccl_race_destroy_destroy(struct ccl *t)
{
	struct ccl_destroyer d = {};
	unsigned long mine = 0, refused = 0;
	struct task_struct *task;
	unsigned int i;
	int ret;

	d.dest = ccl_set(t->cmp, BIT(2) | BIT(3));
	task = kthread_create(ccl_destroyer, &d, "cxipi_client_rm");
	if (!ccl_expect(t, !IS_ERR(task), "kthread_create() returned %ld",
			PTR_ERR(task)))
		return -EINVAL;
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
	pr_info("# %s: %u reservations; destroyed %lu here, %lu by the thread; %lu and %lu refused\n",
		t->name, i, mine, d.ok, refused, d.refused);
	ccl_expect(t, mine + d.ok == i,
		   "%u reservations, but %lu + %lu destroys succeeded", i, mine,
		   d.ok);
	ccl_expect(t, !d.other, "%lu of the thread's destroys failed oddly",
		   d.other);
	return ccl_status(t);
}

/* A description has a line of its own, as checkpatch wants. */
/* clang-format off */
static const struct ccl_case ccl_races_cases[] = {
	CCL_CASE(race_send_destroy, CCL_NEEDS_ALL,
		 "D4: sends from CPU 1 racing reserve/request/free/destroy rounds return 0 or -EINVAL; every 0 raised a doorbell"
	),
	CCL_CASE(race_destroy_destroy, CCL_NEEDS_ALL,
		 "destroys racing destroys of the same virq, and reserves that take its number again: each reservation destroyed once, the other destroy -EINVAL"
	),
	{}
};

/* clang-format on */

const struct ccl_suite ccl_races_suite = {
	.name = "races",
	.cases = ccl_races_cases,
};
