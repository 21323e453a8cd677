// SPDX-License-Identifier: GPL-2.0
/*
 * Reservations made from the shell:
 * /sys/kernel/cxipi/domains/<domain>/reservations/<name>/.  Each one has an
 * in-module handler on each of its virqs that counts, per CPU, the IPIs it
 * ran for, and notes any run on a CPU that is not its target or outside
 * hard-irq context.  Input is checked here, before it reaches the IPI API,
 * so that bad input is an errno and never a warning.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "sysfs.h"

#define CXIPI_NAME_MAX 32

/**
 * struct cxipi_sysfs_resv - one reservation made through sysfs
 * @kobj: its directory
 * @node: entry in its domain's list
 * @sd: its domain's directory
 * @name: its name
 * @base: the first virq irq_reserve_ipi() returned
 * @offset: the first CPU of the targets at reservation
 * @targets: the CPUs that are still targets; empty once destroyed
 * @reserved: the targets at reservation
 * @received: per CPU, handler runs
 * @misplaced: handler runs on a CPU that is not the virq's target, or
 *	       outside hard-irq context
 */
struct cxipi_sysfs_resv {
	struct kobject kobj;
	struct list_head node;
	struct cxipi_sysfs_domain *sd;
	char name[CXIPI_NAME_MAX];
	unsigned int base;
	unsigned int offset;
	cpumask_var_t targets;
	cpumask_var_t reserved;
	unsigned long __percpu *received;
	atomic_long_t misplaced;
};

/* Set at module exit: no new reservations from then on. */
static bool cxipi_sysfs_closing;

#define to_sysfs_resv(k) container_of(k, struct cxipi_sysfs_resv, kobj)

static bool cxipi_per_cpu(const struct cxipi_sysfs_resv *sr)
{
	return sr->sd->dom->kind == CXIPI_KIND_PER_CPU;
}

/* The virq that carries IPIs to @cpu in @sr's layout. */
static unsigned int cxipi_virq_for(const struct cxipi_sysfs_resv *sr,
				   unsigned int cpu)
{
	return cxipi_per_cpu(sr) ? sr->base + cpu - sr->offset : sr->base;
}

/*
 * A single reservation keeps its handler when a destroy removes some of
 * its CPUs, and a doorbell rung at one of them before the destroy may still
 * be delivered there after it (cxipi_irq_destroy_ipi()): right is any CPU
 * it was reserved for.  A per_cpu virq belongs to one CPU for its life.
 */
static irqreturn_t cxipi_count_handler(int irq, void *dev_id)
{
	struct cxipi_sysfs_resv *sr = dev_id;
	unsigned int cpu = smp_processor_id();
	bool right_cpu = cxipi_per_cpu(sr) ?
				 irq == cxipi_virq_for(sr, cpu) :
				 cpumask_test_cpu(cpu, sr->reserved);

	if (!right_cpu || !in_hardirq())
		atomic_long_inc(&sr->misplaced);
	this_cpu_inc(*sr->received);
	return IRQ_HANDLED;
}

static void cxipi_free_handlers(struct cxipi_sysfs_resv *sr,
				const struct cpumask *cpus)
{
	unsigned int cpu;

	if (!cxipi_per_cpu(sr)) {
		free_irq(sr->base, sr);
		return;
	}
	for_each_cpu(cpu, cpus)
		free_irq(cxipi_virq_for(sr, cpu), sr);
}

/* request_irq() allocates its irqaction: fail_alloc counts it. */
static int cxipi_request_handler(struct cxipi_sysfs_resv *sr, unsigned int virq)
{
	return cxipi_alloc(request_irq(virq, cxipi_count_handler,
				       IRQF_NO_THREAD, sr->name, sr),
			   -ENOMEM);
}

static int cxipi_request_handlers(struct cxipi_sysfs_resv *sr)
{
	unsigned int cpu, done;
	int ret;

	if (!cxipi_per_cpu(sr))
		return cxipi_request_handler(sr, sr->base);
	for_each_cpu(cpu, sr->targets) {
		ret = cxipi_request_handler(sr, cxipi_virq_for(sr, cpu));
		if (ret)
			goto err;
	}
	return 0;
err:
	for_each_cpu(done, sr->targets) {
		if (done == cpu)
			break;
		free_irq(cxipi_virq_for(sr, done), sr);
	}
	return ret;
}

static void cxipi_resv_release(struct kobject *kobj)
{
	struct cxipi_sysfs_resv *sr = to_sysfs_resv(kobj);

	free_percpu(sr->received);
	free_cpumask_var(sr->targets);
	free_cpumask_var(sr->reserved);
	kfree(sr);
}

