// SPDX-License-Identifier: GPL-2.0
/*
 * Everything at once: one worker process per online CPU, pinned there, for
 * STRESS_SECONDS (default 5), each reserving and destroying (whole or
 * in part) its own named reservations on both domains, sending to them with
 * send and send_mask, ringing them as a coprocessor would (raise), taking
 * what latched at coprocessors (ack), and reading sysfs and debugfs files.
 * Each worker counts the doorbells it rang, per domain and target CPU.
 *
 * Before a destroy, a worker waits until the doorbells of the CPUs it
 * removes are delivered: one that stays pending at an online CPU is a lost
 * kick.
 *
 * At the end the books balance: for each domain and CPU, the doorbells
 * raised since the start (coalesced + delivered + taken + dropped +
 * pending: a raise is counted as what became of it) are the ones the
 * workers rang; none was dropped at an online CPU; the free hwirqs and the
 * reservations are back where they started; no handler ran misplaced; the
 * kernel log has no warning.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "cxipi_cpus.h"

#define NR_DOMAINS 2
#define SLOTS 3 /* live reservations per worker and domain, at most */
#define MAX_SECONDS 3600

static const char *const domains[NR_DOMAINS] = { "cxipi-percpu",
						 "cxipi-single" };

/* What one worker did, in memory shared with the parent. */
struct tally {
	unsigned long rung[NR_DOMAINS][CXIPI_MAX_CPUS];
	unsigned long reserves, enospc, destroys, sends, masks, raises, acks;
	unsigned long reads, errors;
};

/* A reservation of a worker. */
struct slot {
	char name[32];
	uint64_t targets; /* 0: not reserved */
};

struct worker {
	int id, cpu;
	unsigned int seed;
	uint64_t possible, online;
	struct tally *tally;
	struct slot slots[NR_DOMAINS][SLOTS];
};

/* ---- a worker ----------------------------------------------------------- */

static unsigned int pick(struct worker *w, unsigned int n)
{
	return rand_r(&w->seed) % n;
}

/* A random CPU of @mask, which is not empty. */
static int pick_cpu(struct worker *w, uint64_t mask)
{
	int cpu, n = pick(w, __builtin_popcountll(mask));

	for (cpu = 0;; cpu++)
		if ((mask & (1ULL << cpu)) && n-- == 0)
			return cpu;
}

/* A random non-empty subset of @mask, which is not empty. */
static uint64_t pick_subset(struct worker *w, uint64_t mask)
{
	uint64_t sub = 0;
	int cpu;

	for (cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++)
		if ((mask & (1ULL << cpu)) && pick(w, 2))
			sub |= 1ULL << cpu;
	return sub ? sub : 1ULL << pick_cpu(w, mask);
}

static void fail(struct worker *w, const char *what, const struct slot *s,
		 int err)
{
	int d = s ? (int)(s - &w->slots[0][0]) / SLOTS : 0;

	w->tally->errors++;
	fprintf(stderr, "# worker on CPU %d: %s %s%s%s: %s\n", w->cpu, what,
		s ? domains[d] : "", s ? "/" : "", s ? s->name : "",
		err ? strerror(err) : "wrong value");
}

static void do_reserve(struct worker *w, int d, struct slot *s)
{
	char list[200];
	uint64_t dest;
	int lo, hi, err;

	if (d == 0) { /* per_cpu: a run of possible CPUs, no hole */
		lo = pick_cpu(w, w->possible);
		hi = pick_cpu(w, w->possible);
		if (hi < lo)
			hi = lo;
		dest = (hi == 63 ? ~0ULL : (1ULL << (hi + 1)) - 1) &
		       ~((1ULL << lo) - 1);
		if (dest & ~w->possible)
			dest = 1ULL << lo;
	} else {
		dest = pick_subset(w, w->possible);
	}
	cxipi_cpulist(dest, list, sizeof(list));
	err = cxipi_reserve(domains[d], s->name, list);
	if (!err) {
		s->targets = dest;
		w->tally->reserves++;
	} else if (err == ENOSPC) {
		w->tally->enospc++;
	} else {
		fail(w, "reserve", s, err);
	}
}

static void check_misplaced(struct worker *w, int d, struct slot *s)
{
	if (cxipi_read_long(domains[d], s->name, "misplaced") != 0)
		fail(w, "misplaced", s, 0);
}

/*
 * Wait until the doorbells of @s at the online CPUs of @cpus are delivered:
 * nobody rings them any more, so one left pending is a lost kick.
 */
