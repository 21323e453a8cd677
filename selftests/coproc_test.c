// SPDX-License-Identifier: GPL-2.0
/*
 * The remoteproc flow through sysfs: a CPU that is possible but not online
 * for Linux is a coprocessor.  Linux reserves linux-to-remote on it and
 * remote-to-linux on CPU 0, tells it both hwirqs, sends; the coprocessor
 * finds its doorbell latched, acknowledges it and rings back, and the
 * handler runs on CPU 0.  The coprocessor is either a CPU the VM booted
 * without (-smp N,maxcpus=M) or one taken offline at run time.
 */
#include "kselftest_harness.h"
#include "cxipi_cpus.h"

#define PERCPU "cxipi-percpu"
#define SINGLE "cxipi-single"
FIXTURE(coproc)
{
	char canary[128];
	int cpu;
	int took_offline;
};

FIXTURE_VARIANT(coproc)
{
	bool hotplug;
};

FIXTURE_VARIANT_ADD(coproc, booted_offline){
	.hotplug = false,
};

FIXTURE_VARIANT_ADD(coproc, taken_offline){
	.hotplug = true,
};

FIXTURE_SETUP(coproc)
{
	int cpu;

	CXIPI_FIXTURE_SETUP(self->canary);
	self->cpu = -1;
	if (variant->hotplug) {
		/* The highest online CPU but 0 goes offline for the test. */
		for (cpu = CXIPI_MAX_CPUS - 1; cpu > 0; cpu--)
			if (cxipi_online_mask() & (1ULL << cpu))
				break;
		if (cpu == 0)
			SKIP(return, "no CPU to take offline");
		ASSERT_EQ(0, cxipi_set_online(cpu, 0));
		self->took_offline = 1;
		self->cpu = cpu;
		return;
	}
	for (cpu = 0; cpu < CXIPI_MAX_CPUS; cpu++)
		if ((cxipi_possible_mask() & ~cxipi_online_mask()) &
		    (1ULL << cpu))
			break;
	if (cpu == CXIPI_MAX_CPUS)
		SKIP(return,
			   "every possible CPU is online (boot with maxcpus)");
	self->cpu = cpu;
}

FIXTURE_TEARDOWN(coproc)
{
	CXIPI_UNLESS_SKIPPED();
	if (self->took_offline)
		EXPECT_EQ(0, cxipi_set_online(self->cpu, 1));
	CXIPI_FIXTURE_TEARDOWN(self->canary);
}

static void domain_endpoint(char *buf, size_t size, const char *domain, int cpu,
			    const char *file)
{
	snprintf(buf, size, CXIPI_DOMAINS "%s/cpu%d/%s", domain, cpu, file);
}

static void endpoint(char *buf, size_t size, int cpu, const char *file)
{
	domain_endpoint(buf, size, PERCPU, cpu, file);
}

TEST_F(coproc, round_trip)
{
	CXIPI_UNLESS_SKIPPED();
	char list[16], path[128], pending[64], value[16];
	unsigned long to_remote, from_remote;

	snprintf(list, sizeof(list), "%d", self->cpu);
	ASSERT_EQ(0, cxipi_reserve(PERCPU, "l2r", list));
	ASSERT_EQ(0, cxipi_reserve(PERCPU, "r2l", "0"));
	ASSERT_EQ(1, cxipi_read_list(PERCPU, "l2r", "hwirqs", &to_remote, 1));
	ASSERT_EQ(1, cxipi_read_list(PERCPU, "r2l", "hwirqs", &from_remote, 1));
	EXPECT_NE(to_remote, from_remote);

	/* Linux sends: the doorbell latches at the coprocessor. */
	ASSERT_EQ(0, cxipi_write(PERCPU, "l2r", "send", list));
	endpoint(path, sizeof(path), self->cpu, "pending");
	ASSERT_EQ(0, cxipi_read_path(path, pending, sizeof(pending)));
	snprintf(value, sizeof(value), "%lu", to_remote);
	EXPECT_STREQ(value, pending);
	EXPECT_EQ(0, cxipi_read_long(PERCPU, "l2r", "misplaced"));

	/* The coprocessor acknowledges it, once. */
	endpoint(path, sizeof(path), self->cpu, "ack");
	EXPECT_EQ(0, cxipi_write_path(path, value));
	EXPECT_EQ(ENOENT, cxipi_write_path(path, value));
	endpoint(path, sizeof(path), self->cpu, "pending");
	ASSERT_EQ(0, cxipi_read_path(path, pending, sizeof(pending)));
	EXPECT_STREQ("", pending);

	/* It rings back: the handler runs on CPU 0. */
	endpoint(path, sizeof(path), 0, "raise");
	snprintf(value, sizeof(value), "%lu", from_remote);
	ASSERT_EQ(0, cxipi_write_path(path, value));
	EXPECT_TRUE(cxipi_wait_for(cxipi_received(PERCPU, "r2l", 0) == 1));
	EXPECT_EQ(0, cxipi_read_long(PERCPU, "r2l", "misplaced"));

	/* CPU 0 is Linux's: its doorbells are not the endpoint's to take. */
	endpoint(path, sizeof(path), 0, "ack");
	EXPECT_EQ(EBUSY, cxipi_write_path(path, value));

	EXPECT_EQ(0, cxipi_write(PERCPU, "l2r", "destroy", list));
	EXPECT_EQ(0, cxipi_write(PERCPU, "r2l", "destroy", "0"));
}

