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
#define CXIPI_DOMAINS CXIPI_SYSFS "domains/"
#define CXIPI_MAX_CPUS 64

/* Write @value to the file at @path; 0 or the errno of the failed write. */
static inline int cxipi_write_path(const char *path, const char *value)
{
	ssize_t n;
	int fd, err = 0;

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

/* Read the file at @path into @buf without the trailing newline. */
static inline int cxipi_read_path(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

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

/* Paths: domains/<domain>/<file> and domains/<domain>/reservations/<r>/<file>
 */
static inline const char *cxipi_dpath(char *buf, size_t size,
				      const char *domain, const char *file)
{
	snprintf(buf, size, CXIPI_DOMAINS "%s/%s", domain, file);
	return buf;
}

static inline const char *cxipi_rpath(char *buf, size_t size,
				      const char *domain, const char *resv,
				      const char *file)
{
	snprintf(buf, size, CXIPI_DOMAINS "%s/reservations/%s/%s", domain, resv,
		 file);
	return buf;
}

static inline int cxipi_write(const char *domain, const char *resv,
			      const char *file, const char *value)
{
	char path[256];

	if (resv)
		return cxipi_write_path(cxipi_rpath(path, sizeof(path), domain,
						    resv, file),
					value);
	return cxipi_write_path(cxipi_dpath(path, sizeof(path), domain, file),
				value);
}

static inline int cxipi_read(const char *domain, const char *resv,
			     const char *file, char *buf, size_t size)
{
	char path[256];

	if (resv)
		return cxipi_read_path(cxipi_rpath(path, sizeof(path), domain,
						   resv, file),
				       buf, size);
	return cxipi_read_path(cxipi_dpath(path, sizeof(path), domain, file),
			       buf, size);
}

static inline long cxipi_read_long(const char *domain, const char *resv,
				   const char *file)
{
	char buf[64];

	if (cxipi_read(domain, resv, file, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 0);
}

/* Parse a space-separated list of numbers; returns how many, or -1. */
static inline int cxipi_read_list(const char *domain, const char *resv,
				  const char *file, unsigned long *out, int max)
{
	char buf[4096], *pos = buf, *end;
	int n = 0;

	if (cxipi_read(domain, resv, file, buf, sizeof(buf)))
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

static inline int cxipi_reserve(const char *domain, const char *name,
				const char *cpulist)
{
	char line[256];

	snprintf(line, sizeof(line), "%s %s\n", name, cpulist);
	return cxipi_write(domain, NULL, "reserve", line);
}

/* Whether reservation @name of @domain has a directory. */
static inline int cxipi_resv_exists(const char *domain, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), CXIPI_DOMAINS "%s/reservations/%s", domain,
		 name);
	return access(path, F_OK) == 0;
}

/* Wait, at most about two seconds, until @cond holds. */
#define cxipi_wait_for(cond)                                                   \
	({                                                                     \
		struct timespec __pause = { 0, 1000000 };                      \
		int __i, __ok = 0;                                             \
		for (__i = 0; __i < 2000 && !(__ok = (cond)); __i++)           \
			nanosleep(&__pause, NULL);                             \
		__ok;                                                          \
	})

/* The handler count of @resv on @cpu. */
static inline unsigned long cxipi_received(const char *domain, const char *resv,
					   int cpu)
{
	unsigned long counts[CXIPI_MAX_CPUS];
	int n = cxipi_read_list(domain, resv, "received", counts,
				CXIPI_MAX_CPUS);

	return n > cpu ? counts[cpu] : ~0UL;
}

static inline int cxipi_online_cpus(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
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
 * The one kernel warning that is not a problem where fault injection runs:
 * 6.1's register_irq_proc() creates /proc/irq/<n>/ entries without
 * checking, so when an injected failure lands there, unregister_irq_proc()
 * later warns in remove_proc_entry() about the entry that was never made.
 */
static inline int cxipi_proc_irq_artefact_start(const char *record)
{
	return strstr(record, "WARNING:") &&
	       strstr(record, "fs/proc/generic.c") &&
	       strstr(record, "remove_proc_entry");
}

/*
 * Call @fn(record, ctx) for each record of the kernel log after the one
 * holding @canary.  Returns 0, or -1 when the canary was not found (so
 * whatever @fn concluded proves nothing).
 */
static inline int cxipi_dmesg_after(const char *canary,
				    void (*fn)(const char *record, void *ctx),
				    void *ctx)
{
	char record[2048];
	int fd, seen = 0;
	ssize_t n;

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
		if (seen)
			fn(record, ctx);
		else
			seen = strstr(record, canary) != NULL;
	}
	close(fd);
	return seen ? 0 : -1;
}

struct cxipi_dmesg_problems {
	int problems, in_artefact, via_irq_proc;
	int *artefacts;
};

static inline void cxipi_dmesg_problem(const char *record, void *ctx)
{
	static const char *const bad[] = {
		"WARNING:",	      "BUG:",		"Oops", "Call Trace",
		"general protection", "stack-protector"
	};
	struct cxipi_dmesg_problems *p = ctx;
	size_t i;

	if (p->artefacts && !p->in_artefact &&
	    cxipi_proc_irq_artefact_start(record)) {
		p->in_artefact = 1;
		p->via_irq_proc = 0;
		return;
	}
	if (p->in_artefact) {
		p->via_irq_proc |= !!strstr(record, "unregister_irq_proc");
		if (!strstr(record, "---[ end trace"))
			return;
		p->in_artefact = 0;
		if (p->via_irq_proc) {
			(*p->artefacts)++;
			return;
		}
		fprintf(stderr,
			"# dmesg: remove_proc_entry warning not from unregister_irq_proc\n");
		p->problems++;
		return;
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (strstr(record, bad[i])) {
			fprintf(stderr, "# dmesg: %s", record);
			p->problems++;
			return;
		}
	}
}

/*
 * Lines of the kernel log after @canary that show a kernel problem; 0 when
 * clean, -1 when the canary was not found (so the scan proves nothing).
 * With @artefacts, the /proc/irq warnings above whose trace runs through
 * unregister_irq_proc() are counted there instead.
 */
static inline int cxipi_dmesg_scan(const char *canary, int *artefacts)
{
	struct cxipi_dmesg_problems p = { .artefacts = artefacts };

	if (cxipi_dmesg_after(canary, cxipi_dmesg_problem, &p))
		return -1;
	return p.problems + p.in_artefact;
}

struct cxipi_dmesg_needle {
	const char *needle;
	int found;
};

static inline void cxipi_dmesg_match(const char *record, void *ctx)
{
	struct cxipi_dmesg_needle *n = ctx;

	if (strstr(record, n->needle)) {
		fprintf(stderr, "# dmesg: %s", record);
		n->found++;
	}
}

/* Records after @canary that contain @needle, or -1 without the canary. */
static inline int cxipi_dmesg_count(const char *canary, const char *needle)
{
	struct cxipi_dmesg_needle n = { .needle = needle };

	if (cxipi_dmesg_after(canary, cxipi_dmesg_match, &n))
		return -1;
	return n.found;
}

static inline int cxipi_dmesg_problems(const char *canary)
{
	return cxipi_dmesg_scan(canary, NULL);
}

/*
 * Every test starts with a canary line in the kernel log and ends checking
 * that nothing after it is a warning; both need the harness's metadata.
 */
#define CXIPI_FIXTURE_SETUP(canary)                                            \
	do {                                                                   \
		if (access(CXIPI_DOMAINS "cxipi-percpu", F_OK))                \
			SKIP(return, "cxipi is not loaded");                   \
		cxipi_dmesg_canary(_metadata->name, canary, sizeof(canary));   \
	} while (0)

/*
 * The 6.1 harness runs a test body even when its setup skipped: every test
 * starts with this.
 */
#define CXIPI_UNLESS_SKIPPED()                                                 \
	do {                                                                   \
		if (_metadata->skip)                                           \
			return;                                                \
	} while (0)

#define CXIPI_FIXTURE_TEARDOWN(canary)                                         \
	EXPECT_EQ(0, cxipi_dmesg_problems(canary))

#endif /* CXIPI_SELFTEST_LIB_H */
