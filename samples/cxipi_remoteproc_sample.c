// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_remoteproc_sample: the doorbell handshake between Linux and a
 * coprocessor, through the generic IPI API, the way a remoteproc or rpmsg
 * driver uses it.
 *
 * A coprocessor is a core that Linux does not run on; with cxipi it is a
 * CPU that is possible but not online.  Linux and the firmware on it signal
 * each other with two doorbells, one IPI reservation each:
 *
 *   linux-to-remote (l2r), reserved on the coprocessor's CPU: Linux rings
 *   it with ipi_send_single() to say "there is work for you";
 *   remote-to-linux (r2l), reserved on a Linux CPU with a handler: the
 *   firmware rings it to say "done", or "there is work for you".
 *
 * Virqs are Linux's own numbers; the firmware knows only hwirqs, which
 * Linux reads with ipi_get_hwirq() and hands over (in a real driver, in the
 * resource table or a mailbox register).
 *
 * It reserves and destroys through cxipi_irq_reserve_ipi() and
 * cxipi_irq_destroy_ipi(), which exist on every kernel: where the kernel
 * builds kernel/irq/ipi.c (arm64) it does not export irq_reserve_ipi() or
 * irq_destroy_ipi().  It sends and reads hwirqs through the generic
 * ipi_send_single() and ipi_get_hwirq(): cxipi's on x86, the kernel's own
 * on arm64, which work on cxipi's reservations too.
 *
 * At load the sample does one round trip and logs it; the init fails when
 * the round trip does.  It keeps both reservations and the handler until
 * unload, so that /proc/interrupts shows the r2l irq and its one run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/smp.h>

/* Only for the simulated firmware: cxipi_coproc_take/raise(). */
#include <cxipi.h>

/* How long each side waits for the other's doorbell. */
#define SAMPLE_TIMEOUT_MS 1000
/* How often the simulated firmware looks at its doorbells. */
#define SAMPLE_POLL_US 1000

static int coproc = -1;
module_param(coproc, int, 0444);
MODULE_PARM_DESC(coproc,
		 "coprocessor CPU: possible, not online (default: the first)");

static unsigned int linux_cpu;
module_param(linux_cpu, uint, 0444);
MODULE_PARM_DESC(linux_cpu,
		 "online CPU the coprocessor rings back (default 0)");

/**
 * struct sample_fw_config - what Linux tells the firmware
 * @linux_cpu: the CPU to ring back
 * @rx_hwirq: the firmware's own doorbell, linux-to-remote
 * @tx_hwirq: the doorbell that rings @linux_cpu, remote-to-linux
 *
 * Hardware numbers only: virqs mean nothing outside Linux.
 */
struct sample_fw_config {
	unsigned int linux_cpu;
	irq_hw_number_t rx_hwirq;
	irq_hw_number_t tx_hwirq;
};

/**
 * struct sample_rproc - what the driver keeps for its coprocessor
 * @domain: the IPI domain both doorbells are on
 * @coproc: the coprocessor's CPU
 * @linux_cpu: the CPU whose handler the coprocessor runs
 * @l2r_virq: Linux rings the coprocessor through it
 * @r2l_virq: the coprocessor rings Linux through it; it has the handler
 * @fw: the hwirqs of both, as told to the firmware
 * @rang_back: completed by the handler of @r2l_virq
 * @handler_cpu: where that handler ran, -1 before it has
 */
struct sample_rproc {
	struct irq_domain *domain;
	unsigned int coproc;
	unsigned int linux_cpu;
	int l2r_virq;
	int r2l_virq;
	struct sample_fw_config fw;
	struct completion rang_back;
	int handler_cpu;
};

static struct sample_rproc sample;

/*
 * ---- Simulated firmware ----------------------------------------------------
 *
 * On a real board this is code on the coprocessor, not in Linux: it waits
 * for its doorbell (an interrupt, or a poll of a mailbox register), does
 * the work Linux queued, and rings Linux back.  Here Linux plays that part
 * through cxipi's coprocessor endpoint, knowing only what @fw says.
 */
