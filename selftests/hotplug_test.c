// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug while sending.  The victims are the online CPUs but 0; each
 * domain has one reservation, "hotplug", over all of them.
 *
 * cycles: each victim in turn is rung and at once taken offline (so the
 * doorbell may still be pending as it goes down), rung twice more while
 * offline (the doorbell latches there, as at a coprocessor, and no handler
 * runs), then brought back.  Its books then account for all three raises:
 * coalesced + delivered == 3, every delivery ran the handler there once,
 * nothing is left pending, nothing dropped.
 *
 * while_sending: for STRESS_SECONDS (default 5) one process takes
 * victims offline and online in turn, one per domain sends and send_masks
 * to victims whatever their state, one reserves and destroys short-lived
 * reservations over the victims, and one reads the knobs.  Once every
 * victim is back: nothing is pending, each CPU's raised moved by what was
 * rung there, nothing taken or dropped, each delivery ran the handler once
 * there (cxipi-percpu; on cxipi-single deliveries may merge), and the free
 * hwirqs and reservation counts are where they were.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "cxipi_cpus.h"

#define NR_DOMAINS 2
#define RESV "hotplug"
#define MAX_SECONDS 3600

static const char *const domains[NR_DOMAINS] = { "cxipi-percpu",
						 "cxipi-single" };

FIXTURE(hotplug)
{
	char canary[128];
	uint64_t online; /* at the start; the teardown restores it */
	uint64_t victims;
	char list[200];
	unsigned long hwirq[NR_DOMAINS][CXIPI_MAX_CPUS];
};

FIXTURE_SETUP(hotplug)
{
	unsigned long hwirqs[CXIPI_MAX_CPUS];
	int d, cpu, i;

	CXIPI_FIXTURE_SETUP(self->canary);
	self->online = cxipi_online_mask();
	self->victims = self->online & ~1ULL;
	if (!self->victims)
		SKIP(return, "needs a second online CPU");
	cxipi_cpulist(self->victims, self->list, sizeof(self->list));
	for (d = 0; d < NR_DOMAINS; d++) {
		ASSERT_EQ(0, cxipi_reserve(domains[d], RESV, self->list));
		ASSERT_EQ(__builtin_popcountll(self->victims),
			  cxipi_read_list(domains[d], RESV, "hwirqs", hwirqs,
					  CXIPI_MAX_CPUS));
		for (i = 0, cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++)
			if (self->victims & (1ULL << cpu))
				self->hwirq[d][cpu] = hwirqs[i++];
	}
}

FIXTURE_TEARDOWN(hotplug)
{
	CXIPI_UNLESS_SKIPPED();
	uint64_t down = self->online & ~cxipi_online_mask();
	int d, cpu;

	for (cpu = 1; cpu < CXIPI_MAX_CPUS; cpu++)
		if (down & (1ULL << cpu))
			EXPECT_EQ(0, cxipi_set_online(cpu, 1));
	for (d = 0; d < NR_DOMAINS; d++)
		if (cxipi_resv_exists(domains[d], RESV))
			EXPECT_EQ(0, cxipi_write(domains[d], RESV, "destroy",
						 self->list));
	CXIPI_FIXTURE_TEARDOWN(self->canary);
}

static int ring(int d, int cpu)
{
	char value[16];

	snprintf(value, sizeof(value), "%d", cpu);
	return cxipi_write(domains[d], RESV, "send", value);
}

/*
 * Books of @cpu once nothing is pending there and two reads 1 ms apart
 * agree: a doorbell being delivered is, for a few instructions, neither
 * pending nor counted yet.
 */
static int settled_books(int d, int cpu, struct cxipi_books *b)
{
	struct cxipi_books again;

	return cxipi_wait_for(!cxipi_read_books(domains[d], cpu, b) &&
			      !b->pending && !usleep(1000) &&
			      !cxipi_read_books(domains[d], cpu, &again) &&
			      !memcmp(b, &again, sizeof(again)));
}