static void wait_delivered(struct worker *w, int d, struct slot *s,
			   uint64_t cpus)
{
	unsigned long hwirqs[CXIPI_MAX_CPUS];
	int n = cxipi_read_list(domains[d], s->name, "hwirqs", hwirqs,
				CXIPI_MAX_CPUS);
	int cpu, i = 0;

	if (n != __builtin_popcountll(s->targets)) {
		fail(w, "hwirqs of", s, 0);
		return;
	}
	for (cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++) {
		if (!(s->targets & (1ULL << cpu)))
			continue;
		if ((cpus & w->online & (1ULL << cpu)) &&
		    !cxipi_wait_for(
			    !cxipi_hwirq_pending(domains[d], cpu, hwirqs[i]))) {
			fprintf(stderr, "# hwirq %lu stays pending at CPU %d\n",
				hwirqs[i], cpu);
			fail(w, "lost kick: a doorbell stays pending for", s,
			     0);
		}
		i++;
	}
}

static void do_destroy(struct worker *w, int d, struct slot *s, int all)
{
	uint64_t gone = all || pick(w, 2) ? s->targets :
					    pick_subset(w, s->targets);
	char list[200];
	int err;

	wait_delivered(w, d, s, gone);
	if (gone == s->targets)
		check_misplaced(w, d, s);
	cxipi_cpulist(gone, list, sizeof(list));
	err = cxipi_write(domains[d], s->name, "destroy", list);
	if (err) {
		fail(w, "destroy", s, err);
		return;
	}
	w->tally->destroys++;
	s->targets &= ~gone;
	if (!s->targets && cxipi_resv_exists(domains[d], s->name))
		fail(w, "directory left after the last destroy of", s, 0);
}

static void do_send(struct worker *w, int d, struct slot *s)
{
	int cpu = pick_cpu(w, s->targets), err;
	char value[16];

	snprintf(value, sizeof(value), "%d", cpu);
	err = cxipi_write(domains[d], s->name, "send", value);
	if (err) {
		fail(w, "send", s, err);
		return;
	}
	w->tally->sends++;
	w->tally->rung[d][cpu]++;
}

static void do_send_mask(struct worker *w, int d, struct slot *s)
{
	uint64_t mask = pick_subset(w, s->targets);
	char list[200];
	int cpu, err;

	cxipi_cpulist(mask, list, sizeof(list));
	err = cxipi_write(domains[d], s->name, "send_mask", list);
	if (err) {
		fail(w, "send_mask", s, err);
		return;
	}
	w->tally->masks++;
	for (cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++)
		if (mask & (1ULL << cpu))
			w->tally->rung[d][cpu]++;
}

/* Ring a target's hwirq through its cpu<N>/raise, as a coprocessor does. */
static void do_raise(struct worker *w, int d, struct slot *s)
{
	unsigned long hwirqs[CXIPI_MAX_CPUS];
	int n = cxipi_read_list(domains[d], s->name, "hwirqs", hwirqs,
				CXIPI_MAX_CPUS);
	int cpu = pick_cpu(w, s->targets), i = 0, c, err;
	char path[128], value[32];

	if (n != __builtin_popcountll(s->targets)) {
		fail(w, "hwirqs of", s, 0);
		return;
	}
	for (c = 0; c < cpu; c++) /* hwirqs are listed in CPU order */
		i += !!(s->targets & (1ULL << c));
	snprintf(path, sizeof(path), CXIPI_DOMAINS "%s/cpu%d/raise", domains[d],
		 cpu);
	snprintf(value, sizeof(value), "%lu", hwirqs[i]);
	err = cxipi_write_path(path, value);
	if (err) {
		fail(w, "raise", s, err);
		return;
	}
	w->tally->raises++;
	w->tally->rung[d][cpu]++;
}

/* Acknowledge the first doorbell latched at a coprocessor, if any. */
static void do_ack(struct worker *w, int d)
{
	uint64_t coprocs = w->possible & ~w->online;
	char path[128], buf[1024];
	int cpu, err;

	if (!coprocs)
		return;
	cpu = pick_cpu(w, coprocs);
	snprintf(path, sizeof(path), CXIPI_DOMAINS "%s/cpu%d/pending",
		 domains[d], cpu);
	if (cxipi_read_path(path, buf, sizeof(buf))) {
		fail(w, "read pending", NULL, errno);
		return;
	}
	if (!buf[0])
		return;
	*strchrnul(buf, ' ') = '\0';
	snprintf(path, sizeof(path), CXIPI_DOMAINS "%s/cpu%d/ack", domains[d],
		 cpu);
	err = cxipi_write_path(path, buf);
	if (!err)
		w->tally->acks++;
	else if (err != ENOENT) /* another worker took it first */
		fail(w, "ack", NULL, err);
}