/*
 * Take a destroyed reservation's directory away, then forget its name:
 * until the directory is gone the name stays taken, so that a new
 * reservation cannot collide with it.  Never with cxipi_sysfs_lock held.
 */
static void cxipi_resv_dir_del(struct cxipi_sysfs_resv *sr)
{
	kobject_del(&sr->kobj);
	mutex_lock(&cxipi_sysfs_lock);
	list_del(&sr->node);
	mutex_unlock(&cxipi_sysfs_lock);
	kobject_put(&sr->kobj);
}

/*
 * Remove @dest from @sr's targets: free their handlers, then destroy them
 * in the IPI layer.  Returns 1 when no target remains: the caller takes the
 * directory away with cxipi_resv_dir_del() after dropping cxipi_sysfs_lock
 * (a writer blocked on the lock in another of its files would hold up the
 * removal).  Under cxipi_sysfs_lock.
 */
static int cxipi_resv_remove(struct cxipi_sysfs_resv *sr,
			     const struct cpumask *dest)
{
	unsigned int live_virq;
	bool last;
	int ret;

	if (cpumask_empty(sr->targets))
		return -ENODEV;
	if (cpumask_empty(dest) || !cpumask_subset(dest, sr->targets))
		return -EINVAL;

	last = cpumask_equal(dest, sr->targets);
	live_virq = cxipi_virq_for(sr, cpumask_first(sr->targets));
	if (cxipi_per_cpu(sr) || last)
		cxipi_free_handlers(sr, dest);
	ret = cxipi_irq_destroy_ipi(live_virq, dest);
	if (WARN_ON_ONCE(ret))
		return ret;
	cpumask_andnot(sr->targets, sr->targets, dest);
	return last;
}

static ssize_t virq_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct cxipi_sysfs_resv *sr = to_sysfs_resv(kobj);
	unsigned int virq = 0;

	mutex_lock(&cxipi_sysfs_lock);
	if (!cpumask_empty(sr->targets))
		virq = cxipi_virq_for(sr, cpumask_first(sr->targets));
	mutex_unlock(&cxipi_sysfs_lock);
	return sysfs_emit(buf, "%u\n", virq);
}

static ssize_t targets_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct cxipi_sysfs_resv *sr = to_sysfs_resv(kobj);
	ssize_t len;

	mutex_lock(&cxipi_sysfs_lock);
	len = sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(sr->targets));
	mutex_unlock(&cxipi_sysfs_lock);
	return len;
}

static ssize_t hwirqs_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct cxipi_sysfs_resv *sr = to_sysfs_resv(kobj);
	irq_hw_number_t hwirq;
	unsigned int cpu;
	ssize_t len = 0;

	mutex_lock(&cxipi_sysfs_lock);
	for_each_cpu(cpu, sr->targets) {
		hwirq = cxipi_ipi_get_hwirq(cxipi_virq_for(sr, cpu), cpu);
		len = cxipi_emit_list(buf, len, hwirq);
	}
	mutex_unlock(&cxipi_sysfs_lock);
	return cxipi_emit_end(buf, len);
}

static ssize_t received_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct cxipi_sysfs_resv *sr = to_sysfs_resv(kobj);
	unsigned long count;
	unsigned int cpu;
	ssize_t len = 0;

	for_each_possible_cpu(cpu) {
		count = READ_ONCE(*per_cpu_ptr(sr->received, cpu));
		len = cxipi_emit_list(buf, len, count);
	}
	return cxipi_emit_end(buf, len);
}

static ssize_t misplaced_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%ld\n",
			  atomic_long_read(&to_sysfs_resv(kobj)->misplaced));
}

static ssize_t send_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct cxipi_sysfs_resv *sr = to_sysfs_resv(kobj);
	unsigned int cpu;
	int ret;

	ret = kstrtouint(buf, 10, &cpu);
	if (ret)
		return ret;
	if (cpu >= nr_cpu_ids)
		return -ERANGE;

	mutex_lock(&cxipi_sysfs_lock);
	if (cpumask_empty(sr->targets))
		ret = -ENODEV;
	else if (!cpumask_test_cpu(cpu, sr->targets))
		ret = -EINVAL;
	else
		ret = cxipi_ipi_send_single(cxipi_virq_for(sr, cpu), cpu);
	mutex_unlock(&cxipi_sysfs_lock);
	return ret ? ret : count;
}