TEST_F_TIMEOUT(hotplug, cycles, 900)
{
	CXIPI_UNLESS_SKIPPED();
	const char *env = getenv("CXIPI_HOTPLUG_CYCLES");
	int cycles = env ? atoi(env) : 3, c, d, cpu;
	struct cxipi_books before[NR_DOMAINS], after;
	unsigned long received[NR_DOMAINS], offline_received, delivered;

	for (c = 0; c < cycles; c++) {
		for (cpu = 1; cpu < CXIPI_MAX_CPUS; cpu++) {
			if (!(self->victims & (1ULL << cpu)))
				continue;
			for (d = 0; d < NR_DOMAINS; d++) {
				ASSERT_TRUE(settled_books(d, cpu, &before[d]));
				received[d] =
					cxipi_received(domains[d], RESV, cpu);
				ASSERT_EQ(0, ring(d, cpu));
			}
			ASSERT_EQ(0, cxipi_set_online(cpu, 0));

			for (d = 0; d < NR_DOMAINS; d++) {
				offline_received =
					cxipi_received(domains[d], RESV, cpu);
				ASSERT_EQ(0, ring(d, cpu));
				ASSERT_EQ(0, ring(d, cpu));
				EXPECT_TRUE(cxipi_hwirq_pending(
					domains[d], cpu, self->hwirq[d][cpu]))
				TH_LOG("%s: no doorbell latched at offline CPU %d",
				       domains[d], cpu);
				usleep(10000);
				EXPECT_EQ(offline_received,
					  cxipi_received(domains[d], RESV, cpu))
				TH_LOG("%s: a handler ran on offline CPU %d",
				       domains[d], cpu);
			}

			ASSERT_EQ(0, cxipi_set_online(cpu, 1));
			for (d = 0; d < NR_DOMAINS; d++) {
				EXPECT_TRUE(settled_books(d, cpu, &after))
				TH_LOG("%s CPU %d: still pending or unbalanced",
				       domains[d], cpu);
				delivered =
					after.delivered - before[d].delivered;
				EXPECT_EQ(3, after.raised - before[d].raised);
				EXPECT_EQ(3, after.coalesced -
						     before[d].coalesced +
						     delivered);
				EXPECT_LE(1, delivered);
				EXPECT_EQ(before[d].taken, after.taken);
				EXPECT_EQ(before[d].dropped, after.dropped);
				EXPECT_TRUE(cxipi_wait_for(
					cxipi_received(domains[d], RESV, cpu) -
						received[d] ==
					delivered))
				TH_LOG("%s CPU %d: %lu delivered, handler ran %lu times",
				       domains[d], cpu, delivered,
				       cxipi_received(domains[d], RESV, cpu) -
					       received[d]);
				EXPECT_EQ(0, cxipi_read_long(domains[d], RESV,
							     "misplaced"));
			}
		}
	}
}

/* ---- while_sending: processes sharing a tally --------------------------- */

struct tally {
	volatile int stop;
	unsigned long rung[NR_DOMAINS][CXIPI_MAX_CPUS];
	unsigned long cycles, sends, masks, reserves, destroys, reads;
	unsigned long errors;
};

static void fail(struct tally *t, const char *what, int err)
{
	__atomic_fetch_add(&t->errors, 1, __ATOMIC_RELAXED);
	fprintf(stderr, "# %s: %s\n", what, err ? strerror(err) : "failed");
}

static int pick_cpu(unsigned int *seed, uint64_t mask)
{
	int cpu, n = rand_r(seed) % __builtin_popcountll(mask);

	for (cpu = 0;; cpu++)
		if ((mask & (1ULL << cpu)) && n-- == 0)
			return cpu;
}

static uint64_t pick_subset(unsigned int *seed, uint64_t mask)
{
	uint64_t sub = mask & (((uint64_t)rand_r(seed) << 31) | rand_r(seed));

	return sub ? sub : 1ULL << pick_cpu(seed, mask);
}

