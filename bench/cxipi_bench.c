// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_bench: measures, inside the VM, what an IPI through cxipi costs
 * against the kernel's own cross-CPU calls that it rides, on the same CPUs
 * in the same run.  Results go to the kernel log as "cxipi_bench: " lines of
 * key=value pairs, which bench/report.py turns into a table and JSON.
 *
 * A benchmark never fails: the module loads, measures and stays loaded
 * until it is removed.
 *
 * With insn=1 it runs for the instruction counting VM instead (the
 * bench-insn job, QEMU with bench/insn/insn_count.c): marker NOPs
 * (insn/marker.h) around each send and in the handlers, a pause after
 * each round trip so that the target is back in hlt before the next, and
 * only the methods whose sender does not wait for the target.
 *
 * With link_cpu=N it times only round trips through a doorbell link (the
 * pair-bench job): N is a coprocessor CPU behind an ivshmem-doorbell
 * device whose peer VM rings every doorbell of bank 1 (cxipi-single) back
 * at target, beside the same reservation's doorbell to target.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "../include/cxipi.h"
#include "insn/marker.h"

static unsigned int rounds = 10000;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "Round trips per method (default 10000)");

static unsigned int sender;
module_param(sender, uint, 0444);
MODULE_PARM_DESC(sender, "CPU that sends (default 0)");

static unsigned int target = 1;
module_param(target, uint, 0444);
MODULE_PARM_DESC(target, "CPU that receives single IPIs (default 1)");

static bool insn;
module_param(insn, bool, 0444);
MODULE_PARM_DESC(insn, "Run for the instruction counting plugin (default 0)");

static unsigned int settle_us = 1000;
module_param(settle_us, uint, 0444);
MODULE_PARM_DESC(settle_us,
		 "With insn=1, pause after each round trip (default 1000)");

static int link_cpu = -1;
module_param(link_cpu, int, 0444);
MODULE_PARM_DESC(link_cpu,
		 "Time only round trips via this link CPU (default -1: off)");

static unsigned int rounds_link = 1000;
module_param(rounds_link, uint, 0444);
MODULE_PARM_DESC(rounds_link,
		 "With link_cpu, round trips per method (default 1000)");

/* The sequence number the receiver saw last, and how many acked. */
static unsigned long bench_ack;
static atomic_t bench_acks;

static void bench_ack_fn(void *info)
{
	insn_marker(INSN_HANDLER);
	WRITE_ONCE(bench_ack, (unsigned long)info);
	atomic_inc(&bench_acks);
}

/*
 * The raw call's callback running a virq's flow handler itself: what any
 * IPI layer whose handlers are request_irq()'s pays on the receiver.
 */
static void bench_flow_fn(void *desc)
{
	generic_handle_irq_desc(desc);
}

static irqreturn_t bench_handler(int irq, void *dev_id)
{
	insn_marker(INSN_HANDLER);
	atomic_inc(&bench_acks);
	return IRQ_HANDLED;
}

/* The link's handler: acknowledges on target only. */
static atomic_t link_misplaced;