/* A doorbell latched while a CPU was offline is delivered once it is back. */
TEST_F(coproc, latched_doorbell_delivered_when_cpu_comes_online)
{
	CXIPI_UNLESS_SKIPPED();
	char list[16];

	if (!variant->hotplug)
		SKIP(return, "needs a CPU that can come online");
	snprintf(list, sizeof(list), "%d", self->cpu);
	ASSERT_EQ(0, cxipi_reserve(PERCPU, "late", list));
	ASSERT_EQ(0, cxipi_write(PERCPU, "late", "send", list));
	usleep(100000);
	EXPECT_EQ(0, cxipi_received(PERCPU, "late", self->cpu));
	ASSERT_EQ(0, cxipi_set_online(self->cpu, 1));
	self->took_offline = 0;
	EXPECT_TRUE(
		cxipi_wait_for(cxipi_received(PERCPU, "late", self->cpu) == 1));
	EXPECT_EQ(0, cxipi_read_long(PERCPU, "late", "misplaced"));
	EXPECT_EQ(0, cxipi_write(PERCPU, "late", "destroy", list));
}

/*
 * A SINGLE reservation that drops its coprocessor keeps its virq for CPU
 * 0: the doorbell latched at the coprocessor goes with it, so that neither
 * the coprocessor's endpoint nor, once the CPU is back, a drain on it finds
 * an IPI of a reservation that no longer targets it.
 */
TEST_F(coproc, single_partial_destroy_drops_latched_doorbell)
{
	CXIPI_UNLESS_SKIPPED();
	char list[16], path[128], pending[64];

	snprintf(list, sizeof(list), "0,%d", self->cpu);
	ASSERT_EQ(0, cxipi_reserve(SINGLE, "gone", list));
	snprintf(list, sizeof(list), "%d", self->cpu);
	ASSERT_EQ(0, cxipi_write(SINGLE, "gone", "send", list));
	domain_endpoint(path, sizeof(path), SINGLE, self->cpu, "pending");
	ASSERT_EQ(0, cxipi_read_path(path, pending, sizeof(pending)));
	EXPECT_STRNE("", pending);

	ASSERT_EQ(0, cxipi_write(SINGLE, "gone", "destroy", list));
	ASSERT_EQ(0, cxipi_read_path(path, pending, sizeof(pending)));
	EXPECT_STREQ("", pending);
	if (variant->hotplug) {
		ASSERT_EQ(0, cxipi_set_online(self->cpu, 1));
		self->took_offline = 0;
		usleep(200000);
		EXPECT_EQ(0, cxipi_received(SINGLE, "gone", self->cpu));
		EXPECT_EQ(0, cxipi_read_long(SINGLE, "gone", "misplaced"));
	}
	EXPECT_EQ(0, cxipi_write(SINGLE, "gone", "destroy", "0"));
}

/*
 * Once a coprocessor has come online, its doorbells are Linux's: the
 * endpoint can neither take nor ack one, and a raise is delivered there.
 */
TEST_F(coproc, endpoint_refused_once_cpu_is_back)
{
	CXIPI_UNLESS_SKIPPED();
	char list[16], path[128], value[16];
	unsigned long hwirq;

	if (!variant->hotplug)
		SKIP(return, "needs a CPU that can come online");
	snprintf(list, sizeof(list), "%d", self->cpu);
	ASSERT_EQ(0, cxipi_reserve(PERCPU, "back", list));
	ASSERT_EQ(1, cxipi_read_list(PERCPU, "back", "hwirqs", &hwirq, 1));
	ASSERT_EQ(0, cxipi_set_online(self->cpu, 1));
	self->took_offline = 0;
	snprintf(value, sizeof(value), "%lu", hwirq);
	endpoint(path, sizeof(path), self->cpu, "ack");
	EXPECT_EQ(EBUSY, cxipi_write_path(path, value));
	ASSERT_EQ(0, cxipi_write(PERCPU, "back", "send", list));
	EXPECT_TRUE(
		cxipi_wait_for(cxipi_received(PERCPU, "back", self->cpu) == 1));
	EXPECT_EQ(EBUSY, cxipi_write_path(path, value));
	EXPECT_EQ(0, cxipi_write(PERCPU, "back", "destroy", list));
}

TEST_HARNESS_MAIN
