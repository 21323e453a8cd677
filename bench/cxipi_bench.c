// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_bench: measures, inside the VM, what an IPI through cxipi costs
 * against the kernel's own cross-CPU calls that it rides, on the same CPUs
 * in the same run.  Results go to the kernel log as "cxipi_bench: " lines of
 * key=value pairs, which bench/report.py turns into a table and JSON.
 *
 * A benchmark never fails: the module loads, measures and stays loaded
 * until it is removed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "../include/cxipi.h"

static unsigned int rounds = 10000;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "Round trips per method (default 10000)");

static unsigned int sender;
module_param(sender, uint, 0444);
MODULE_PARM_DESC(sender, "CPU that sends (default 0)");

static unsigned int target = 1;
module_param(target, uint, 0444);
MODULE_PARM_DESC(target, "CPU that receives single IPIs (default 1)");

/* The sequence number the receiver saw last, and how many acked. */
static unsigned long bench_ack;
static atomic_t bench_acks;

static void bench_ack_fn(void *info)
{
	WRITE_ONCE(bench_ack, (unsigned long)info);
	atomic_inc(&bench_acks);
}

static irqreturn_t bench_handler(int irq, void *dev_id)
{
	atomic_inc(&bench_acks);
	return IRQ_HANDLED;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, u64 *ns, unsigned int n)
{
	sort(ns, n, sizeof(*ns), cmp_u64, NULL);
	pr_info("test=%s cpus=%u n=%u min_ns=%llu median_ns=%llu p99_ns=%llu\n",
		what, num_online_cpus(), n, ns[0], ns[n / 2],
		ns[(u64)n * 99 / 100]);
}