static void do_read(struct worker *w, int d, struct slot *s)
{
	static const char *const files[] = { "virq", "targets", "hwirqs",
					     "received" };
	char path[128], buf[4096];
	struct cxipi_books b;

	switch (pick(w, 4)) {
	case 0:
		if (s->targets) {
			if (cxipi_read(domains[d], s->name, files[pick(w, 4)],
				       buf, sizeof(buf)))
				fail(w, "read", s, errno);
			check_misplaced(w, d, s);
		}
		break;
	case 1:
		if (cxipi_read_long(domains[d], NULL, "free") < 0)
			fail(w, "read free", NULL, 0);
		break;
	case 2:
		if (cxipi_read_books(domains[d], pick_cpu(w, w->possible), &b))
			fail(w, "read stats", NULL, 0);
		break;
	default:
		snprintf(path, sizeof(path), "/sys/kernel/debug/cxipi/%s",
			 domains[d]);
		cxipi_read_path(path, buf, sizeof(buf)); /* debugfs optional */
	}
	w->tally->reads++;
}

static void work(struct worker *w, double seconds)
{
	struct timespec now, end;
	struct slot *s;
	int d, i;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)seconds;
	do {
		d = pick(w, NR_DOMAINS);
		s = &w->slots[d][pick(w, SLOTS)];
		switch (pick(w, 12)) {
		case 0:
		case 1:
			if (!s->targets)
				do_reserve(w, d, s);
			else
				do_destroy(w, d, s, 0);
			break;
		case 2:
			if (s->targets)
				do_destroy(w, d, s, 0);
			break;
		case 3:
		case 4:
		case 5:
			if (s->targets)
				do_send(w, d, s);
			break;
		case 6:
		case 7:
			if (s->targets)
				do_send_mask(w, d, s);
			break;
		case 8:
			if (s->targets)
				do_raise(w, d, s);
			break;
		case 9:
			do_ack(w, d);
			break;
		default:
			do_read(w, d, s);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec < end.tv_sec ||
		 (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));

	for (d = 0; d < NR_DOMAINS; d++)
		for (i = 0; i < SLOTS; i++)
			if (w->slots[d][i].targets)
				do_destroy(w, d, &w->slots[d][i], 1);
}

/* ---- the test ----------------------------------------------------------- */

FIXTURE(stress)
{
	char canary[128];
};

FIXTURE_SETUP(stress)
{
	CXIPI_FIXTURE_SETUP(self->canary);
}

FIXTURE_TEARDOWN(stress)
{
	CXIPI_UNLESS_SKIPPED();
	CXIPI_FIXTURE_TEARDOWN(self->canary);
}

/* The books of every domain and possible CPU, all of them balanced. */
/*
 * Read the books of every possible CPU into @b; with @rung, 1 when each
 * CPU's raised moved from @before by what the workers rang there.
 */
static int read_all_books(uint64_t possible,
			  struct cxipi_books b[NR_DOMAINS][CXIPI_MAX_CPUS],
			  struct cxipi_books before[NR_DOMAINS][CXIPI_MAX_CPUS],
			  unsigned long rung[NR_DOMAINS][CXIPI_MAX_CPUS])
{
	int d, cpu, ok = 1;

	for (d = 0; d < NR_DOMAINS; d++)
		for (cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++)
			if (possible & (1ULL << cpu)) {
				if (cxipi_read_books(domains[d], cpu,
						     &b[d][cpu]))
					return -1;
				if (rung)
					ok &= rung[d][cpu] ==
					      b[d][cpu].raised -
						      before[d][cpu].raised;
			}
	return ok;
}

