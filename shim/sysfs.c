// SPDX-License-Identifier: GPL-2.0
/*
 * Shell knobs under /sys/kernel/cxipi/ for one test reservation on the
 * cxipi-percpu domain, with an in-module handler that counts, per CPU, the
 * IPIs it receives.  User input is checked here, before it reaches the IPI
 * API, so that bad input is an errno and never a warning.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kobject.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "cxipi.h"

static struct kobject *cxipi_kobj;
static struct cxipi_domain *cxipi_test_domain;

/* The test reservation; all of it is under cxipi_sysfs_lock. */
static DEFINE_MUTEX(cxipi_sysfs_lock);
static int cxipi_test_virq;
static cpumask_var_t cxipi_test_targets;

/* Per CPU: IPIs the test handler ran for, and runs on an unexpected CPU. */
static DEFINE_PER_CPU(unsigned long, cxipi_received);
static unsigned long cxipi_misplaced;

static irqreturn_t cxipi_test_handler(int irq, void *dev_id)
{
	unsigned int expected = (unsigned long)dev_id;

	if (smp_processor_id() != expected || !in_hardirq())
		WRITE_ONCE(cxipi_misplaced, READ_ONCE(cxipi_misplaced) + 1);
	this_cpu_inc(cxipi_received);
	return IRQ_HANDLED;
}

static void cxipi_test_release(void)
{
	unsigned int cpu;

	if (!cxipi_test_virq)
		return;
	for_each_cpu(cpu, cxipi_test_targets)
		free_irq(cxipi_test_virq + cpu -
				 cpumask_first(cxipi_test_targets),
			 (void *)(unsigned long)cpu);
	cxipi_irq_destroy_ipi(cxipi_test_virq, cxipi_test_targets);
	cxipi_test_virq = 0;
	cpumask_clear(cxipi_test_targets);
}

static int cxipi_test_reserve(const struct cpumask *dest)
{
	unsigned int cpu, first = cpumask_first(dest);
	int virq, ret;

	virq = cxipi_irq_reserve_ipi(cxipi_test_domain->domain, dest);
	if (virq < 0)
		return virq;

	for_each_cpu(cpu, dest) {
		ret = request_irq(virq + cpu - first, cxipi_test_handler,
				  IRQF_NO_THREAD, "cxipi-test",
				  (void *)(unsigned long)cpu);
		if (ret)
			goto err;
	}
	cxipi_test_virq = virq;
	cpumask_copy(cxipi_test_targets, dest);
	return 0;
err:
	for_each_cpu(first, dest) {
		if (first == cpu)
			break;
		free_irq(virq + first - cpumask_first(dest),
			 (void *)(unsigned long)first);
	}
	cxipi_irq_destroy_ipi(virq, dest);
	return ret;
}

/* A cpulist from user space: not empty, every CPU possible. */
static int cxipi_parse_cpulist(const char *buf, struct cpumask *mask)
{
	int ret = cpulist_parse(buf, mask);

	if (ret)
		return ret;
	if (cpumask_empty(mask))
		return -EINVAL;
	if (!cpumask_subset(mask, cpu_possible_mask))
		return -ERANGE;
	return 0;
}

/* Parse a cpulist written by user space and apply @op to it, serialized. */
static ssize_t cxipi_store_cpulist(const char *buf, size_t count,
				   int (*op)(const struct cpumask *dest))
{
	cpumask_var_t dest;
	int ret;

	if (!zalloc_cpumask_var(&dest, GFP_KERNEL))
		return -ENOMEM;
	ret = cxipi_parse_cpulist(buf, dest);
	if (!ret) {
		mutex_lock(&cxipi_sysfs_lock);
		ret = op(dest);
		mutex_unlock(&cxipi_sysfs_lock);
	}
	free_cpumask_var(dest);
	return ret ? ret : count;
}

static int cxipi_test_reserve_new(const struct cpumask *dest)
{
	return cxipi_test_virq ? -EBUSY : cxipi_test_reserve(dest);
}

static int cxipi_test_destroy(const struct cpumask *dest)
{
	if (!cxipi_test_virq)
		return -ENOENT;
	if (!cpumask_equal(dest, cxipi_test_targets))
		return -EINVAL;
	cxipi_test_release();
	return 0;
}

static ssize_t reserve_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	return cxipi_store_cpulist(buf, count, cxipi_test_reserve_new);
}

