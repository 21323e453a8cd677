// SPDX-License-Identifier: GPL-2.0
/*
 * Reservations and their destruction through sysfs, against the contract:
 * per-domain bookkeeping, holes, exact partial destroy on PER_CPU (D2) and
 * SINGLE (D3) domains, the real cause of an exhausted domain (D1), and
 * hwirqs given back for reuse, at once for a reserve that needs them.
 */
#include "kselftest_harness.h"
#include "cxipi_lib.h"

#define PERCPU "cxipi-percpu"
#define SINGLE "cxipi-single"

FIXTURE(resv)
{
	char canary[128];
	long percpu_free, single_free;
};

FIXTURE_SETUP(resv)
{
	CXIPI_FIXTURE_SETUP(self->canary);
	if (cxipi_online_cpus() < 4)
		SKIP(return, "needs 4 online CPUs, has %d",
			   cxipi_online_cpus());
	self->percpu_free = cxipi_read_long(PERCPU, NULL, "free");
	self->single_free = cxipi_read_long(SINGLE, NULL, "free");
	ASSERT_GT(self->percpu_free, 8);
	ASSERT_GT(self->single_free, 0);
}

FIXTURE_TEARDOWN(resv)
{
	CXIPI_UNLESS_SKIPPED();
	/* Whatever a test made, it gave back. */
	EXPECT_EQ(self->percpu_free, cxipi_read_long(PERCPU, NULL, "free"));
	EXPECT_EQ(self->single_free, cxipi_read_long(SINGLE, NULL, "free"));
	CXIPI_FIXTURE_TEARDOWN(self->canary);
}

