// SPDX-License-Identifier: GPL-2.0
/*
 * IPIs through cxipi's sysfs knobs: reserve a cpulist on the cxipi-percpu
 * domain, send to a CPU, and check that the in-module handler ran on that
 * very CPU (its counts are indexed by smp_processor_id() inside the
 * handler) in hard-irq context.  Each test checks that dmesg gained no
 * warning.
 */
#define _GNU_SOURCE
#include <sched.h>

#include "kselftest_harness.h"
#include "cxipi_lib.h"

FIXTURE(ipi)
{
	char canary[128];
	unsigned long before[CXIPI_MAX_CPUS];
	int ncounts;
	long misplaced;
	char targets[32];
};

FIXTURE_SETUP(ipi)
{
	if (access(CXIPI_SYSFS "reserve", F_OK))
		SKIP(return, "cxipi is not loaded");
	if (cxipi_online_cpus() < 4)
		SKIP(return, "needs 4 online CPUs, has %d", cxipi_online_cpus());
	cxipi_dmesg_canary(_metadata->name, self->canary, sizeof(self->canary));
	self->ncounts = cxipi_read_list("received", self->before,
					CXIPI_MAX_CPUS);
	ASSERT_GE(self->ncounts, 4);
	self->misplaced = cxipi_read_long("misplaced");
	ASSERT_GE(self->misplaced, 0);
}

FIXTURE_TEARDOWN(ipi)
{
	if (self->targets[0])
		EXPECT_EQ(0, cxipi_write("destroy", self->targets));
	EXPECT_EQ(self->misplaced, cxipi_read_long("misplaced"));
	EXPECT_EQ(0, cxipi_dmesg_problems(self->canary));
}

static void reserve(struct __test_metadata *_metadata,
		    FIXTURE_DATA(ipi) *self, const char *cpulist)
{
	ASSERT_EQ(0, cxipi_write("reserve", cpulist));
	snprintf(self->targets, sizeof(self->targets), "%s", cpulist);
}

static void expect_counts_unchanged_except(struct __test_metadata *_metadata,
					   FIXTURE_DATA(ipi) *self, int except)
{
	unsigned long now[CXIPI_MAX_CPUS];
	int cpu, n = cxipi_read_list("received", now, CXIPI_MAX_CPUS);

	ASSERT_EQ(self->ncounts, n);
	for (cpu = 0; cpu < n; cpu++)
		if (cpu != except)
			EXPECT_EQ(self->before[cpu], now[cpu])
				TH_LOG("CPU %d received an IPI meant for %d",
				       cpu, except);
}

/* An IPI to each of CPUs 1, 2, 3 runs the handler on that very CPU. */
TEST_F(ipi, handler_runs_on_each_target_cpu)
{
	int cpu;

	reserve(_metadata, self, "1-3");
	for (cpu = 1; cpu <= 3; cpu++) {
		char value[8];

		snprintf(value, sizeof(value), "%d", cpu);
		ASSERT_EQ(0, cxipi_write("send", value));
		ASSERT_EQ(0, cxipi_wait_received(cpu, self->before[cpu] + 1))
			TH_LOG("no IPI counted on CPU %d", cpu);
		expect_counts_unchanged_except(_metadata, self, cpu);
		self->before[cpu]++;
	}
}

/* A send to a CPU outside the reservation fails and changes no count. */
TEST_F(ipi, send_outside_reservation_is_einval)
{
	reserve(_metadata, self, "1-2");
	EXPECT_EQ(EINVAL, cxipi_write("send", "3"));
	EXPECT_EQ(EINVAL, cxipi_write("send", "0"));
	usleep(100000);
	expect_counts_unchanged_except(_metadata, self, -1);
}

/* A CPU sending to itself still gets the handler in hard-irq context. */
TEST_F(ipi, send_to_self_runs_in_hardirq)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(2, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	reserve(_metadata, self, "0-3");
	ASSERT_EQ(0, cxipi_write("send", "2"));
	ASSERT_EQ(0, cxipi_wait_received(2, self->before[2] + 1));
	expect_counts_unchanged_except(_metadata, self, 2);
}

/* Each target has its own hwirq, laid out like its virq. */
TEST_F(ipi, hwirqs_are_distinct_and_contiguous)
{
	unsigned long hwirq[CXIPI_MAX_CPUS];
	int i;

	reserve(_metadata, self, "1-3");
	ASSERT_EQ(3, cxipi_read_list("hwirqs", hwirq, CXIPI_MAX_CPUS));
	for (i = 1; i < 3; i++)
		EXPECT_EQ(hwirq[0] + i, hwirq[i]);
	EXPECT_GT(cxipi_read_long("virq"), 0);
}

/* Destroy gives everything back: sends fail, the same CPUs reserve again. */
TEST_F(ipi, destroy_then_reserve_again)
{
	reserve(_metadata, self, "0-3");
	EXPECT_EQ(EINVAL, cxipi_write("destroy", "1-3"));
	ASSERT_EQ(0, cxipi_write("destroy", "0-3"));
	self->targets[0] = '\0';
	EXPECT_EQ(0, cxipi_read_long("virq"));
	EXPECT_EQ(ENOENT, cxipi_write("send", "1"));
	reserve(_metadata, self, "0-3");
	ASSERT_EQ(0, cxipi_write("send", "3"));
	ASSERT_EQ(0, cxipi_wait_received(3, self->before[3] + 1));
}

/* Bad cpulists are rejected with an errno and reserve nothing. */
TEST_F(ipi, bad_reserve_input_changes_nothing)
{
	EXPECT_EQ(EINVAL, cxipi_write("reserve", "garbage"));
	EXPECT_EQ(EINVAL, cxipi_write("reserve", "\n"));
	EXPECT_EQ(EINVAL, cxipi_write("reserve", "  \n"));
	EXPECT_EQ(ERANGE, cxipi_write("reserve", "0-9999"));
	EXPECT_EQ(EINVAL, cxipi_write("reserve", "0,2"));
	EXPECT_EQ(0, cxipi_read_long("virq"));
	EXPECT_EQ(ENOENT, cxipi_write("send", "0"));
}

TEST_HARNESS_MAIN
