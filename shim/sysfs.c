// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/cxipi/: one directory per provider domain, with its kind,
 * capacity and free hwirqs, the reserve knob, its reservations
 * (sysfs_resv.c), and one coprocessor endpoint per possible CPU:
 *   domains/<domain>/cpu<N>/pending   doorbells latched at CPU N
 *   domains/<domain>/cpu<N>/ack       acknowledge one (coprocessor only)
 *   domains/<domain>/cpu<N>/raise     ring a doorbell at CPU N
 *   domains/<domain>/cpu<N>/stats     the books of CPU N's doorbell bank
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "sysfs.h"

/* Serializes sysfs writes and the lists of sysfs reservations. */
DEFINE_MUTEX(cxipi_sysfs_lock);

static struct kobject *cxipi_root;
static struct kobject *cxipi_domains_kobj;
static struct cxipi_sysfs_domain *cxipi_sysfs_domains[ARRAY_SIZE(cxipi_domains)];

#define to_sysfs_domain(k) container_of(k, struct cxipi_sysfs_domain, kobj)

/* kobject_create_and_add(), an allocation that fail_alloc counts. */
static struct kobject *cxipi_kobject_create(const char *name,
					    struct kobject *parent)
{
	return cxipi_alloc(kobject_create_and_add(name, parent), NULL);
}

/**
 * cxipi_parse_cpulist() - a cpulist from user space
 * @buf: what user space wrote, in the kernel's list format
 * @mask: where the CPUs go
 *
 * Return: 0; -EINVAL for a malformed or empty list or a CPU that is not
 * possible; -ERANGE for a CPU at or past nr_cpu_ids, or a number too large.
 */
int cxipi_parse_cpulist(const char *buf, struct cpumask *mask)
{
	int ret = cpulist_parse(buf, mask);

	if (ret == -EOVERFLOW)
		return -ERANGE;
	if (ret)
		return ret;
	if (cpumask_empty(mask) || !cpumask_subset(mask, cpu_possible_mask))
		return -EINVAL;
	return 0;
}

/**
 * cxipi_emit_list() - append one number to a space-separated list in a
 * show() buffer
 * @buf: the page sysfs gave show()
 * @len: the list's length so far, or a negative errno
 * @value: the number
 *
 * A list that does not fit in the page, with its newline, is an error for
 * the reader, never a line cut short: once the number does not fit, the
 * result is -EFBIG, and it stays so.  cxipi_emit_end() closes the list.
 *
 * Return: the list's new length, or a negative errno.
 */
ssize_t cxipi_emit_list(char *buf, ssize_t len, unsigned long value)
{
	const char *sep = len ? " " : "";

	if (len < 0)
		return len;
	/* What sysfs_emit_at() can still write, less the newline. */
	if (snprintf(NULL, 0, "%s%lu", sep, value) >= PAGE_SIZE - 1 - len)
		return -EFBIG;
	return len + sysfs_emit_at(buf, len, "%s%lu", sep, value);
}

/**
 * cxipi_emit_end() - close a list that cxipi_emit_list() made
 * @buf: the page sysfs gave show()
 * @len: the list's length, or a negative errno
 *
 * Return: what show() returns: the length with the newline, or the errno.
 */
ssize_t cxipi_emit_end(char *buf, ssize_t len)
{
	return len < 0 ? len : len + sysfs_emit_at(buf, len, "\n");
}

static ssize_t kind_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  to_sysfs_domain(kobj)->dom->kind ==
					  CXIPI_KIND_SINGLE ?
				  "single" :
				  "per_cpu");
}

static ssize_t capacity_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", to_sysfs_domain(kobj)->dom->nr_hwirqs);
}

static ssize_t free_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct cxipi_domain *dom = to_sysfs_domain(kobj)->dom;

	return sysfs_emit(buf, "%u\n", cxipi_free_hwirqs(dom));
}

static ssize_t reserve_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	int ret = cxipi_sysfs_reserve(to_sysfs_domain(kobj), buf);

	return ret ? ret : count;
}