/* Parse a cpulist and apply @op to @sr with it, serialized; @op's result. */
static int cxipi_resv_apply_cpulist(struct cxipi_sysfs_resv *sr,
				    const char *buf,
				    int (*op)(struct cxipi_sysfs_resv *sr,
					      const struct cpumask *mask))
{
	cpumask_var_t mask;
	int ret;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	ret = cxipi_parse_cpulist(buf, mask);
	if (!ret) {
		mutex_lock(&cxipi_sysfs_lock);
		ret = op(sr, mask);
		mutex_unlock(&cxipi_sysfs_lock);
	}
	free_cpumask_var(mask);
	return ret;
}

static int cxipi_resv_send_mask(struct cxipi_sysfs_resv *sr,
				const struct cpumask *mask)
{
	if (cpumask_empty(sr->targets))
		return -ENODEV;
	if (!cpumask_subset(mask, sr->targets))
		return -EINVAL;
	return cxipi_ipi_send_mask(cxipi_virq_for(sr, cpumask_first(mask)),
				   mask);
}

static ssize_t send_mask_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count)
{
	int ret = cxipi_resv_apply_cpulist(to_sysfs_resv(kobj), buf,
					   cxipi_resv_send_mask);

	return ret ? ret : count;
}

static ssize_t destroy_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	int ret = cxipi_resv_apply_cpulist(to_sysfs_resv(kobj), buf,
					   cxipi_resv_remove);

	if (ret < 0)
		return ret;
	if (!ret)
		return count;
	/* The last target went: this file removes itself, then the rest. */
	if (sysfs_remove_file_self(kobj, &attr->attr))
		cxipi_resv_dir_del(to_sysfs_resv(kobj));
	return count;
}

static struct kobj_attribute cxipi_attr_virq = __ATTR_RO(virq);
static struct kobj_attribute cxipi_attr_targets = __ATTR_RO(targets);
static struct kobj_attribute cxipi_attr_hwirqs = __ATTR_RO(hwirqs);
static struct kobj_attribute cxipi_attr_received = __ATTR_RO(received);
static struct kobj_attribute cxipi_attr_misplaced = __ATTR_RO(misplaced);
static struct kobj_attribute cxipi_attr_send = __ATTR_WO(send);
static struct kobj_attribute cxipi_attr_send_mask = __ATTR_WO(send_mask);
static struct kobj_attribute cxipi_attr_destroy = __ATTR_WO(destroy);

static struct attribute *cxipi_resv_attrs[] = {
	&cxipi_attr_virq.attr,
	&cxipi_attr_targets.attr,
	&cxipi_attr_hwirqs.attr,
	&cxipi_attr_received.attr,
	&cxipi_attr_misplaced.attr,
	&cxipi_attr_send.attr,
	&cxipi_attr_send_mask.attr,
	&cxipi_attr_destroy.attr,
	NULL,
};
ATTRIBUTE_GROUPS(cxipi_resv);

static const struct kobj_type cxipi_resv_ktype = {
	.release = cxipi_resv_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = cxipi_resv_groups,
};

/* A name is 1 to 31 letters, digits, '-' or '_'. */
static int cxipi_check_name(const char *name, size_t len)
{
	size_t i;

	if (len == 0)
		return -EINVAL;
	if (len >= CXIPI_NAME_MAX)
		return -ENAMETOOLONG;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && name[i] != '-' && name[i] != '_')
			return -EINVAL;
	return 0;
}

static struct cxipi_sysfs_resv *cxipi_find(struct cxipi_sysfs_domain *sd,
					   const char *name)
{
	struct cxipi_sysfs_resv *sr;

	list_for_each_entry(sr, &sd->reservations, node)
		if (!strcmp(sr->name, name))
			return sr;
	return NULL;
}

/* zalloc_cpumask_var(), counted by fail_alloc. */
static bool cxipi_alloc_cpumask(cpumask_var_t *mask)
{
	return cxipi_alloc(zalloc_cpumask_var(mask, GFP_KERNEL), false);
}

static struct cxipi_sysfs_resv *cxipi_sysfs_resv_alloc(const char *name,
						       size_t len)
{
	struct cxipi_sysfs_resv *sr;

	sr = cxipi_alloc(kzalloc(sizeof(*sr), GFP_KERNEL), NULL);
	if (!sr)
		return NULL;
	sr->received = cxipi_alloc(alloc_percpu(unsigned long), NULL);
	if (!sr->received || !cxipi_alloc_cpumask(&sr->targets) ||
	    !cxipi_alloc_cpumask(&sr->reserved)) {
		free_percpu(sr->received);
		free_cpumask_var(sr->targets);
		kfree(sr);
		return NULL;
	}
	memcpy(sr->name, name, len);
	return sr;
}

