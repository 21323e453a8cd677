/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the cxipi selftests: sysfs knobs, per-CPU counts and
 * the dmesg canary.
 */
#ifndef CXIPI_SELFTEST_LIB_H
#define CXIPI_SELFTEST_LIB_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CXIPI_SYSFS "/sys/kernel/cxipi/"
#define CXIPI_MAX_CPUS 64

/* Write @value to knob @name; 0 or the errno of the failed write. */
static inline int cxipi_write(const char *name, const char *value)
{
	char path[256];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), CXIPI_SYSFS "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		err = errno;
	else if ((size_t)n != strlen(value))
		err = EIO;
	close(fd);
	return err;
}

/* Read knob @name into @buf without the trailing newline; 0 or errno. */
static inline int cxipi_read(const char *name, char *buf, size_t size)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), CXIPI_SYSFS "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return errno;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

static inline long cxipi_read_long(const char *name)
{
	char buf[64];

	if (cxipi_read(name, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 0);
}

/* Parse a space-separated list of numbers; returns how many were read. */
static inline int cxipi_read_list(const char *name, unsigned long *out,
				  int max)
{
	char buf[4096], *pos = buf, *end;
	int n = 0;

	if (cxipi_read(name, buf, sizeof(buf)))
		return -1;
	while (n < max) {
		unsigned long v = strtoul(pos, &end, 0);

		if (end == pos)
			break;
		out[n++] = v;
		pos = end;
	}
	return n;
}

static inline int cxipi_online_cpus(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

/*
 * Wait until the per-CPU receive count of @cpu reaches @want, at most
 * about two seconds: delivery is asynchronous (a cross-CPU call).
 */
static inline int cxipi_wait_received(int cpu, unsigned long want)
{
	unsigned long counts[CXIPI_MAX_CPUS];
	struct timespec pause = { 0, 1000000 };
	int i, n;

	for (i = 0; i < 2000; i++) {
		n = cxipi_read_list("received", counts, CXIPI_MAX_CPUS);
		if (n > cpu && counts[cpu] >= want)
			return 0;
		nanosleep(&pause, NULL);
	}
	return -1;
}

/* ---- dmesg canary ------------------------------------------------------ */

static inline void cxipi_dmesg_canary(const char *test, char *canary,
				      size_t size)
{
	char line[256];
	int fd = open("/dev/kmsg", O_WRONLY);
	int len;

	snprintf(canary, size, "cxipi-selftest-canary %s %ld", test,
		 (long)getpid());
	len = snprintf(line, sizeof(line), "%s\n", canary);
	if (fd < 0 || write(fd, line, len) != len)
		printf("# writing the dmesg canary failed: %s\n",
		       strerror(errno));
	if (fd >= 0)
		close(fd);
}

/*
 * Lines of the kernel log after @canary that show a kernel problem; 0 when
 * clean, -1 when the canary was not found (so the scan proves nothing).
 */
static inline int cxipi_dmesg_problems(const char *canary)
{
	static const char *const bad[] = { "WARNING:", "BUG:", "Oops",
					   "Call Trace", "general protection",
					   "stack-protector" };
	char record[2048];
	int fd, seen = 0, problems = 0;
	ssize_t n;
	size_t i;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	while ((n = read(fd, record, sizeof(record) - 1)) != 0) {
		if (n < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		record[n] = '\0';
		if (!seen) {
			seen = strstr(record, canary) != NULL;
			continue;
		}
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (strstr(record, bad[i])) {
				fprintf(stderr, "# dmesg: %s", record);
				problems++;
				break;
			}
		}
	}
	close(fd);
	return seen ? problems : -1;
}

#endif /* CXIPI_SELFTEST_LIB_H */