static struct kobj_attribute cxipi_domain_kind = __ATTR_RO(kind);
static struct kobj_attribute cxipi_domain_capacity = __ATTR_RO(capacity);
static struct kobj_attribute cxipi_domain_free = __ATTR_RO(free);
static struct kobj_attribute cxipi_domain_reserve = __ATTR_WO(reserve);

static struct attribute *cxipi_domain_attrs[] = {
	&cxipi_domain_kind.attr,
	&cxipi_domain_capacity.attr,
	&cxipi_domain_free.attr,
	&cxipi_domain_reserve.attr,
	NULL,
};
ATTRIBUTE_GROUPS(cxipi_domain);

static void cxipi_domain_dir_release(struct kobject *kobj)
{
	kfree(to_sysfs_domain(kobj));
}

static const struct kobj_type cxipi_domain_ktype = {
	.release = cxipi_domain_dir_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = cxipi_domain_groups,
};

/* ---- coprocessor endpoints: domains/<domain>/cpu<N>/ --------------------- */

/* The CPU of an endpoint directory is in its name; its parent is the domain. */
static int cxipi_endpoint(struct kobject *kobj, struct irq_domain **domain,
			  unsigned int *cpu)
{
	*domain = to_sysfs_domain(kobj->parent)->dom->domain;
	return kstrtouint(kobject_name(kobj) + 3, 10, cpu);
}

static ssize_t pending_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct cxipi_domain *dom = to_sysfs_domain(kobj->parent)->dom;
	struct irq_domain *domain;
	unsigned int cpu, hwirq;
	ssize_t len = 0;

	if (cxipi_endpoint(kobj, &domain, &cpu))
		return -EINVAL;
	for (hwirq = 0; hwirq < dom->nr_hwirqs; hwirq++)
		if (cxipi_coproc_pending(domain, cpu, hwirq))
			len = cxipi_emit_list(buf, len, hwirq);
	return cxipi_emit_end(buf, len);
}

/* Parse the hwirq written to an endpoint file and apply @op to it. */
static ssize_t
cxipi_endpoint_store(struct kobject *kobj, const char *buf, size_t count,
		     int (*op)(struct irq_domain *domain, unsigned int cpu,
			       irq_hw_number_t hwirq))
{
	struct irq_domain *domain;
	unsigned int cpu, hwirq;
	int ret;

	if (cxipi_endpoint(kobj, &domain, &cpu) || kstrtouint(buf, 0, &hwirq))
		return -EINVAL;
	ret = op(domain, cpu, hwirq);
	return ret ? ret : count;
}

static ssize_t ack_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	return cxipi_endpoint_store(kobj, buf, count, cxipi_coproc_ack);
}

static ssize_t raise_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	return cxipi_endpoint_store(kobj, buf, count, cxipi_coproc_raise);
}

/* "raised coalesced delivered taken dropped pending" of CPU N's bank. */
static ssize_t stats_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct cxipi_domain *dom = to_sysfs_domain(kobj->parent)->dom;
	struct cxipi_doorbell_stats s;
	struct irq_domain *domain;
	unsigned int cpu;

	if (cxipi_endpoint(kobj, &domain, &cpu) ||
	    cxipi_doorbells_stats(dom->bells, cpu, &s))
		return -EINVAL;
	return sysfs_emit(buf, "%lu %lu %lu %lu %lu %lu\n", s.raised,
			  s.coalesced, s.delivered, s.taken, s.dropped,
			  s.pending);
}

static struct kobj_attribute cxipi_endpoint_pending = __ATTR_RO(pending);
static struct kobj_attribute cxipi_endpoint_ack = __ATTR_WO(ack);
static struct kobj_attribute cxipi_endpoint_raise = __ATTR_WO(raise);
static struct kobj_attribute cxipi_endpoint_stats = __ATTR_RO(stats);

static struct attribute *cxipi_endpoint_attrs[] = {
	&cxipi_endpoint_pending.attr,
	&cxipi_endpoint_ack.attr,
	&cxipi_endpoint_raise.attr,
	&cxipi_endpoint_stats.attr,
	NULL,
};