/* Reserve @dest on @sd's domain as @sr, with handlers and a directory. */
static int cxipi_sysfs_resv_add(struct cxipi_sysfs_domain *sd,
				struct cxipi_sysfs_resv *sr,
				const struct cpumask *dest)
{
	int virq, ret;

	virq = cxipi_reserve_ipi(sd->dom->domain, dest);
	if (virq < 0)
		return virq;
	sr->sd = sd;
	sr->base = virq;
	sr->offset = cpumask_first(dest);
	cpumask_copy(sr->targets, dest);
	cpumask_copy(sr->reserved, dest);

	ret = cxipi_request_handlers(sr);
	if (ret)
		goto err_ipi;
	/* kobject_init_and_add(), with the add counted by fail_alloc. */
	kobject_init(&sr->kobj, &cxipi_resv_ktype);
	ret = cxipi_alloc(kobject_add(&sr->kobj, sd->resv_kobj, "%s", sr->name),
			  -ENOMEM);
	if (ret)
		goto err_handlers;
	list_add_tail(&sr->node, &sd->reservations);
	return 0;

err_handlers:
	cxipi_free_handlers(sr, dest);
err_ipi:
	cxipi_irq_destroy_ipi(virq, dest);
	return ret;
}

/**
 * cxipi_sysfs_reserve() - handle "<name> <cpulist>" written to reserve
 * @sd: the domain's directory
 * @buf: what user space wrote
 *
 * Return: 0; -EINVAL for a malformed line, name or cpulist or a CPU that is
 * not possible; -ERANGE for a CPU past nr_cpu_ids; -ENAMETOOLONG; -EEXIST
 * for a name in use; -ENOMEM; otherwise what the IPI layer returned
 * (-ENOSPC...).
 */
int cxipi_sysfs_reserve(struct cxipi_sysfs_domain *sd, const char *buf)
{
	const char *space = strchr(buf, ' ');
	struct cxipi_sysfs_resv *sr;
	cpumask_var_t dest;
	size_t len;
	int ret;

	if (!space)
		return -EINVAL;
	len = space - buf;
	ret = cxipi_check_name(buf, len);
	if (ret)
		return ret;
	cxipi_alloc_count_start();
	if (!cxipi_alloc_cpumask(&dest))
		return -ENOMEM;
	ret = cxipi_parse_cpulist(space + 1, dest);
	if (ret)
		goto out_mask;

	sr = cxipi_sysfs_resv_alloc(buf, len);
	if (!sr) {
		ret = -ENOMEM;
		goto out_mask;
	}
	mutex_lock(&cxipi_sysfs_lock);
	if (cxipi_sysfs_closing)
		ret = -ENODEV;
	else if (cxipi_find(sd, sr->name))
		ret = -EEXIST;
	else
		ret = cxipi_sysfs_resv_add(sd, sr, dest);
	mutex_unlock(&cxipi_sysfs_lock);
	/* Once its kobject exists, only its release may free it. */
	if (ret && sr->kobj.state_initialized)
		kobject_put(&sr->kobj);
	else if (ret)
		cxipi_resv_release(&sr->kobj);
out_mask:
	free_cpumask_var(dest);
	return ret;
}

/**
 * cxipi_sysfs_release_all() - destroy every sysfs reservation of a domain
 * @sd: the domain's directory
 *
 * Context: module exit, with the domain's files already gone.
 */
void cxipi_sysfs_release_all(struct cxipi_sysfs_domain *sd)
{
	struct cxipi_sysfs_resv *sr, *live;

	mutex_lock(&cxipi_sysfs_lock);
	cxipi_sysfs_closing = true;
	while (!list_empty(&sd->reservations)) {
		live = NULL;
		list_for_each_entry(sr, &sd->reservations, node)
			if (!cpumask_empty(sr->targets))
				live = sr;
		if (live)
			cxipi_resv_remove(live, live->targets);
		mutex_unlock(&cxipi_sysfs_lock);
		/* A destroy writer may be taking the others away: wait. */
		if (live)
			cxipi_resv_dir_del(live);
		else
			usleep_range(1000, 2000);
		mutex_lock(&cxipi_sysfs_lock);
	}
	mutex_unlock(&cxipi_sysfs_lock);
}

/**
 * cxipi_sysfs_resv_init() - allow reservations from sysfs
 */
void cxipi_sysfs_resv_init(void)
{
	cxipi_sysfs_closing = false;
}
