// SPDX-License-Identifier: GPL-2.0
/*
 * IPIs through the sysfs knobs of both provider domains: a handler runs on
 * the CPU an IPI was sent to (its counts are indexed by smp_processor_id()
 * inside the handler), in hard-irq context (the "misplaced" count stays 0),
 * for ipi_send_single and ipi_send_mask alike.
 */
#define _GNU_SOURCE
#include <sched.h>

#include "kselftest_harness.h"
#include "cxipi_lib.h"

FIXTURE(send)
{
	char canary[128];
	char targets[32];
};

FIXTURE_VARIANT(send)
{
	const char *domain;
	bool per_cpu;
};

FIXTURE_VARIANT_ADD(send, percpu){
	.domain = "cxipi-percpu",
	.per_cpu = true,
};

FIXTURE_VARIANT_ADD(send, single){
	.domain = "cxipi-single",
	.per_cpu = false,
};

FIXTURE_SETUP(send)
{
	CXIPI_FIXTURE_SETUP(self->canary);
	if (cxipi_online_cpus() < 4)
		SKIP(return, "needs 4 online CPUs, has %d",
			   cxipi_online_cpus());
}

FIXTURE_TEARDOWN(send)
{
	CXIPI_UNLESS_SKIPPED();
	if (self->targets[0])
		EXPECT_EQ(0, cxipi_write(variant->domain, "t", "destroy",
					 self->targets));
	EXPECT_FALSE(cxipi_resv_exists(variant->domain, "t"));
	CXIPI_FIXTURE_TEARDOWN(self->canary);
}

static void reserve(struct __test_metadata *_metadata,
		    FIXTURE_DATA(send) * self, const char *domain,
		    const char *cpulist)
{
	ASSERT_EQ(0, cxipi_reserve(domain, "t", cpulist));
	snprintf(self->targets, sizeof(self->targets), "%s", cpulist);
}

/* Counts of reservation "t" on every CPU. */
static int counts(const char *domain, unsigned long *out)
{
	return cxipi_read_list(domain, "t", "received", out, CXIPI_MAX_CPUS);
}

/* Only @cpu's count moved since @before, and by exactly @by. */
static void expect_moved(struct __test_metadata *_metadata, const char *domain,
			 const unsigned long *before, int n, int cpu,
			 unsigned long by)
{
	unsigned long now[CXIPI_MAX_CPUS];
	int c;

	ASSERT_EQ(n, counts(domain, now));
	for (c = 0; c < n; c++)
		EXPECT_EQ(before[c] + (c == cpu ? by : 0), now[c])
	TH_LOG("CPU %d: count %lu, was %lu (sent to %d)", c, now[c], before[c],
	       cpu);
}

/* An IPI to each of CPUs 1, 2, 3 runs the handler on that very CPU. */
TEST_F(send, single_runs_handler_on_each_target_cpu)
{
	CXIPI_UNLESS_SKIPPED();
	unsigned long before[CXIPI_MAX_CPUS];
	int cpu, n;

	reserve(_metadata, self, variant->domain, "1-3");
	for (cpu = 1; cpu <= 3; cpu++) {
		char value[8];

		n = counts(variant->domain, before);
		ASSERT_GT(n, 3);
		snprintf(value, sizeof(value), "%d", cpu);
		ASSERT_EQ(0, cxipi_write(variant->domain, "t", "send", value));
		ASSERT_TRUE(cxipi_wait_for(cxipi_received(variant->domain, "t",
							  cpu) > before[cpu]))
		TH_LOG("no IPI counted on CPU %d", cpu);
		expect_moved(_metadata, variant->domain, before, n, cpu, 1);
	}
	EXPECT_EQ(0, cxipi_read_long(variant->domain, "t", "misplaced"));
}

/* Runs on CPUs 1 and 3 of reservation "t" since @before. */
static unsigned long runs_on_1_and_3(const char *domain,
				     const unsigned long *before)
{
	return cxipi_received(domain, "t", 1) - before[1] +
	       cxipi_received(domain, "t", 3) - before[3];
}