static void hotplugger(struct tally *t, uint64_t victims, unsigned int seed)
{
	int cpu, err;

	while (!t->stop) {
		cpu = pick_cpu(&seed, victims);
		err = cxipi_set_online(cpu, 0);
		if (err) {
			fail(t, "offline", err);
			continue;
		}
		usleep(rand_r(&seed) % 20000);
		err = cxipi_set_online(cpu, 1);
		if (err)
			fail(t, "online", err);
		else
			t->cycles++;
	}
}

static void sender(struct tally *t, int d, uint64_t victims, unsigned int seed)
{
	uint64_t mask;
	char list[200];
	int cpu, err;

	while (!t->stop) {
		if (rand_r(&seed) % 4) {
			cpu = pick_cpu(&seed, victims);
			err = ring(d, cpu);
			if (err) {
				fail(t, "send", err);
				continue;
			}
			t->sends++;
			t->rung[d][cpu]++;
			continue;
		}
		mask = pick_subset(&seed, victims);
		cxipi_cpulist(mask, list, sizeof(list));
		err = cxipi_write(domains[d], RESV, "send_mask", list);
		if (err) {
			fail(t, "send_mask", err);
			continue;
		}
		t->masks++;
		for (cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++)
			if (mask & (1ULL << cpu))
				t->rung[d][cpu]++;
	}
}

/* Short-lived reservations over the victims, destroyed in one or two goes. */
static void reserver(struct tally *t, uint64_t victims, const char *list,
		     unsigned int seed)
{
	uint64_t part;
	char sub[200];
	int d, err;

	while (!t->stop) {
		d = rand_r(&seed) % NR_DOMAINS;
		err = cxipi_reserve(domains[d], "hotplug_tmp", list);
		if (err) {
			fail(t, "reserve", err);
			continue;
		}
		t->reserves++;
		part = d ? pick_subset(&seed, victims) : victims;
		cxipi_cpulist(part, sub, sizeof(sub));
		err = cxipi_write(domains[d], "hotplug_tmp", "destroy", sub);
		if (!err && part != victims) {
			cxipi_cpulist(victims & ~part, sub, sizeof(sub));
			err = cxipi_write(domains[d], "hotplug_tmp", "destroy",
					  sub);
		}
		if (err)
			fail(t, "destroy", err);
		else
			t->destroys++;
	}
}

static void reader(struct tally *t, uint64_t victims, unsigned int seed)
{
	char path[128], buf[4096];
	struct cxipi_books b;
	int d, cpu;

	while (!t->stop) {
		d = rand_r(&seed) % NR_DOMAINS;
		cpu = pick_cpu(&seed, victims);
		if (cxipi_read_books(domains[d], cpu, &b))
			fail(t, "read stats", 0);
		snprintf(path, sizeof(path), CXIPI_DOMAINS "%s/cpu%d/pending",
			 domains[d], cpu);
		if (cxipi_read_path(path, buf, sizeof(buf)) ||
		    cxipi_read(domains[d], RESV, "received", buf, sizeof(buf)))
			fail(t, "read", errno);
		t->reads++;
	}
}