static int sample_firmware(struct irq_domain *domain, unsigned int self,
			   const struct sample_fw_config *fw)
{
	irq_hw_number_t hwirq = INVALID_HWIRQ;
	int taken, ret;

	/* Taking a doorbell also clears it, like a read-to-clear mailbox. */
	ret = read_poll_timeout(cxipi_coproc_take, taken, taken != 0,
				SAMPLE_POLL_US,
				SAMPLE_TIMEOUT_MS * USEC_PER_MSEC, false,
				domain, self, &hwirq);
	if (taken < 0) {
		pr_err("firmware: cannot read the doorbells of CPU %u: %d\n",
		       self, taken);
		return taken;
	}
	if (ret) {
		pr_err("firmware: no doorbell on CPU %u within %u ms\n", self,
		       SAMPLE_TIMEOUT_MS);
		return ret;
	}
	if (hwirq != fw->rx_hwirq) {
		pr_err("firmware: doorbell %lu rang on CPU %u, expected %lu\n",
		       hwirq, self, fw->rx_hwirq);
		return -EPROTO;
	}

	pr_info("firmware: doorbell %lu rang on CPU %u; ringing Linux CPU %u on hwirq %lu\n",
		hwirq, self, fw->linux_cpu, fw->tx_hwirq);
	return cxipi_coproc_raise(domain, fw->linux_cpu, fw->tx_hwirq);
}

/* ---- End of simulated firmware ------------------------------------------ */

/*
 * The coprocessor rang Linux.  A remoteproc driver would look at its
 * virtqueues here (rproc_vq_interrupt()); the sample notes where it ran.
 */
static irqreturn_t sample_r2l_handler(int irq, void *data)
{
	struct sample_rproc *rp = data;

	/* complete() orders this store before the waiter wakes up. */
	rp->handler_cpu = smp_processor_id();
	complete(&rp->rang_back);
	return IRQ_HANDLED;
}

/* The coprocessor must be a possible CPU that Linux does not run on. */
static int sample_pick_cpus(struct sample_rproc *rp)
{
	unsigned int cpu;

	if (coproc < 0) {
		rp->coproc = nr_cpu_ids;
		for_each_possible_cpu(cpu) {
			if (!cpu_online(cpu)) {
				rp->coproc = cpu;
				break;
			}
		}
		if (rp->coproc >= nr_cpu_ids) {
			pr_err("no coprocessor: every possible CPU is online (boot with maxcpus=, or take a CPU offline)\n");
			return -ENODEV;
		}
	} else {
		rp->coproc = coproc;
		if (rp->coproc >= nr_cpu_ids || !cpu_possible(rp->coproc) ||
		    cpu_online(rp->coproc)) {
			pr_err("coproc=%d is not a possible CPU that is offline\n",
			       coproc);
			return -EINVAL;
		}
	}

	rp->linux_cpu = linux_cpu;
	if (rp->linux_cpu >= nr_cpu_ids || !cpu_online(rp->linux_cpu)) {
		pr_err("linux_cpu=%u is not online\n", linux_cpu);
		return -EINVAL;
	}
	return 0;
}

