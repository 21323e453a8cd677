// SPDX-License-Identifier: GPL-2.0
/*
 * Every writable knob, fed bad input: each write fails with its documented
 * errno, changes nothing (free hwirqs, targets, counts) and prints no
 * warning.  Concurrent writers leave the books balanced.
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "cxipi_lib.h"

#define PERCPU "cxipi-percpu"
#define ENDPOINT CXIPI_DOMAINS PERCPU "/cpu0/"

struct bad_write {
	const char *knob; /* domain knob, "@" + reservation knob, or a path */
	const char *value;
	int err;
};

static const struct bad_write bad_writes[] = {
	{ "reserve", "\n", EINVAL },
	{ "reserve", "   \n", EINVAL },
	{ "reserve", "name\n", EINVAL },
	{ "reserve", "name \n", EINVAL },
	{ "reserve", " 0\n", EINVAL },
	{ "reserve", "name garbage\n", EINVAL },
	{ "reserve", "name -1\n", EINVAL },
	{ "reserve", "name 0-\n", EINVAL },
	{ "reserve", "name 3-1\n", EINVAL },
	{ "reserve", "name 99999999999999999999\n", ERANGE },
	{ "reserve", "name 0-8191\n", ERANGE },
	{ "reserve", "name 0,2\n", EINVAL },
	{ "reserve", "bad/name 0\n", EINVAL },
	{ "reserve", "bad.name 0\n", EINVAL },
	{ "reserve", "a_name_that_is_far_too_long_for_cxipi 0\n",
	  ENAMETOOLONG },
	{ "reserve", "ok 1\n", EEXIST },
	{ "@send", "\n", EINVAL },
	{ "@send", "abc\n", EINVAL },
	{ "@send", "-1\n", EINVAL },
	{ "@send", "1x\n", EINVAL },
	{ "@send", "4294967296\n", ERANGE },
	{ "@send", "99999\n", ERANGE },
	{ "@send", "0\n", EINVAL },
	{ "@send_mask", "\n", EINVAL },
	{ "@send_mask", "x\n", EINVAL },
	{ "@send_mask", "0-1\n", EINVAL },
	{ "@send_mask", "0-9999\n", ERANGE },
	{ "@destroy", "\n", EINVAL },
	{ "@destroy", "junk\n", EINVAL },
	{ "@destroy", "0\n", EINVAL },
	{ "@destroy", "1-2\n", EINVAL },
	{ ENDPOINT "ack", "x\n", EINVAL },
	{ ENDPOINT "ack", "-1\n", EINVAL },
	{ ENDPOINT "ack", "0\n", EBUSY },
	{ ENDPOINT "ack", "99999999\n", EINVAL },
	{ ENDPOINT "raise", "\n", EINVAL },
	{ ENDPOINT "raise", "99999999\n", EINVAL },
};

FIXTURE(bad)
{
	char canary[128];
};

FIXTURE_SETUP(bad)
{
	CXIPI_FIXTURE_SETUP(self->canary);
	if (cxipi_online_cpus() < 2)
		SKIP(return, "needs 2 online CPUs");
}

FIXTURE_TEARDOWN(bad)
{
	CXIPI_UNLESS_SKIPPED();
	CXIPI_FIXTURE_TEARDOWN(self->canary);
}

static int write_knob(const char *knob, const char *value)
{
	if (knob[0] == '/')
		return cxipi_write_path(knob, value);
	if (knob[0] == '@')
		return cxipi_write(PERCPU, "ok", knob + 1, value);
	return cxipi_write(PERCPU, NULL, knob, value);
}