TEST_F_TIMEOUT(stress, every_cpu_at_once_and_the_books_balance,
	       MAX_SECONDS + 120)
{
	CXIPI_UNLESS_SKIPPED();
	static struct cxipi_books before[NR_DOMAINS][CXIPI_MAX_CPUS],
		after[NR_DOMAINS][CXIPI_MAX_CPUS];
	static unsigned long rungs[NR_DOMAINS][CXIPI_MAX_CPUS];
	const char *env = getenv("STRESS_SECONDS");
	double seconds = env ? atof(env) : 5;
	uint64_t possible = cxipi_read_cpus("/sys/devices/system/cpu/possible");
	uint64_t online = cxipi_read_cpus("/sys/devices/system/cpu/online");
	long free_before[NR_DOMAINS];
	int resv_before[NR_DOMAINS];
	int nr_workers = 0, d, cpu, i, status;
	unsigned long rung;
	unsigned int seed = time(NULL);
	struct tally *tallies, sum = { 0 };
	pid_t pids[CXIPI_MAX_CPUS];

	ASSERT_NE(0, possible);
	ASSERT_LT(seconds, MAX_SECONDS + 1);
	for (d = 0; d < NR_DOMAINS; d++) {
		free_before[d] = cxipi_read_long(domains[d], NULL, "free");
		resv_before[d] = cxipi_count_reservations(domains[d]);
		ASSERT_GT(free_before[d], 0);
		ASSERT_LE(0, resv_before[d]);
	}
	ASSERT_LE(0, read_all_books(possible, before, NULL, NULL));

	tallies = mmap(NULL, sizeof(*tallies) * CXIPI_MAX_CPUS,
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		       0);
	ASSERT_NE(MAP_FAILED, tallies);
	memset(tallies, 0, sizeof(*tallies) * CXIPI_MAX_CPUS);
	printf("# %d workers for %.0f s, seed %u\n",
	       __builtin_popcountll(online), seconds, seed);
	fflush(stdout);

	for (cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++) {
		struct worker w = { .id = nr_workers, .cpu = cpu };
		cpu_set_t one;
		pid_t pid;

		if (!(online & (1ULL << cpu)))
			continue;
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid) {
			pids[nr_workers++] = pid;
			continue;
		}
		w.seed = seed + cpu * 7919;
		w.possible = possible;
		w.online = online;
		w.tally = &tallies[w.id];
		for (d = 0; d < NR_DOMAINS; d++)
			for (i = 0; i < SLOTS; i++)
				snprintf(w.slots[d][i].name,
					 sizeof(w.slots[d][i].name),
					 "stress%d_%d", cpu, i);
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			fail(&w, "pin to its CPU", NULL, errno);
		work(&w, seconds);
		_exit(w.tally->errors ? 1 : 0);
	}
	for (i = 0; i < nr_workers; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("worker %d ended with status %#x", i, status);
	}

	for (i = 0; i < nr_workers; i++) {
		sum.reserves += tallies[i].reserves;
		sum.enospc += tallies[i].enospc;
		sum.destroys += tallies[i].destroys;
		sum.sends += tallies[i].sends;
		sum.masks += tallies[i].masks;
		sum.raises += tallies[i].raises;
		sum.acks += tallies[i].acks;
		sum.reads += tallies[i].reads;
		sum.errors += tallies[i].errors;
	}
	printf("# %lu reserves (%lu ENOSPC), %lu destroys, %lu sends, %lu send_masks, %lu raises, %lu acks, %lu reads, %lu errors\n",
	       sum.reserves, sum.enospc, sum.destroys, sum.sends, sum.masks,
	       sum.raises, sum.acks, sum.reads, sum.errors);
	fflush(stdout);
	EXPECT_EQ(0, sum.errors);
	EXPECT_LT(0, sum.sends);

	for (d = 0; d < NR_DOMAINS; d++)
		for (cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++)
			for (rungs[d][cpu] = 0, i = 0; i < nr_workers; i++)
				rungs[d][cpu] += tallies[i].rung[d][cpu];
	/*
	 * Kicks may still be in flight, and destroyed doorbells wait for a
	 * grace period to be dropped: the books match once they land.
	 */
	EXPECT_TRUE(cxipi_wait_for(
		read_all_books(possible, after, before, rungs) == 1))
	TH_LOG("the books do not match what the workers rang");
	printf("# books since the start, per domain and CPU: rung by the workers; raised coalesced delivered taken dropped pending (absolute)\n");
	for (d = 0; d < NR_DOMAINS; d++) {
		for (cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++) {
			struct cxipi_books *a = &after[d][cpu];

			if (!(possible & (1ULL << cpu)))
				continue;
			rung = rungs[d][cpu];
			printf("# %s cpu%d%s: rung %lu; raised %lu coalesced %lu delivered %lu taken %lu dropped %lu pending %lu: %s\n",
			       domains[d], cpu,
			       online & (1ULL << cpu) ? "" : " (coprocessor)",
			       rung, a->raised, a->coalesced, a->delivered,
			       a->taken, a->dropped, a->pending,
			       rung == a->raised - before[d][cpu].raised ?
				       "balanced" :
				       "UNBALANCED");
			fflush(stdout);
			EXPECT_EQ(rung, a->raised - before[d][cpu].raised)
			TH_LOG("%s CPU %d: the workers rang %lu, raised moved by %lu",
			       domains[d], cpu, rung,
			       a->raised - before[d][cpu].raised);
			if (online & (1ULL << cpu))
				EXPECT_EQ(before[d][cpu].dropped, a->dropped)
			TH_LOG("%s CPU %d: doorbells dropped at an online CPU",
			       domains[d], cpu);
		}
		EXPECT_EQ(free_before[d],
			  cxipi_read_long(domains[d], NULL, "free"))
		TH_LOG("%s: free hwirqs", domains[d]);
		EXPECT_EQ(resv_before[d], cxipi_count_reservations(domains[d]))
		TH_LOG("%s: reservations", domains[d]);
	}
	fflush(stdout);
	munmap(tallies, sizeof(*tallies) * CXIPI_MAX_CPUS);
}

TEST_HARNESS_MAIN