static void expect_targets(struct __test_metadata *_metadata,
			   const char *domain, const char *name,
			   const char *want)
{
	char buf[64];

	ASSERT_EQ(0, cxipi_read(domain, name, "targets", buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
}

TEST_F(resv, domains_describe_themselves)
{
	CXIPI_UNLESS_SKIPPED();
	char buf[32];

	ASSERT_EQ(0, cxipi_read(PERCPU, NULL, "kind", buf, sizeof(buf)));
	EXPECT_STREQ("per_cpu", buf);
	ASSERT_EQ(0, cxipi_read(SINGLE, NULL, "kind", buf, sizeof(buf)));
	EXPECT_STREQ("single", buf);
	EXPECT_LE(self->percpu_free, cxipi_read_long(PERCPU, NULL, "capacity"));
	EXPECT_LE(self->single_free, cxipi_read_long(SINGLE, NULL, "capacity"));
}

/* PER_CPU takes a hwirq per target; SINGLE one for all. */
TEST_F(resv, reserve_takes_hwirqs_by_domain_kind)
{
	CXIPI_UNLESS_SKIPPED();
	ASSERT_EQ(0, cxipi_reserve(PERCPU, "p", "0-3"));
	EXPECT_EQ(self->percpu_free - 4, cxipi_read_long(PERCPU, NULL, "free"));
	ASSERT_EQ(0, cxipi_reserve(SINGLE, "s", "0,2-3"));
	EXPECT_EQ(self->single_free - 1, cxipi_read_long(SINGLE, NULL, "free"));
	expect_targets(_metadata, SINGLE, "s", "0,2-3");
	EXPECT_EQ(0, cxipi_write(PERCPU, "p", "destroy", "0-3"));
	EXPECT_EQ(0, cxipi_write(SINGLE, "s", "destroy", "0,2-3"));
	EXPECT_FALSE(cxipi_resv_exists(PERCPU, "p"));
	EXPECT_FALSE(cxipi_resv_exists(SINGLE, "s"));
}

/* A PER_CPU destination must not have holes; a SINGLE one may. */
TEST_F(resv, percpu_rejects_holes)
{
	CXIPI_UNLESS_SKIPPED();
	EXPECT_EQ(EINVAL, cxipi_reserve(PERCPU, "h", "0,2"));
	EXPECT_FALSE(cxipi_resv_exists(PERCPU, "h"));
}

/* D2: destroying CPUs 1 and 3 of 0-3 frees exactly those two. */
TEST_F(resv, percpu_partial_destroy_with_holes_is_exact)
{
	CXIPI_UNLESS_SKIPPED();
	unsigned long hw_before[8], hw_after[8];
	long virq;

	ASSERT_EQ(0, cxipi_reserve(PERCPU, "p", "0-3"));
	ASSERT_EQ(4, cxipi_read_list(PERCPU, "p", "hwirqs", hw_before, 8));
	virq = cxipi_read_long(PERCPU, "p", "virq");
	ASSERT_EQ(0, cxipi_write(PERCPU, "p", "destroy", "1,3"));
	expect_targets(_metadata, PERCPU, "p", "0,2");
	EXPECT_EQ(self->percpu_free - 2, cxipi_read_long(PERCPU, NULL, "free"));
	/* The survivors keep their virqs and hwirqs. */
	EXPECT_EQ(virq, cxipi_read_long(PERCPU, "p", "virq"));
	ASSERT_EQ(2, cxipi_read_list(PERCPU, "p", "hwirqs", hw_after, 8));
	EXPECT_EQ(hw_before[0], hw_after[0]);
	EXPECT_EQ(hw_before[2], hw_after[1]);
	/* They still deliver; the removed CPUs are refused. */
	ASSERT_EQ(0, cxipi_write(PERCPU, "p", "send", "2"));
	EXPECT_TRUE(cxipi_wait_for(cxipi_received(PERCPU, "p", 2) == 1));
	EXPECT_EQ(EINVAL, cxipi_write(PERCPU, "p", "send", "3"));
	EXPECT_EQ(EINVAL, cxipi_write(PERCPU, "p", "destroy", "1"));
	ASSERT_EQ(0, cxipi_write(PERCPU, "p", "destroy", "0"));
	/* With CPU 0 gone the reservation is reached through CPU 2's virq. */
	EXPECT_EQ(virq + 2, cxipi_read_long(PERCPU, "p", "virq"));
	ASSERT_EQ(0, cxipi_write(PERCPU, "p", "destroy", "2"));
	EXPECT_FALSE(cxipi_resv_exists(PERCPU, "p"));
}

/* A virq's CPUs as the kernel shows them in /proc/irq/<virq>/<file>. */
static void expect_irq_cpus(struct __test_metadata *_metadata, long virq,
			    const char *file, const char *want)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/irq/%ld/%s", virq, file);
	ASSERT_EQ(0, cxipi_read_path(path, buf, sizeof(buf)))
	TH_LOG("%s", path);
	EXPECT_STREQ(want, buf) TH_LOG("%s", path);
}

/*
 * Affinity is the targets; effective affinity is where the handler runs:
 * each PER_CPU virq's one CPU, any target of the SINGLE virq.  Both follow
 * a partial destroy.
 */
TEST_F(resv, proc_irq_affinity_is_the_targets)
{
	CXIPI_UNLESS_SKIPPED();
	char cpu[4];
	long p, s;
	int i;

	ASSERT_EQ(0, cxipi_reserve(PERCPU, "p", "0-3"));
	ASSERT_EQ(0, cxipi_reserve(SINGLE, "s", "0,2-3"));
	p = cxipi_read_long(PERCPU, "p", "virq");
	s = cxipi_read_long(SINGLE, "s", "virq");
	for (i = 0; i < 4; i++) {
		snprintf(cpu, sizeof(cpu), "%d", i);
		expect_irq_cpus(_metadata, p + i, "smp_affinity_list", "0-3");
		expect_irq_cpus(_metadata, p + i, "effective_affinity_list",
				cpu);
	}
	expect_irq_cpus(_metadata, s, "smp_affinity_list", "0,2-3");
	expect_irq_cpus(_metadata, s, "effective_affinity_list", "0,2-3");

	ASSERT_EQ(0, cxipi_write(PERCPU, "p", "destroy", "1"));
	ASSERT_EQ(0, cxipi_write(SINGLE, "s", "destroy", "0"));
	expect_irq_cpus(_metadata, p + 2, "smp_affinity_list", "0,2-3");
	expect_irq_cpus(_metadata, p + 2, "effective_affinity_list", "2");
	expect_irq_cpus(_metadata, s, "smp_affinity_list", "2-3");
	expect_irq_cpus(_metadata, s, "effective_affinity_list", "2-3");
	ASSERT_EQ(0, cxipi_write(PERCPU, "p", "destroy", "0,2-3"));
	ASSERT_EQ(0, cxipi_write(SINGLE, "s", "destroy", "2-3"));
}

/* D3: a strict subset leaves the SINGLE virq alive for the others. */
TEST_F(resv, single_partial_destroy_keeps_the_virq)
{
	CXIPI_UNLESS_SKIPPED();
	long virq;

	ASSERT_EQ(0, cxipi_reserve(SINGLE, "s", "0-3"));
	virq = cxipi_read_long(SINGLE, "s", "virq");
	ASSERT_EQ(0, cxipi_write(SINGLE, "s", "destroy", "1-2"));
	expect_targets(_metadata, SINGLE, "s", "0,3");
	EXPECT_EQ(virq, cxipi_read_long(SINGLE, "s", "virq"));
	EXPECT_EQ(self->single_free - 1, cxipi_read_long(SINGLE, NULL, "free"));
	ASSERT_EQ(0, cxipi_write(SINGLE, "s", "send", "3"));
	EXPECT_TRUE(cxipi_wait_for(cxipi_received(SINGLE, "s", 3) >= 1));
	EXPECT_EQ(EINVAL, cxipi_write(SINGLE, "s", "send", "1"));
	ASSERT_EQ(0, cxipi_write(SINGLE, "s", "destroy", "0,3"));
	EXPECT_FALSE(cxipi_resv_exists(SINGLE, "s"));
}

/* D1: an exhausted domain says -ENOSPC; its hwirqs come back for reuse. */
TEST_F(resv, exhausted_domain_is_enospc_and_recovers)
{
	CXIPI_UNLESS_SKIPPED();
	char name[16];
	int made, i, err = 0;

	for (made = 0; made <= self->single_free; made++) {
		snprintf(name, sizeof(name), "x%d", made);
		err = cxipi_reserve(SINGLE, name, "1");
		if (err)
			break;
	}
	EXPECT_EQ(ENOSPC, err);
	EXPECT_EQ(self->single_free, made);
	EXPECT_EQ(0, cxipi_read_long(SINGLE, NULL, "free"));
	/*
	 * A destroyed hwirq goes back after a grace period: it counts as
	 * free at once, and a reserve right after waits for it to go back.
	 */
	EXPECT_EQ(0, cxipi_write(SINGLE, "x0", "destroy", "1"));
	EXPECT_EQ(1, cxipi_read_long(SINGLE, NULL, "free"));
	ASSERT_EQ(0, cxipi_reserve(SINGLE, "again", "2"));
	EXPECT_EQ(0, cxipi_read_long(SINGLE, NULL, "free"));
	for (i = 1; i < made; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		EXPECT_EQ(0, cxipi_write(SINGLE, name, "destroy", "1"));
	}
	EXPECT_EQ(0, cxipi_write(SINGLE, "again", "destroy", "2"));
}

/* Destroyed reservations free their names; writes to them fail cleanly. */
TEST_F(resv, names_are_unique_and_reusable)
{
	CXIPI_UNLESS_SKIPPED();
	ASSERT_EQ(0, cxipi_reserve(PERCPU, "n", "1"));
	EXPECT_EQ(EEXIST, cxipi_reserve(PERCPU, "n", "2"));
	EXPECT_EQ(0, cxipi_reserve(SINGLE, "n", "2"));
	EXPECT_EQ(0, cxipi_write(PERCPU, "n", "destroy", "1"));
	EXPECT_EQ(ENOENT, cxipi_write(PERCPU, "n", "send", "1"));
	EXPECT_EQ(0, cxipi_reserve(PERCPU, "n", "2"));
	EXPECT_EQ(0, cxipi_write(PERCPU, "n", "destroy", "2"));
	EXPECT_EQ(0, cxipi_write(SINGLE, "n", "destroy", "2"));
}

TEST_HARNESS_MAIN