static ssize_t reserve_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	ssize_t len;

	mutex_lock(&cxipi_sysfs_lock);
	len = sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(cxipi_test_targets));
	mutex_unlock(&cxipi_sysfs_lock);
	return len;
}

static ssize_t destroy_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	return cxipi_store_cpulist(buf, count, cxipi_test_destroy);
}

static ssize_t send_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	unsigned int cpu;
	int ret;

	ret = kstrtouint(buf, 10, &cpu);
	if (ret)
		return ret;
	if (cpu >= nr_cpu_ids)
		return -ERANGE;

	mutex_lock(&cxipi_sysfs_lock);
	if (!cxipi_test_virq)
		ret = -ENOENT;
	else if (!cpumask_test_cpu(cpu, cxipi_test_targets))
		ret = -EINVAL;
	else
		ret = cxipi_ipi_send_single(cxipi_test_virq, cpu);
	mutex_unlock(&cxipi_sysfs_lock);
	return ret ? ret : count;
}

static ssize_t virq_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(cxipi_test_virq));
}

static ssize_t hwirqs_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	unsigned int cpu;
	ssize_t len = 0;

	mutex_lock(&cxipi_sysfs_lock);
	for_each_cpu(cpu, cxipi_test_targets)
		len += sysfs_emit_at(buf, len, "%s%lu", len ? " " : "",
				     cxipi_ipi_get_hwirq(cxipi_test_virq, cpu));
	mutex_unlock(&cxipi_sysfs_lock);
	return len + sysfs_emit_at(buf, len, "\n");
}

static ssize_t received_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	unsigned int cpu;
	ssize_t len = 0;

	for_each_possible_cpu(cpu)
		len += sysfs_emit_at(buf, len, "%s%lu", len ? " " : "",
				     per_cpu(cxipi_received, cpu));
	return len + sysfs_emit_at(buf, len, "\n");
}

static ssize_t misplaced_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(cxipi_misplaced));
}

static struct kobj_attribute cxipi_attr_reserve = __ATTR_RW_MODE(reserve, 0600);
static struct kobj_attribute cxipi_attr_destroy = __ATTR_WO(destroy);
static struct kobj_attribute cxipi_attr_send = __ATTR_WO(send);
static struct kobj_attribute cxipi_attr_virq = __ATTR_RO(virq);
static struct kobj_attribute cxipi_attr_hwirqs = __ATTR_RO(hwirqs);
static struct kobj_attribute cxipi_attr_received = __ATTR_RO(received);
static struct kobj_attribute cxipi_attr_misplaced = __ATTR_RO(misplaced);

static struct attribute *cxipi_attrs[] = {
	&cxipi_attr_reserve.attr,   &cxipi_attr_destroy.attr,
	&cxipi_attr_send.attr,	    &cxipi_attr_virq.attr,
	&cxipi_attr_hwirqs.attr,    &cxipi_attr_received.attr,
	&cxipi_attr_misplaced.attr, NULL,
};

static const struct attribute_group cxipi_group = {
	.attrs = cxipi_attrs,
};

/**
 * cxipi_sysfs_init() - publish /sys/kernel/cxipi/
 * @dom: the provider domain the test reservation is made on
 *
 * Return: 0 or -errno.
 */
int cxipi_sysfs_init(struct cxipi_domain *dom)
{
	int ret;

	if (!zalloc_cpumask_var(&cxipi_test_targets, GFP_KERNEL))
		return -ENOMEM;
	cxipi_test_domain = dom;

	cxipi_kobj = kobject_create_and_add("cxipi", kernel_kobj);
	if (!cxipi_kobj) {
		ret = -ENOMEM;
		goto err_mask;
	}
	ret = sysfs_create_group(cxipi_kobj, &cxipi_group);
	if (ret)
		goto err_kobj;
	return 0;

err_kobj:
	kobject_put(cxipi_kobj);
err_mask:
	free_cpumask_var(cxipi_test_targets);
	return ret;
}

/**
 * cxipi_sysfs_exit() - remove the knobs and release the test reservation
 */
void cxipi_sysfs_exit(void)
{
	/* Removing the files waits for writers already inside them. */
	kobject_put(cxipi_kobj);
	cxipi_test_release();
	free_cpumask_var(cxipi_test_targets);
}