static irqreturn_t link_handler(int irq, void *dev_id)
{
	if (smp_processor_id() == target)
		atomic_inc(&bench_acks);
	else
		atomic_inc(&link_misplaced);
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

/*
 * Every method, numbered as the markers and the plugin's output number
 * them; the single-target ones first.
 */
enum bench_method {
	VIA_CXIPI,
	VIA_CALL_SYNC,
	VIA_CALL_ASYNC,
	VIA_CALL_FLOW,
	NR_METHODS,
	FAN_CXIPI = NR_METHODS,
	FAN_CALL_MANY,
	FAN_ON_EACH,
	NR_ALL_METHODS,
};

static const char *const method_names[] = {
	[VIA_CXIPI] = "single_cxipi",
	[VIA_CALL_SYNC] = "single_smp_call_sync",
	[VIA_CALL_ASYNC] = "single_smp_call_async",
	[VIA_CALL_FLOW] = "single_smp_call_async_irq_flow",
	[FAN_CXIPI] = "fanout_cxipi",
	[FAN_CALL_MANY] = "fanout_smp_call_many",
	[FAN_ON_EACH] = "fanout_on_each_cpu_mask",
};

/*
 * The methods whose sender returns before the target has run: the only
 * ones whose sender path has a fixed length, so the only ones counted.
 */
static bool counted(enum bench_method m)
{
	return m != VIA_CALL_SYNC && m != FAN_ON_EACH;
}

/* Inlined, so that the marker's code is a constant where it is used. */
static __always_inline void send_begin(const enum bench_method m)
{
	insn_marker(INSN_SEND_BEGIN + m);
}

static __always_inline void send_end(const enum bench_method m)
{
	insn_marker(INSN_SEND_END + m);
}

/*
 * A new random order of @n methods for each round, so that no method
 * always runs right after another (whose caches, queues or wake-up state
 * it would inherit).
 */
static void shuffle(unsigned int *order, unsigned int n)
{
	unsigned int i, j, t;

	for (i = n - 1; i > 0; i--) {
		j = get_random_u32() % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

/*
 * In insn mode, let the targets go back to hlt before the next send, and
 * let anything runnable here run now: a pending reschedule would make the
 * sender's preempt_enable() longer until the next cond_resched().
 */
static void settle(void)
{
	if (insn) {
		udelay(settle_us);
		cond_resched();
	}
}

static call_single_data_t bench_csd, bench_flow_csd;

/* One round trip by @method; the time from send to acknowledgment. */
static u64 round_trip(enum bench_method method, unsigned int virq)
{
	int want = atomic_read(&bench_acks) + 1;
	u64 start = ktime_get_ns();

	u64 ns;

	switch (method) {
	case VIA_CXIPI:
		send_begin(VIA_CXIPI);
		ipi_send_single(virq, target);
		send_end(VIA_CXIPI);
		break;
	case VIA_CALL_SYNC:
		send_begin(VIA_CALL_SYNC);
		smp_call_function_single(target, bench_ack_fn, NULL, 1);
		send_end(VIA_CALL_SYNC);
		break;
	case VIA_CALL_ASYNC:
		send_begin(VIA_CALL_ASYNC);
		smp_call_function_single_async(target, &bench_csd);
		send_end(VIA_CALL_ASYNC);
		break;
	case VIA_CALL_FLOW:
		send_begin(VIA_CALL_FLOW);
		smp_call_function_single_async(target, &bench_flow_csd);
		send_end(VIA_CALL_FLOW);
		break;
	default:
		break;
	}
	ns = wait_acks(want) ? ktime_get_ns() - start : U64_MAX;
	settle();
	return ns;
}

/* Latency of the three methods, round by round. */
static void bench_single(void)
{
	struct irq_domain *domain = cxipi_domain_get("cxipi-percpu");
	u64 *ns[NR_METHODS] = {};
	unsigned int order[NR_METHODS], nr = 0;
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
	INIT_CSD(&bench_flow_csd, bench_flow_fn,
		 irq_data_to_desc(irq_get_irq_data(virq)));
	for (m = 0; m < NR_METHODS; m++) {
		ns[m] = vmalloc(array_size(rounds, sizeof(u64)));
		if (!ns[m])
			goto out_free;
	}
	for (m = 0; m < NR_METHODS; m++)
		if (!insn || counted(m))
			order[nr++] = m;
	/* Every method each round, so that each meets the same VM. */
	for (i = 0; i < rounds; i++) {
		shuffle(order, nr);
		for (m = 0; m < nr; m++)
			ns[order[m]][i] = round_trip(order[m], virq);
		if (!(i % 100))
			cond_resched();
	}
	for (m = 0; m < NR_METHODS; m++)
		if (!insn || counted(m))
			report(method_names[m], ns[m], rounds);
out_free:
	for (m = 0; m < NR_METHODS; m++)
		vfree(ns[m]);
	free_irq(virq, NULL);
out_resv:
	cxipi_irq_destroy_ipi(virq, cpumask_of(target));
}

/*
 * One fan-out by @method to @dest (@others CPUs); the time until every
 * target acknowledged.  smp_call_function_many() does not wait here
 * either: the time ends, as for cxipi, at the last acknowledgment.
 */
static u64 fan_out(enum bench_method method, unsigned int base,
		   const struct cpumask *dest, unsigned int others)
{
	int want = atomic_read(&bench_acks) + others;
	u64 start = ktime_get_ns(), ns;

	switch (method) {
	case FAN_CXIPI:
		send_begin(FAN_CXIPI);
		ipi_send_mask(base, dest);
		send_end(FAN_CXIPI);
		break;
	case FAN_CALL_MANY:
		preempt_disable();
		send_begin(FAN_CALL_MANY);
		smp_call_function_many(dest, bench_ack_fn, NULL, false);
		send_end(FAN_CALL_MANY);
		preempt_enable();
		break;
	case FAN_ON_EACH:
		send_begin(FAN_ON_EACH);
		on_each_cpu_mask(dest, bench_ack_fn, NULL, true);
		send_end(FAN_ON_EACH);
		break;
	default:
		break;
	}
	ns = wait_acks(want) ? ktime_get_ns() - start : U64_MAX;
	settle();
	return ns;
}

/* ipi_send_mask to every other online CPU against the kernel's calls. */
static void bench_fan_out(void)
{
	struct irq_domain *domain = cxipi_domain_get("cxipi-percpu");
	unsigned int n = min(rounds, 2000U), i, cpu, others, m, nr = 0;
	unsigned int order[NR_ALL_METHODS - NR_METHODS];
	u64 *ns[NR_ALL_METHODS - NR_METHODS] = {};
	cpumask_var_t dest;
	int base;

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
	for (m = 0; m < ARRAY_SIZE(ns); m++) {
		ns[m] = vmalloc(array_size(n, sizeof(u64)));
		if (!ns[m])
			goto out_ns;
		if (!insn || counted(NR_METHODS + m))
			order[nr++] = NR_METHODS + m;
	}
	for (i = 0; i < n; i++) {
		shuffle(order, nr);
		for (m = 0; m < nr; m++)
			ns[order[m] - NR_METHODS][i] =
				fan_out(order[m], base, dest, others);
		if (!(i % 100))
			cond_resched();
	}
	for (m = NR_METHODS; m < NR_ALL_METHODS; m++)
		if (!insn || counted(m))
			report(method_names[m], ns[m - NR_METHODS], n);
out_ns:
	for (m = 0; m < ARRAY_SIZE(ns); m++)
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

/*
 * Known counts, for the plugin to be checked against: a loop of 1000
 * dec/jnz after a mov (2001 instructions, in many blocks) and 1000 NOPs in
 * a row (more than one translation block holds).
 */
static void bench_insn_check(void)
{
#ifdef CONFIG_X86_64
	unsigned long flags, x;
	unsigned int i;

	for (i = 0; i < 5; i++) {
		local_irq_save(flags);
		insn_marker(INSN_CHECK_BEGIN);
		asm volatile("mov $1000, %0\n1: dec %0\n jnz 1b" : "=&r"(x));
		insn_marker(INSN_CHECK_END);
		insn_marker(INSN_CHECK_BEGIN);
		asm volatile(".rept 1000\n nop\n .endr");
		insn_marker(INSN_CHECK_END);
		local_irq_restore(flags);
	}
	pr_info("test=insn_check expect=2001,1000 times=%u\n", i);
#endif
}

/*
 * Round trips through the doorbell link: a send to link_cpu, which the
 * peer's echo rule rings back at target, beside a send to target on the
 * same reservation.  A round trip that times out counts, as U64_MAX.
 */
static void bench_link(void)
{
	static const char *const names[] = { "link_round_trip",
					     "link_same_kernel" };
	unsigned int cpus[] = { link_cpu, target }, order[] = { 0, 1 };
	unsigned int timeouts[2] = {}, i, m;
	u64 *ns[2] = {}, start;
	cpumask_var_t dest;
	int virq, want;

	if (!zalloc_cpumask_var(&dest, GFP_KERNEL))
		return;
	cpumask_set_cpu(target, dest);
	cpumask_set_cpu(link_cpu, dest);
	virq = cxipi_irq_reserve_ipi(cxipi_domain_get("cxipi-single"), dest);
	if (virq < 0) {
		pr_info("test=link error=%d\n", virq);
		goto out_mask;
	}
	if (request_irq(virq, link_handler, IRQF_NO_THREAD, "bench", NULL))
		goto out_resv;
	for (m = 0; m < 2; m++) {
		ns[m] = vmalloc(array_size(rounds_link, sizeof(u64)));
		if (!ns[m])
			goto out_free;
	}
	for (i = 0; i < rounds_link; i++) {
		shuffle(order, 2);
		for (m = 0; m < 2; m++) {
			want = atomic_read(&bench_acks) + 1;
			start = ktime_get_ns();
			ipi_send_single(virq, cpus[order[m]]);
			if (wait_acks(want)) {
				ns[order[m]][i] = ktime_get_ns() - start;
			} else {
				ns[order[m]][i] = U64_MAX;
				timeouts[order[m]]++;
			}
		}
		if (!(i % 100))
			cond_resched();
	}
	for (m = 0; m < 2; m++)
		report(names[m], ns[m], rounds_link);
	pr_info("test=link link_cpu=%d sender=%u target=%u timeouts_round_trip=%u timeouts_same_kernel=%u misplaced=%d\n",
		link_cpu, sender, target, timeouts[0], timeouts[1],
		atomic_read(&link_misplaced));
out_free:
	for (m = 0; m < 2; m++)
		vfree(ns[m]);
	free_irq(virq, NULL);
out_resv:
	cxipi_irq_destroy_ipi(virq, dest);
out_mask:
	free_cpumask_var(dest);
}

static DECLARE_COMPLETION(bench_done);

static int bench_thread(void *unused)
{
	unsigned int m;

	if (link_cpu >= 0) {
		bench_link();
		goto done;
	}
	if (insn) {
		for (m = 0; m < NR_ALL_METHODS; m++)
			if (counted(m))
				pr_info("test=insn_method id=%u name=%s\n", m,
					method_names[m]);
		bench_insn_check();
		bench_single();
		bench_fan_out();
		goto done;
	}
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
done:
	pr_info("test=done\n");
	complete(&bench_done);
	return 0;
}

static int __init bench_init(void)
{
	struct task_struct *t;

	if (sender >= nr_cpu_ids || target >= nr_cpu_ids ||
	    !cpu_online(sender) || !cpu_online(target) || sender == target ||
	    link_cpu >= (int)nr_cpu_ids || link_cpu == (int)target)
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