static int __init sample_init(void)
{
	struct sample_rproc *rp = &sample;
	int ret;

	/* The upstream way to find an IPI domain; with cxipi, cxipi-percpu. */
	rp->domain = irq_find_matching_host(NULL, DOMAIN_BUS_IPI);
	if (!rp->domain) {
		pr_err("no IPI domain\n");
		return -ENODEV;
	}
	ret = sample_pick_cpus(rp);
	if (ret)
		return ret;
	pr_info("IPI domain %s: Linux CPU %u, coprocessor CPU %u\n",
		rp->domain->name, rp->linux_cpu, rp->coproc);

	/* One CPU each, so one virq each; an offline CPU can be a target. */
	ret = cxipi_irq_reserve_ipi(rp->domain, cpumask_of(rp->coproc));
	if (ret < 0) {
		pr_err("cannot reserve linux-to-remote on CPU %u: %d\n",
		       rp->coproc, ret);
		return ret;
	}
	rp->l2r_virq = ret;

	ret = cxipi_irq_reserve_ipi(rp->domain, cpumask_of(rp->linux_cpu));
	if (ret < 0) {
		pr_err("cannot reserve remote-to-linux on CPU %u: %d\n",
		       rp->linux_cpu, ret);
		goto err_l2r;
	}
	rp->r2l_virq = ret;

	/*
	 * Ready to be rung before the firmware can ring.  The handler runs
	 * in hard irq on the CPU that was rung, with threadirqs and on
	 * PREEMPT_RT too.  cxipi's virqs are never threaded anyway;
	 * IRQF_NO_THREAD says so for any other IPI provider.
	 */
	init_completion(&rp->rang_back);
	rp->handler_cpu = -1;
	ret = request_irq(rp->r2l_virq, sample_r2l_handler, IRQF_NO_THREAD,
			  KBUILD_MODNAME, rp);
	if (ret) {
		pr_err("cannot request irq %d: %d\n", rp->r2l_virq, ret);
		goto err_r2l;
	}
	pr_info("reserved linux-to-remote virq %d (CPU %u), remote-to-linux virq %d (CPU %u)\n",
		rp->l2r_virq, rp->coproc, rp->r2l_virq, rp->linux_cpu);

	rp->fw.linux_cpu = rp->linux_cpu;
	rp->fw.rx_hwirq = ipi_get_hwirq(rp->l2r_virq, rp->coproc);
	rp->fw.tx_hwirq = ipi_get_hwirq(rp->r2l_virq, rp->linux_cpu);
	if (rp->fw.rx_hwirq == INVALID_HWIRQ ||
	    rp->fw.tx_hwirq == INVALID_HWIRQ) {
		pr_err("handshake failed: no hwirq for virq %d or %d\n",
		       rp->l2r_virq, rp->r2l_virq);
		ret = -EINVAL;
		goto err_irq;
	}
	pr_info("telling the firmware: its doorbell is hwirq %lu, Linux CPU %u's is hwirq %lu\n",
		rp->fw.rx_hwirq, rp->linux_cpu, rp->fw.tx_hwirq);

	/*
	 * The kick, a remoteproc driver's rproc_ops.kick.  On a board it
	 * interrupts the coprocessor; here it latches in its doorbell bank.
	 */
	ret = ipi_send_single(rp->l2r_virq, rp->coproc);
	if (ret) {
		pr_err("handshake failed: cannot kick CPU %u: %d\n", rp->coproc,
		       ret);
		goto err_irq;
	}

	ret = sample_firmware(rp->domain, rp->coproc, &rp->fw);
	if (ret) {
		pr_err("handshake failed: the firmware did not ring back: %d\n",
		       ret);
		goto err_irq;
	}

	if (!wait_for_completion_timeout(&rp->rang_back,
					 msecs_to_jiffies(SAMPLE_TIMEOUT_MS))) {
		pr_err("handshake failed: no remote-to-linux irq within %u ms\n",
		       SAMPLE_TIMEOUT_MS);
		ret = -ETIMEDOUT;
		goto err_irq;
	}
	/* A per-CPU doorbell must run its handler on its own CPU. */
	if (rp->handler_cpu != rp->linux_cpu) {
		pr_err("handshake failed: the handler ran on CPU %d, not %u\n",
		       rp->handler_cpu, rp->linux_cpu);
		ret = -EIO;
		goto err_irq;
	}

	/* hwirqs: linux-to-remote, then remote-to-linux. */
	pr_info("handshake complete: linux cpu %u <-> coprocessor cpu %u, hwirqs %lu/%lu\n",
		rp->linux_cpu, rp->coproc, rp->fw.rx_hwirq, rp->fw.tx_hwirq);
	return 0;

	/* The handler goes before its virq, each virq with its own CPU. */
err_irq:
	free_irq(rp->r2l_virq, rp);
err_r2l:
	cxipi_irq_destroy_ipi(rp->r2l_virq, cpumask_of(rp->linux_cpu));
err_l2r:
	cxipi_irq_destroy_ipi(rp->l2r_virq, cpumask_of(rp->coproc));
	return ret;
}

static void __exit sample_exit(void)
{
	struct sample_rproc *rp = &sample;

	free_irq(rp->r2l_virq, rp);
	cxipi_irq_destroy_ipi(rp->r2l_virq, cpumask_of(rp->linux_cpu));
	cxipi_irq_destroy_ipi(rp->l2r_virq, cpumask_of(rp->coproc));
}

module_init(sample_init);
module_exit(sample_exit);

MODULE_DESCRIPTION("cxipi sample: the coprocessor doorbell handshake");
MODULE_LICENSE("GPL");