/* Wait until @want acknowledgements arrived; false after about a second. */
static bool wait_acks(int want)
{
	u64 deadline = ktime_get_ns() + NSEC_PER_SEC;

	while (atomic_read(&bench_acks) < want) {
		if (ktime_get_ns() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

enum bench_method { VIA_CXIPI, VIA_CALL_SYNC, VIA_CALL_ASYNC, NR_METHODS };
static const char *const method_names[] = {
	[VIA_CXIPI] = "single_cxipi",
	[VIA_CALL_SYNC] = "single_smp_call_sync",
	[VIA_CALL_ASYNC] = "single_smp_call_async",
};

static call_single_data_t bench_csd;

/* One round trip by @method; the time from send to acknowledgment. */
static u64 round_trip(enum bench_method method, unsigned int virq)
{
	int want = atomic_read(&bench_acks) + 1;
	u64 start = ktime_get_ns();

	switch (method) {
	case VIA_CXIPI:
		ipi_send_single(virq, target);
		break;
	case VIA_CALL_SYNC:
		smp_call_function_single(target, bench_ack_fn, NULL, 1);
		break;
	case VIA_CALL_ASYNC:
		smp_call_function_single_async(target, &bench_csd);
		break;
	default:
		break;
	}
	if (!wait_acks(want))
		return U64_MAX;
	return ktime_get_ns() - start;
}

/* Latency of the three methods, round by round. */
static void bench_single(void)
{
	struct irq_domain *domain = cxipi_domain_get("cxipi-percpu");
	u64 *ns[NR_METHODS] = {};
	unsigned int i, m, virq;
	int ret;

	INIT_CSD(&bench_csd, bench_ack_fn, NULL);
	ret = cxipi_irq_reserve_ipi(domain, cpumask_of(target));
	if (ret < 0) {
		pr_info("test=single error=%d\n", ret);
		return;
	}
	virq = ret;
	if (request_irq(virq, bench_handler, IRQF_NO_THREAD, "bench", NULL))
		goto out_resv;
	for (m = 0; m < NR_METHODS; m++) {
		ns[m] = vmalloc(array_size(rounds, sizeof(u64)));
		if (!ns[m])
			goto out_free;
	}
	/* Alternate every round, so that each method meets the same VM. */
	for (i = 0; i < rounds; i++) {
		for (m = 0; m < NR_METHODS; m++)
			ns[m][i] = round_trip(m, virq);
		if (!(i % 100))
			cond_resched();
	}
	for (m = 0; m < NR_METHODS; m++)
		report(method_names[m], ns[m], rounds);
out_free:
	for (m = 0; m < NR_METHODS; m++)
		vfree(ns[m]);
	free_irq(virq, NULL);
out_resv:
	cxipi_irq_destroy_ipi(virq, cpumask_of(target));
}

/* ipi_send_mask to every other online CPU against the kernel's calls. */
static void bench_fan_out(void)
{
	struct irq_domain *domain = cxipi_domain_get("cxipi-percpu");
	unsigned int n = min(rounds, 2000U), i, cpu, others;
	u64 *ns[3] = {}, start;
	cpumask_var_t dest;
	int base, m, want;

	if (!zalloc_cpumask_var(&dest, GFP_KERNEL))
		return;
	/* cxipi-percpu needs a contiguous destination: CPUs after the sender.
	 */
	for_each_online_cpu(cpu)
		if (cpu > sender)
			cpumask_set_cpu(cpu, dest);
	others = cpumask_weight(dest);
	base = others ? cxipi_irq_reserve_ipi(domain, dest) : -EINVAL;
	if (base < 0)
		goto out_mask;
	for_each_cpu(cpu, dest)
		if (request_irq(base + cpu - cpumask_first(dest), bench_handler,
				IRQF_NO_THREAD, "bench", NULL))
			goto out_irqs;
	for (m = 0; m < 3; m++) {
		ns[m] = vmalloc(array_size(n, sizeof(u64)));
		if (!ns[m])
			goto out_ns;
	}
	for (i = 0; i < n; i++) {
		for (m = 0; m < 3; m++) {
			want = atomic_read(&bench_acks) + others;
			start = ktime_get_ns();
			if (m == 0) {
				ipi_send_mask(base, dest);
			} else if (m == 1) {
				preempt_disable();
				smp_call_function_many(dest, bench_ack_fn, NULL,
						       true);
				preempt_enable();
			} else {
				on_each_cpu_mask(dest, bench_ack_fn, NULL,
						 true);
			}
			ns[m][i] = wait_acks(want) ? ktime_get_ns() - start :
						     U64_MAX;
		}
		if (!(i % 100))
			cond_resched();
	}
	report("fanout_cxipi", ns[0], n);
	report("fanout_smp_call_many", ns[1], n);
	report("fanout_on_each_cpu_mask", ns[2], n);
out_ns:
	for (m = 0; m < 3; m++)
		vfree(ns[m]);
out_irqs:
	for_each_cpu(cpu, dest)
		free_irq(base + cpu - cpumask_first(dest), NULL);
	cxipi_irq_destroy_ipi(base, dest);
out_mask:
	free_cpumask_var(dest);
}

/* Reserve plus destroy, per operation, in a domain, for @cpus CPUs. */
static void bench_reserve_destroy(const char *name, unsigned int cpus)
{
	struct irq_domain *domain = cxipi_domain_get(name);
	unsigned int n = 200, i, cpu = 0;
	cpumask_var_t dest;
	u64 start, total;
	int virq;

	if (!zalloc_cpumask_var(&dest, GFP_KERNEL))
		return;
	for_each_online_cpu(cpu)
		if (cpumask_weight(dest) < cpus)
			cpumask_set_cpu(cpu, dest);
	start = ktime_get_ns();
	for (i = 0; i < n; i++) {
		virq = cxipi_irq_reserve_ipi(domain, dest);
		if (virq < 0)
			break;
		cxipi_irq_destroy_ipi(virq, dest);
	}
	total = ktime_get_ns() - start;
	pr_info("test=reserve_destroy domain=%s cpus=%u n=%u per_op_ns=%llu\n",
		name, cpumask_weight(dest), i, i ? total / i : 0);
	free_cpumask_var(dest);
}

/* Raises to a masked doorbell coalesce into one delivery on unmask. */
static void bench_coalescing(void)
{
	struct irq_domain *domain = cxipi_domain_get("cxipi-percpu");
	unsigned int raises = 1000, i;
	int virq, before;

	virq = cxipi_irq_reserve_ipi(domain, cpumask_of(target));
	if (virq < 0)
		return;
	if (request_irq(virq, bench_handler, IRQF_NO_THREAD, "bench", NULL))
		goto out;
	disable_irq(virq);
	before = atomic_read(&bench_acks);
	for (i = 0; i < raises; i++)
		ipi_send_single(virq, target);
	enable_irq(virq);
	msleep(100);
	pr_info("test=coalescing raises=%u deliveries=%d\n", raises,
		atomic_read(&bench_acks) - before);
	free_irq(virq, NULL);
out:
	cxipi_irq_destroy_ipi(virq, cpumask_of(target));
}

/* Bookkeeping per reservation, beside the kernel's own cost per virq. */
static void bench_memory(void)
{
	unsigned int cpus;

	for (cpus = 1; cpus <= nr_cpu_ids; cpus *= 2) {
		size_t ours = cxipi_resv_bytes(cpus);
		size_t kernel =
			cpus * (sizeof(struct irq_desc) + 2 * cpumask_size() +
				nr_cpu_ids * sizeof(unsigned int));

		pr_info("test=memory cpus=%u cxipi_bytes=%zu kernel_bytes=%zu\n",
			cpus, ours, kernel);
	}
}

static DECLARE_COMPLETION(bench_done);

static int bench_thread(void *unused)
{
	bench_single();
	bench_fan_out();
	bench_reserve_destroy("cxipi-percpu", 1);
	bench_reserve_destroy("cxipi-percpu", 4);
	bench_reserve_destroy("cxipi-percpu", nr_cpu_ids);
	bench_reserve_destroy("cxipi-single", 1);
	bench_reserve_destroy("cxipi-single", 4);
	bench_reserve_destroy("cxipi-single", nr_cpu_ids);
	bench_coalescing();
	bench_memory();
	pr_info("test=done\n");
	complete(&bench_done);
	return 0;
}

static int __init bench_init(void)
{
	struct task_struct *t;

	if (sender >= nr_cpu_ids || target >= nr_cpu_ids ||
	    !cpu_online(sender) || !cpu_online(target) || sender == target)
		return -EINVAL;
	t = kthread_create_on_cpu(bench_thread, NULL, sender, "cxipi_bench");
	if (IS_ERR(t))
		return PTR_ERR(t);
	/* insmod returns when every benchmark has run. */
	wake_up_process(t);
	wait_for_completion(&bench_done);
	return 0;
}

static void __exit bench_exit(void) {}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("cxipi benchmarks against the kernel's cross-CPU calls");
MODULE_LICENSE("GPL");