/* ipi_send_mask reaches every CPU of the mask, and only those. */
TEST_F(send, mask_runs_handler_on_each_cpu_of_the_mask)
{
	CXIPI_UNLESS_SKIPPED();
	unsigned long before[CXIPI_MAX_CPUS], now[CXIPI_MAX_CPUS];
	int n;

	reserve(_metadata, self, variant->domain, "0-3");
	n = counts(variant->domain, before);
	ASSERT_EQ(0, cxipi_write(variant->domain, "t", "send_mask", "1,3"));
	/*
	 * Both doorbells are raised before either CPU handles its own; on a
	 * SINGLE domain the kernel's edge flow may replay the second on the
	 * CPU already handling the first: two runs, not one on each CPU.
	 */
	if (variant->per_cpu) {
		ASSERT_TRUE(cxipi_wait_for(
			cxipi_received(variant->domain, "t", 1) > before[1] &&
			cxipi_received(variant->domain, "t", 3) > before[3]));
	} else {
		ASSERT_TRUE(cxipi_wait_for(
			runs_on_1_and_3(variant->domain, before) >= 2));
	}
	usleep(50000);
	ASSERT_EQ(n, counts(variant->domain, now));
	EXPECT_EQ(before[0], now[0]);
	EXPECT_EQ(before[2], now[2]);
	if (variant->per_cpu) {
		EXPECT_EQ(before[1] + 1, now[1]);
		EXPECT_EQ(before[3] + 1, now[3]);
	} else {
		TH_LOG("runs on CPU 1: %lu, on CPU 3: %lu", now[1] - before[1],
		       now[3] - before[3]);
	}
	EXPECT_EQ(0, cxipi_read_long(variant->domain, "t", "misplaced"));
}

/* A send to a CPU outside the reservation fails and changes no count. */
TEST_F(send, send_outside_reservation_is_einval)
{
	CXIPI_UNLESS_SKIPPED();
	unsigned long before[CXIPI_MAX_CPUS];
	int n;

	reserve(_metadata, self, variant->domain, "1-2");
	n = counts(variant->domain, before);
	EXPECT_EQ(EINVAL, cxipi_write(variant->domain, "t", "send", "3"));
	EXPECT_EQ(EINVAL, cxipi_write(variant->domain, "t", "send", "0"));
	EXPECT_EQ(EINVAL,
		  cxipi_write(variant->domain, "t", "send_mask", "1-3"));
	usleep(100000);
	expect_moved(_metadata, variant->domain, before, n, -1, 0);
}

/* A CPU sending to itself still gets the handler in hard-irq context. */
TEST_F(send, send_to_self_runs_in_hardirq)
{
	CXIPI_UNLESS_SKIPPED();
	unsigned long before[CXIPI_MAX_CPUS];
	cpu_set_t one;
	int n;

	CPU_ZERO(&one);
	CPU_SET(2, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	reserve(_metadata, self, variant->domain, "0-3");
	n = counts(variant->domain, before);
	ASSERT_EQ(0, cxipi_write(variant->domain, "t", "send", "2"));
	ASSERT_TRUE(cxipi_wait_for(cxipi_received(variant->domain, "t", 2) >
				   before[2]));
	expect_moved(_metadata, variant->domain, before, n, 2, 1);
	EXPECT_EQ(0, cxipi_read_long(variant->domain, "t", "misplaced"));
}

/* PER_CPU: one hwirq per target, laid out like the virqs; SINGLE: one. */
TEST_F(send, hwirqs_follow_the_domain_kind)
{
	CXIPI_UNLESS_SKIPPED();
	unsigned long hwirq[CXIPI_MAX_CPUS];
	int i;

	reserve(_metadata, self, variant->domain, "1-3");
	ASSERT_EQ(3, cxipi_read_list(variant->domain, "t", "hwirqs", hwirq,
				     CXIPI_MAX_CPUS));
	for (i = 1; i < 3; i++)
		EXPECT_EQ(hwirq[0] + (variant->per_cpu ? i : 0), hwirq[i]);
	EXPECT_GT(cxipi_read_long(variant->domain, "t", "virq"), 0);
}

TEST_HARNESS_MAIN
