/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the selftests that follow CPUs and their doorbells: cpulists
 * as bit masks, CPU hotplug, and a domain's per-CPU books (cpu<N>/stats).
 * CPU masks are 64 bits wide, as CXIPI_MAX_CPUS.
 */
#ifndef CXIPI_SELFTEST_CPUS_H
#define CXIPI_SELFTEST_CPUS_H

#include <dirent.h>
#include <stdint.h>

#include "cxipi_lib.h"

#define CXIPI_CPU_SYSFS "/sys/devices/system/cpu/"

/* CPUs of a cpulist file ("0-3,5"), at most CXIPI_MAX_CPUS of them. */
static inline uint64_t cxipi_read_cpus(const char *path)
{
	char buf[256], *pos = buf, *end;
	uint64_t mask = 0;
	unsigned long lo, hi;

	if (cxipi_read_path(path, buf, sizeof(buf)))
		return 0;
	while (*pos) {
		lo = strtoul(pos, &end, 10);
		if (end == pos)
			break;
		hi = lo;
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		for (; lo <= hi && lo < CXIPI_MAX_CPUS; lo++)
			mask |= 1ULL << lo;
		pos = *end == ',' ? end + 1 : end;
	}
	return mask;
}

static inline uint64_t cxipi_online_mask(void)
{
	return cxipi_read_cpus(CXIPI_CPU_SYSFS "online");
}

static inline uint64_t cxipi_possible_mask(void)
{
	return cxipi_read_cpus(CXIPI_CPU_SYSFS "possible");
}

/* @mask as a cpulist of single CPUs ("1,2,5") in @buf. */
static inline void cxipi_cpulist(uint64_t mask, char *buf, size_t size)
{
	size_t len = 0;
	int cpu;

	buf[0] = '\0';
	for (cpu = 0; cpu < CXIPI_MAX_CPUS && len < size; cpu++)
		if (mask & (1ULL << cpu))
			len += snprintf(buf + len, size - len, "%s%d",
					len ? "," : "", cpu);
}

/* Take CPU @cpu offline or bring it online; 0 or the errno. */
static inline int cxipi_set_online(int cpu, int online)
{
	char path[128];

	snprintf(path, sizeof(path), CXIPI_CPU_SYSFS "cpu%d/online", cpu);
	return cxipi_write_path(path, online ? "1" : "0");
}

/* One CPU's books in one domain, as cpu<N>/stats reads. */
struct cxipi_books {
	unsigned long raised, coalesced, delivered, taken, dropped, pending;
};

static inline int cxipi_read_books(const char *domain, int cpu,
				   struct cxipi_books *b)
{
	char path[128], buf[256];

	snprintf(path, sizeof(path), CXIPI_DOMAINS "%s/cpu%d/stats", domain,
		 cpu);
	if (cxipi_read_path(path, buf, sizeof(buf)))
		return -1;
	return sscanf(buf, "%lu %lu %lu %lu %lu %lu", &b->raised, &b->coalesced,
		      &b->delivered, &b->taken, &b->dropped, &b->pending) == 6 ?
		       0 :
		       -1;
}

/* Whether @hwirq is listed in cpu<N>/pending of @domain (1 on error). */
static inline int cxipi_hwirq_pending(const char *domain, int cpu,
				      unsigned long hwirq)
{
	char path[128], buf[4096], *pos = buf, *end;
	unsigned long h;

	snprintf(path, sizeof(path), CXIPI_DOMAINS "%s/cpu%d/pending", domain,
		 cpu);
	if (cxipi_read_path(path, buf, sizeof(buf)))
		return 1;
	for (;; pos = end) {
		h = strtoul(pos, &end, 10);
		if (end == pos)
			return 0;
		if (h == hwirq)
			return 1;
	}
}

/* Entries of a domain's reservations/ directory, or -1. */
static inline int cxipi_count_reservations(const char *domain)
{
	char path[128];
	struct dirent *e;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), CXIPI_DOMAINS "%s/reservations", domain);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n;
}

#endif /* CXIPI_SELFTEST_CPUS_H */
