/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the sysfs files of the shim. */
#ifndef CXIPI_SYSFS_H
#define CXIPI_SYSFS_H

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>

#include "cxipi_shim.h"

/**
 * struct cxipi_sysfs_domain - /sys/kernel/cxipi/domains/<name>/
 * @kobj: the directory
 * @resv_kobj: its reservations/ directory
 * @cpus: one cpu<N>/ endpoint directory per possible CPU
 * @dom: the provider domain
 * @reservations: the reservations made through sysfs, under cxipi_sysfs_lock
 */
struct cxipi_sysfs_domain {
	struct kobject kobj;
	struct kobject *resv_kobj;
	struct kobject **cpus;
	struct cxipi_domain *dom;
	struct list_head reservations;
};

/* Serializes every sysfs write and the lists of reservations. */
extern struct mutex cxipi_sysfs_lock;

int cxipi_parse_cpulist(const char *buf, struct cpumask *mask);
ssize_t cxipi_emit_list(char *buf, ssize_t len, unsigned long value);
ssize_t cxipi_emit_end(char *buf, ssize_t len);
int cxipi_sysfs_reserve(struct cxipi_sysfs_domain *sd, const char *buf);
void cxipi_sysfs_release_all(struct cxipi_sysfs_domain *sd);
void cxipi_sysfs_resv_init(void);

#endif /* CXIPI_SYSFS_H */