static const struct attribute_group cxipi_endpoint_group = {
	.attrs = cxipi_endpoint_attrs,
};

static void cxipi_sysfs_domain_del(struct cxipi_sysfs_domain *sd)
{
	unsigned int cpu;

	if (sd->cpus)
		for_each_possible_cpu(cpu)
			kobject_put(sd->cpus[cpu]);
	kfree(sd->cpus);
	kobject_put(sd->resv_kobj);
	kobject_put(&sd->kobj);
}

static struct cxipi_sysfs_domain *
cxipi_sysfs_domain_add(struct cxipi_domain *dom)
{
	struct cxipi_sysfs_domain *sd;
	struct kobject **cpus;
	unsigned int cpu;
	char name[16];

	sd = cxipi_alloc(kzalloc(sizeof(*sd), GFP_KERNEL), NULL);
	if (!sd)
		return NULL;
	sd->dom = dom;
	INIT_LIST_HEAD(&sd->reservations);
	/* kobject_init_and_add(), with the add counted by fail_alloc. */
	kobject_init(&sd->kobj, &cxipi_domain_ktype);
	if (cxipi_alloc(kobject_add(&sd->kobj, cxipi_domains_kobj, "%s",
				    dom->name),
			-ENOMEM))
		goto err;
	sd->resv_kobj = cxipi_kobject_create("reservations", &sd->kobj);
	cpus = cxipi_alloc(kcalloc(nr_cpu_ids, sizeof(*cpus), GFP_KERNEL),
			   NULL);
	sd->cpus = cpus;
	if (!sd->resv_kobj || !sd->cpus)
		goto err;
	for_each_possible_cpu(cpu) {
		snprintf(name, sizeof(name), "cpu%u", cpu);
		sd->cpus[cpu] = cxipi_kobject_create(name, &sd->kobj);
		if (!sd->cpus[cpu] ||
		    cxipi_alloc(sysfs_create_group(sd->cpus[cpu],
						   &cxipi_endpoint_group),
				-ENOMEM))
			goto err;
	}
	return sd;
err:
	cxipi_sysfs_domain_del(sd);
	return NULL;
}

/**
 * cxipi_sysfs_init() - publish /sys/kernel/cxipi/
 *
 * Return: 0 or -errno, with nothing left behind.
 */
int cxipi_sysfs_init(void)
{
	int i;

	cxipi_sysfs_resv_init();
	cxipi_root = cxipi_kobject_create("cxipi", kernel_kobj);
	if (!cxipi_root)
		goto err;
	cxipi_domains_kobj = cxipi_kobject_create("domains", cxipi_root);
	if (!cxipi_domains_kobj)
		goto err;
	for (i = 0; i < ARRAY_SIZE(cxipi_domains); i++) {
		cxipi_sysfs_domains[i] =
			cxipi_sysfs_domain_add(cxipi_domains[i]);
		if (!cxipi_sysfs_domains[i])
			goto err;
	}
	return 0;
err:
	cxipi_sysfs_exit();
	return -ENOMEM;
}

/**
 * cxipi_sysfs_root() - /sys/kernel/cxipi/, for the other directories in it
 *
 * Return: its kobject, valid from cxipi_sysfs_init() to cxipi_sysfs_exit().
 */
struct kobject *cxipi_sysfs_root(void)
{
	return cxipi_root;
}

/**
 * cxipi_sysfs_exit() - destroy what sysfs reserved, remove the files
 */
void cxipi_sysfs_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cxipi_sysfs_domains); i++) {
		if (!cxipi_sysfs_domains[i])
			continue;
		cxipi_sysfs_release_all(cxipi_sysfs_domains[i]);
		cxipi_sysfs_domain_del(cxipi_sysfs_domains[i]);
		cxipi_sysfs_domains[i] = NULL;
	}
	kobject_put(cxipi_domains_kobj);
	kobject_put(cxipi_root);
	cxipi_domains_kobj = NULL;
	cxipi_root = NULL;
}