TEST_F(bad, every_knob_rejects_bad_input_and_changes_nothing)
{
	CXIPI_UNLESS_SKIPPED();
	char targets[32];
	unsigned long before[CXIPI_MAX_CPUS], after[CXIPI_MAX_CPUS];
	long free_before;
	size_t i;
	int n;

	ASSERT_EQ(0, cxipi_reserve(PERCPU, "ok", "1"));
	free_before = cxipi_read_long(PERCPU, NULL, "free");
	n = cxipi_read_list(PERCPU, "ok", "received", before, CXIPI_MAX_CPUS);
	ASSERT_GT(n, 1);

	for (i = 0; i < sizeof(bad_writes) / sizeof(bad_writes[0]); i++) {
		const struct bad_write *w = &bad_writes[i];

		EXPECT_EQ(w->err, write_knob(w->knob, w->value))
		TH_LOG("writing \"%.*s\" to %s", (int)strcspn(w->value, "\n"),
		       w->value, w->knob);
	}

	/* Bad input is the user's, not a kernel bug: not a line in the log. */
	EXPECT_EQ(0, cxipi_dmesg_count(self->canary, "cxipi: "));
	EXPECT_EQ(free_before, cxipi_read_long(PERCPU, NULL, "free"));
	ASSERT_EQ(0, cxipi_read(PERCPU, "ok", "targets", targets,
				sizeof(targets)));
	EXPECT_STREQ("1", targets);
	ASSERT_EQ(n, cxipi_read_list(PERCPU, "ok", "received", after,
				     CXIPI_MAX_CPUS));
	EXPECT_EQ(0, memcmp(before, after, n * sizeof(before[0])));
	EXPECT_EQ(0, cxipi_write(PERCPU, "ok", "destroy", "1"));
}

/* The files of a destroyed reservation are gone: writes find nothing. */
TEST_F(bad, writes_to_a_destroyed_reservation_fail)
{
	CXIPI_UNLESS_SKIPPED();
	char path[256];
	int fd;

	ASSERT_EQ(0, cxipi_reserve(PERCPU, "gone", "1"));
	cxipi_rpath(path, sizeof(path), PERCPU, "gone", "send");
	fd = open(path, O_WRONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, cxipi_write(PERCPU, "gone", "destroy", "1"));
	/* A file opened before the destroy refuses the write. */
	EXPECT_EQ(-1, write(fd, "1\n", 2));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
	EXPECT_EQ(ENOENT, cxipi_write(PERCPU, "gone", "send", "1"));
	EXPECT_EQ(ENOENT, cxipi_write(PERCPU, "gone", "destroy", "1"));
}

/*
 * Writers racing on the same names leave nothing behind.  800 destroys,
 * each waiting for an RCU grace period, take longer than the harness's
 * default 30 s on a debug kernel under TCG.
 */
TEST_F_TIMEOUT(bad, concurrent_writers_leave_the_books_balanced, 240)
{
	CXIPI_UNLESS_SKIPPED();
	long free_before = cxipi_read_long(PERCPU, NULL, "free");
	int child, status, ok = 1;

	for (child = 0; child < 4; child++) {
		if (fork() == 0) {
			char name[8];
			int i;

			for (i = 0; i < 200; i++) {
				snprintf(name, sizeof(name), "c%d", i % 3);
				cxipi_reserve(PERCPU, name, "0-1");
				cxipi_write(PERCPU, name, "send_mask", "0-1");
				cxipi_write(PERCPU, name, "destroy", "1");
				cxipi_write(PERCPU, name, "destroy", "0");
			}
			_exit(0);
		}
	}
	while (wait(&status) > 0)
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	EXPECT_TRUE(ok);
	/* What the races left is whole reservations: destroy them. */
	for (child = 0; child < 3; child++) {
		char name[8], targets[32];

		snprintf(name, sizeof(name), "c%d", child);
		if (!cxipi_read(PERCPU, name, "targets", targets,
				sizeof(targets)))
			EXPECT_EQ(0, cxipi_write(PERCPU, name, "destroy",
						 targets));
	}
	EXPECT_EQ(free_before, cxipi_read_long(PERCPU, NULL, "free"));
}

TEST_HARNESS_MAIN