TEST_F_TIMEOUT(hotplug, while_sending, MAX_SECONDS + 300)
{
	CXIPI_UNLESS_SKIPPED();
	static struct cxipi_books before[NR_DOMAINS][CXIPI_MAX_CPUS], after;
	static unsigned long received[NR_DOMAINS][CXIPI_MAX_CPUS];
	unsigned long handled[CXIPI_MAX_CPUS], delivered;
	unsigned long total_delivered = 0, total_handled = 0;
	const char *env = getenv("STRESS_SECONDS");
	double seconds = env ? atof(env) : 5;
	unsigned int seed = time(NULL);
	long free_before[NR_DOMAINS];
	int resv_before[NR_DOMAINS];
	pid_t pids[5];
	int nr = 0, d, cpu, i, status;
	struct tally *t;

	ASSERT_LT(seconds, MAX_SECONDS + 1);
	for (d = 0; d < NR_DOMAINS; d++) {
		free_before[d] = cxipi_read_long(domains[d], NULL, "free");
		resv_before[d] = cxipi_count_reservations(domains[d]);
		ASSERT_LT(0, cxipi_read_list(domains[d], RESV, "received",
					     received[d], CXIPI_MAX_CPUS));
		for (cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++)
			if (self->victims & (1ULL << cpu))
				ASSERT_TRUE(
					settled_books(d, cpu, &before[d][cpu]));
	}
	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, t);
	memset(t, 0, sizeof(*t));
	printf("# victims %s for %.0f s, seed %u\n", self->list, seconds, seed);
	fflush(stdout);

	for (i = 0; i < 5; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid) {
			pids[nr++] = pid;
			continue;
		}
		seed += 7919 * i;
		switch (i) {
		case 0:
			hotplugger(t, self->victims, seed);
			break;
		case 1:
		case 2:
			sender(t, i - 1, self->victims, seed);
			break;
		case 3:
			reserver(t, self->victims, self->list, seed);
			break;
		default:
			reader(t, self->victims, seed);
		}
		_exit(0);
	}
	usleep((useconds_t)(seconds * 1e6));
	t->stop = 1;
	for (i = 0; i < nr; i++)
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));

	printf("# %lu offline/online cycles, %lu sends, %lu send_masks, %lu reserves, %lu destroys, %lu reads, %lu errors\n",
	       t->cycles, t->sends, t->masks, t->reserves, t->destroys,
	       t->reads, t->errors);
	fflush(stdout);
	EXPECT_EQ(0, t->errors);
	EXPECT_LT(0, t->cycles);
	EXPECT_LT(0, t->sends + t->masks);
	EXPECT_EQ(self->online, cxipi_online_mask());

	printf("# per domain and CPU since the start: rung; raised coalesced delivered taken dropped; handler runs\n");
	for (d = 0; d < NR_DOMAINS; d++) {
		for (cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++) {
			struct cxipi_books *b = &before[d][cpu];

			if (!(self->victims & (1ULL << cpu)))
				continue;
			EXPECT_TRUE(settled_books(d, cpu, &after))
			TH_LOG("%s CPU %d: still pending or unbalanced",
			       domains[d], cpu);
			delivered = after.delivered - b->delivered;
			total_delivered += delivered;
			/* delivered moves just before the handler runs */
			EXPECT_TRUE(cxipi_wait_for(
				cxipi_read_list(domains[d], RESV, "received",
						handled,
						CXIPI_MAX_CPUS) > cpu &&
				(d || handled[cpu] - received[d][cpu] ==
					      delivered)));
			total_handled += handled[cpu] - received[d][cpu];
			printf("# %s cpu%d: rung %lu; %lu %lu %lu %lu %lu; %lu\n",
			       domains[d], cpu, t->rung[d][cpu],
			       after.raised - b->raised,
			       after.coalesced - b->coalesced, delivered,
			       after.taken - b->taken,
			       after.dropped - b->dropped,
			       handled[cpu] - received[d][cpu]);
			EXPECT_EQ(t->rung[d][cpu], after.raised - b->raised);
			EXPECT_EQ(b->taken, after.taken);
			EXPECT_EQ(b->dropped, after.dropped);
		}
		/*
		 * cxipi-single has one virq for all its CPUs: a delivery while
		 * its handler runs on another target CPU runs it again there,
		 * and raises meanwhile merge (the documented in-progress rule).
		 */
		printf("# %s: %lu delivered, the handler ran %lu times\n",
		       domains[d], total_delivered, total_handled);
		if (d) {
			EXPECT_TRUE(total_handled <= total_delivered &&
				    (total_handled || !total_delivered));
		} else {
			EXPECT_EQ(total_delivered, total_handled);
		}
		total_delivered = total_handled = 0;
		EXPECT_EQ(0, cxipi_read_long(domains[d], RESV, "misplaced"));
		EXPECT_EQ(free_before[d],
			  cxipi_read_long(domains[d], NULL, "free"));
		EXPECT_EQ(resv_before[d], cxipi_count_reservations(domains[d]));
	}
	fflush(stdout);
	munmap(t, sizeof(*t));
}

TEST_HARNESS_MAIN
