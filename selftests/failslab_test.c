// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own fault injection, where the kernel has it (CONFIG_FAILSLAB
 * and /proc/thread-self/fail-nth, as on the debug kernel of make
 * check-debug): the Nth slab allocation of this task fails, for N = 1, 2,
 * ... until the operation makes fewer than N allocations.  Each failing
 * reserve fails its write() with ENOMEM and leaves no reservation and no
 * hwirq behind; each failing partial destroy leaves the reservation whole;
 * a failure that a fallback absorbs leaves a working reservation; the
 * reservation made in the end works: a send reaches its handler.  The
 * kernel's own /proc/irq warnings that such failures provoke are told apart
 * from problems (cxipi_dmesg_scan()).  Skips on kernels without failslab
 * (Debian's).
 */
#include "kselftest_harness.h"
#include "cxipi_cpus.h"

#define FAILSLAB "/sys/kernel/debug/failslab/"
#define FAIL_NTH "/proc/thread-self/fail-nth"
#define MAX_NTH 1000

FIXTURE(failslab)
{
	char canary[128];
	char ignore_gfp_wait[8], verbose[8];
	int nth_fd;
};

FIXTURE_SETUP(failslab)
{
	self->nth_fd = -1;
	CXIPI_FIXTURE_SETUP(self->canary);
	if (cxipi_read_path(FAILSLAB "ignore-gfp-wait", self->ignore_gfp_wait,
			    sizeof(self->ignore_gfp_wait)) ||
	    cxipi_read_path(FAILSLAB "verbose", self->verbose,
			    sizeof(self->verbose)))
		SKIP(return, "no failslab in this kernel (CONFIG_FAILSLAB)");
	self->nth_fd = open(FAIL_NTH, O_RDWR);
	if (self->nth_fd < 0)
		SKIP(return, "no " FAIL_NTH " (CONFIG_FAULT_INJECTION)");
	/* GFP_KERNEL allocations may fail too; no stack dump per failure. */
	ASSERT_EQ(0, cxipi_write_path(FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, cxipi_write_path(FAILSLAB "verbose", "0"));
}

FIXTURE_TEARDOWN(failslab)
{
	CXIPI_UNLESS_SKIPPED();
	int artefacts = 0;

	if (self->nth_fd >= 0)
		close(self->nth_fd);
	EXPECT_EQ(0, cxipi_write_path(FAILSLAB "ignore-gfp-wait",
				      self->ignore_gfp_wait));
	EXPECT_EQ(0, cxipi_write_path(FAILSLAB "verbose", self->verbose));
	EXPECT_EQ(0, cxipi_dmesg_scan(self->canary, &artefacts));
	if (artefacts)
		printf("# %d /proc/irq warnings of the kernel's own (failures injected into register_irq_proc())\n",
		       artefacts);
}

/*
 * Write @line to @path with this task's @nth slab allocation failing; 0 or
 * the errno (-1 when fail-nth itself failed), and in *@left whether the
 * failure was still armed afterwards (the write made fewer than @nth
 * allocations).  The file is opened before the failure is armed.
 */
static int write_failing_nth(int nth_fd, const char *path, const char *line,
			     int nth, int *left)
{
	char buf[16];
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%d", nth);
	if (pwrite(nth_fd, buf, strlen(buf), 0) < 0)
		err = -1;
	else if (write(fd, line, strlen(line)) < 0)
		err = errno;
	n = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	*left = atoi(buf) != 0;
	close(fd);
	if (pwrite(nth_fd, "0", 1, 0) < 0)
		return -1;
	return err;
}

TEST_F_TIMEOUT(failslab, every_allocation_of_reserve, 600)
{
	CXIPI_UNLESS_SKIPPED();
	static const char *const domains[] = { "cxipi-percpu", "cxipi-single" };
	int d, nth, err, left, absorbed, resv_before;
	long free_before;
	char path[256];

	for (d = 0; d < 2; d++) {
		cxipi_dpath(path, sizeof(path), domains[d], "reserve");
		free_before = cxipi_read_long(domains[d], NULL, "free");
		resv_before = cxipi_count_reservations(domains[d]);
		for (nth = 1, absorbed = 0; nth <= MAX_NTH; nth++) {
			err = write_failing_nth(self->nth_fd, path, "fs 0\n",
						nth, &left);
			ASSERT_LE(0, err);
			if (!err && left)
				break;
			if (!err) {
				/* A failure with a fallback (kvmalloc, ...). */
				absorbed++;
				ASSERT_EQ(0, cxipi_write(domains[d], "fs",
							 "destroy", "0"));
				continue;
			}
			EXPECT_EQ(ENOMEM, err)
			TH_LOG("%s: allocation %d failed: %s", domains[d], nth,
			       strerror(err));
			EXPECT_FALSE(cxipi_resv_exists(domains[d], "fs"));
			EXPECT_EQ(free_before,
				  cxipi_read_long(domains[d], NULL, "free"));
			EXPECT_EQ(resv_before,
				  cxipi_count_reservations(domains[d]));
		}
		ASSERT_EQ(0, err)
		TH_LOG("%s: no reserve went through", domains[d]);
		printf("# %s: %d allocations of reserve failed in turn: %d failed the write with ENOMEM, %d had a fallback\n",
		       domains[d], nth - 1, nth - 1 - absorbed, absorbed);
		ASSERT_EQ(0, cxipi_write(domains[d], "fs", "send", "0"));
		EXPECT_TRUE(cxipi_wait_for(
			cxipi_received(domains[d], "fs", 0) == 1));
		EXPECT_EQ(0, cxipi_write(domains[d], "fs", "destroy", "0"));
		EXPECT_EQ(free_before,
			  cxipi_read_long(domains[d], NULL, "free"));
	}
}

TEST_F_TIMEOUT(failslab, every_allocation_of_partial_destroy, 600)
{
	CXIPI_UNLESS_SKIPPED();
	uint64_t online = cxipi_online_mask();
	int nth, err, left, absorbed;
	char targets[64], path[256];

	if (!(online & 2))
		SKIP(return, "needs CPU 1 online");
	ASSERT_EQ(0, cxipi_reserve("cxipi-single", "fsd", "0-1"));
	cxipi_rpath(path, sizeof(path), "cxipi-single", "fsd", "destroy");
	for (nth = 1, absorbed = 0; nth <= MAX_NTH; nth++) {
		err = write_failing_nth(self->nth_fd, path, "1", nth, &left);
		ASSERT_LE(0, err);
		if (!err && left)
			break;
		if (!err) {
			absorbed++;
			ASSERT_EQ(0, cxipi_write("cxipi-single", "fsd",
						 "destroy", "0"));
			ASSERT_EQ(0,
				  cxipi_reserve("cxipi-single", "fsd", "0-1"));
			continue;
		}
		EXPECT_EQ(ENOMEM, err);
		ASSERT_EQ(0, cxipi_read("cxipi-single", "fsd", "targets",
					targets, sizeof(targets)));
		EXPECT_STREQ("0-1", targets);
	}
	ASSERT_EQ(0, err);
	printf("# %d allocations of a partial destroy failed in turn: %d failed the write with ENOMEM, %d had a fallback\n",
	       nth - 1, nth - 1 - absorbed, absorbed);
	ASSERT_EQ(0, cxipi_read("cxipi-single", "fsd", "targets", targets,
				sizeof(targets)));
	EXPECT_STREQ("0", targets);
	ASSERT_EQ(0, cxipi_write("cxipi-single", "fsd", "send", "0"));
	EXPECT_TRUE(
		cxipi_wait_for(cxipi_received("cxipi-single", "fsd", 0) == 1));
	EXPECT_EQ(0, cxipi_write("cxipi-single", "fsd", "destroy", "0"));
}

TEST_HARNESS_MAIN
