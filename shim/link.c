// SPDX-License-Identifier: GPL-2.0
/*
 * The doorbell link transport: a coprocessor CPU of cxipi's domains that
 * is another machine, behind a doorbell device and shared memory.  The
 * device here is QEMU's ivshmem-doorbell (PCI 1af4:1110): BAR0 holds its
 * registers, BAR2 the shared memory, and a write of (peer << 16 | vector)
 * to its Doorbell register raises that MSI-X vector in the peer.  The
 * layout of the shared memory and the rules of the rings are the core's
 * (cxx_core/link.hpp, Documentation/cxipi-link.rst); this file binds them
 * to the device, in one of two roles:
 *
 *  host: Linux's side.  Doorbells rung at the coprocessor CPU latch in its
 *	bank as at any coprocessor; the link takes them from there into
 *	shared memory and rings the peer.  The peer's rings come in as an
 *	interrupt, and each is delivered, as a coprocessor's raise, at the
 *	Linux CPU it names, if and only if the hwirq is that CPU's doorbell
 *	in a reservation that targets the coprocessor too.
 *  endpoint: the coprocessor's side, for when the other machine runs
 *	cxipi too (a test peer, or a board's firmware written against the
 *	same layout): it counts the doorbells it receives, rings back by
 *	its echo rules, and rings on request (sysfs, sysfs_link.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "link.h"

/* ivshmem-doorbell's BAR0 registers (QEMU docs/specs/ivshmem-spec.txt). */
#define CXIPI_IVSHMEM_IVPOSITION 8
#define CXIPI_IVSHMEM_DOORBELL 12
#define CXIPI_IVSHMEM_REGS_BAR 0
#define CXIPI_IVSHMEM_SHM_BAR 2
/* The one vector a link uses: each side's doorbells raise vector 0. */
#define CXIPI_LINK_VECTOR 0

static char *link_role = "host";
module_param(link_role, charp, 0444);
MODULE_PARM_DESC(link_role, "host (default), endpoint or none");

static int link_cpu = -1;
module_param(link_cpu, int, 0444);
MODULE_PARM_DESC(link_cpu, "host: the peer's CPU (default: last offline one)");

/*
 * Per CPU, the host link whose peer that coprocessor CPU is.  The array and
 * its entries are both RCU: a send may be ringing while cxipi unloads.
 */
static struct cxipi_link_dev __rcu *__rcu *cxipi_coproc_links;

/* The array, for its writers: probe, remove, init and exit. */
static struct cxipi_link_dev __rcu **cxipi_links_array(void)
{
	return rcu_dereference_protected(cxipi_coproc_links, true);
}

static const struct cxipi_env *cxipi_link_env = &cxipi_env;

/* The bank of a domain: its index in cxipi_domains[]. */
static int cxipi_bank_of(const struct cxipi_domain *dom)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cxipi_domains); i++)
		if (cxipi_domains[i] == dom)
			return i;
	return -1;
}

/* Raise the peer's interrupt; L1: writel() orders the counters before. */
static void cxipi_link_ring_peer(struct cxipi_link_dev *ld)
{
	struct cxipi_link_peer peer;

	cxipi_link_get_peer(ld->link, &peer);
	/* Not before it has opened: its id word means nothing yet. */
	if (!peer.compatible || peer.id < 0)
		return;
	writel((u32)peer.id << 16 | CXIPI_LINK_VECTOR,
	       ld->regs + CXIPI_IVSHMEM_DOORBELL);
	cxipi_link_count(&ld->rings);
}

/* Move what latched at the coprocessor on @dom into shared memory. */
static void cxipi_link_pump_locked(struct cxipi_link_dev *ld,
				   struct cxipi_domain *dom)
{
	irq_hw_number_t hwirq;
	bool posted = false;
	int bank = cxipi_bank_of(dom), err;

	lockdep_assert_held(&ld->post_lock);
	if (bank < 0)
		return;
	while (cxipi_coproc_take(dom->domain, ld->cpu, &hwirq) == 1) {
		/* Cannot fail: the bank was sized from this domain. */
		err = cxipi_link_post(ld->link, bank, ld->cpu, hwirq);
		if (!WARN_ON_ONCE(err))
			posted = true;
	}
	if (posted)
		cxipi_link_ring_peer(ld);
}

static void cxipi_link_pump_all(struct cxipi_link_dev *ld)
{
	unsigned long flags;
	int i;

	raw_spin_lock_irqsave(&ld->post_lock, flags);
	for (i = 0; i < ARRAY_SIZE(cxipi_domains); i++)
		cxipi_link_pump_locked(ld, cxipi_domains[i]);
	raw_spin_unlock_irqrestore(&ld->post_lock, flags);
}

/**
 * cxipi_link_forward() - hand doorbells latched at a coprocessor to its link
 * @dom: the domain of the doorbells
 * @cpu: a CPU that is not online
 *
 * Called after a doorbell was rung at @cpu.  Without a link, or when
 * Linux owns @cpu, the doorbells stay latched in its bank.
 *
 * Context: any context; lock-free but for the link's raw spinlock.
 */
void cxipi_link_forward(struct cxipi_domain *dom, unsigned int cpu)
{
	struct cxipi_link_dev __rcu **links;
	struct cxipi_link_dev *ld;
	unsigned long flags;

	rcu_read_lock();
	links = rcu_dereference(cxipi_coproc_links);
	ld = links && cpu < nr_cpu_ids ? rcu_dereference(links[cpu]) : NULL;
	if (ld) {
		raw_spin_lock_irqsave(&ld->post_lock, flags);
		cxipi_link_pump_locked(ld, dom);
		raw_spin_unlock_irqrestore(&ld->post_lock, flags);
	}
	rcu_read_unlock();
}

/*
 * Whether the peer may ring @hwirq of @dom at @cpu: it must be @cpu's
 * doorbell in a reservation that targets the peer's CPU too.  In hard irq,
 * an RCU read-side section: the descriptor and the reservation stay.
 */
static bool cxipi_link_may_deliver(struct cxipi_link_dev *ld,
				   struct cxipi_domain *dom, unsigned int cpu,
				   unsigned int hwirq)
{
	struct cxipi_resv *resv;
	struct irq_desc *desc;
	unsigned int virq;

	if (cpu >= nr_cpu_ids || cpu == ld->cpu || hwirq >= dom->nr_hwirqs)
		return false;
	desc = READ_ONCE(dom->descs[hwirq]);
	if (!desc)
		return false;
	virq = irq_desc_get_irq(desc);
	resv = cxipi_resv_lookup(virq);
	return resv && cxipi_resv_virq_of(resv, ld->cpu) &&
	       cxipi_resv_virq_of(resv, cpu) == virq;
}

static void cxipi_link_host_event(struct cxipi_link_dev *ld,
				  const struct cxipi_link_event *ev)
{
	struct cxipi_domain *dom = ev->bank < ARRAY_SIZE(cxipi_domains) ?
					   cxipi_domains[ev->bank] :
					   NULL;
	struct device *dev = &ld->pdev->dev;

	if (!dom || !cxipi_link_may_deliver(ld, dom, ev->cpu, ev->hwirq)) {
		cxipi_link_count(&ld->rejected);
		dev_warn_ratelimited(dev,
				     "peer rang %u/%u at CPU %u: not its\n",
				     ev->bank, ev->hwirq, ev->cpu);
		return;
	}
	cxipi_link_count(&ld->delivered);
	cxipi_ring(dom, ev->cpu, ev->hwirq);
}

static void cxipi_link_endpoint_event(struct cxipi_link_dev *ld,
				      const struct cxipi_link_event *ev)
{
	unsigned int slot = ld->bank_base[ev->bank] + ev->hwirq;
	const struct cxipi_link_echo *echo;
	bool posted = false, any;
	unsigned int i;

	if (slot < ld->nr_received)
		cxipi_link_count(&ld->received[slot]);
	cxipi_link_count(&ld->delivered);
	raw_spin_lock(&ld->post_lock);
	for (i = 0; i < ld->nr_echoes; i++) {
		echo = &ld->echoes[i];
		any = echo->hwirq == CXIPI_LINK_ECHO_ANY;
		if (echo->bank != ev->bank ||
		    (!any && echo->hwirq != ev->hwirq))
			continue;
		if (!cxipi_link_post(ld->link, echo->bank, echo->to_cpu,
				     any ? ev->hwirq : echo->to_hwirq))
			posted = true;
	}
	if (posted)
		cxipi_link_ring_peer(ld);
	raw_spin_unlock(&ld->post_lock);
}

/* Take what the other side rang; from its interrupt, or on (re)opening. */
static void cxipi_link_scan(struct cxipi_link_dev *ld)
{
	struct cxipi_link_event ev;
	unsigned int cursor = 0;
	unsigned long flags;

	/* L2 also against a peer outside the CPUs' coherence domain. */
	rmb();
	raw_spin_lock_irqsave(&ld->scan_lock, flags);
	if (!ld->link || cxipi_link_scan_begin(ld->link)) {
		/* The endpoint (re)opens in task context. */
		if (ld->role == CXIPI_LINK_ENDPOINT)
			schedule_delayed_work(&ld->open_work, 0);
		raw_spin_unlock_irqrestore(&ld->scan_lock, flags);
		return;
	}
	while (cxipi_link_scan_next(ld->link, &cursor, &ev)) {
		if (ld->role == CXIPI_LINK_HOST)
			cxipi_link_host_event(ld, &ev);
		else
			cxipi_link_endpoint_event(ld, &ev);
	}
	raw_spin_unlock_irqrestore(&ld->scan_lock, flags);
}

static irqreturn_t cxipi_link_irq(int irq, void *data)
{
	struct cxipi_link_dev *ld = data;

	cxipi_link_count(&ld->interrupts);
	cxipi_link_scan(ld);
	return IRQ_HANDLED;
}

/**
 * cxipi_link_raise() - the endpoint rings a doorbell at a Linux CPU
 * @ld: an endpoint link
 * @bank: the bank (0: cxipi-percpu, 1: cxipi-single)
 * @cpu: the host's CPU
 * @hwirq: the doorbell, as the host's ipi_get_hwirq() gave it
 * @times: how many rings, each with its own doorbell write
 *
 * Return: 0, -ENOTCONN until linked to the host's current layout, -EINVAL
 * for a doorbell outside the layout.
 */
int cxipi_link_raise(struct cxipi_link_dev *ld, unsigned int bank,
		     unsigned int cpu, unsigned int hwirq, unsigned int times)
{
	struct cxipi_link_peer host;
	unsigned long flags;
	int ret = 0;

	/*
	 * One ring per lock hold, each checked against the link as it is
	 * then: a host that rewrites its layout meanwhile gets nothing
	 * posted into the old one, and nobody waits long with irqs off.
	 */
	while (!ret && times--) {
		raw_spin_lock_irqsave(&ld->post_lock, flags);
		host.compatible = false;
		if (ld->link)
			cxipi_link_get_peer(ld->link, &host);
		if (!host.compatible) {
			schedule_delayed_work(&ld->open_work, 0);
			ret = -ENOTCONN;
		} else {
			ret = cxipi_link_post(ld->link, bank, cpu, hwirq);
			if (!ret)
				cxipi_link_ring_peer(ld);
		}
		raw_spin_unlock_irqrestore(&ld->post_lock, flags);
		if (times)
			cond_resched();
	}
	return ret;
}

/**
 * cxipi_link_ring_raw() - ring the other side's interrupt, nothing posted
 * @ld: a link
 * @times: how many doorbell writes
 *
 * The other side's flood: each ring makes it scan and find nothing new.
 */
void cxipi_link_ring_raw(struct cxipi_link_dev *ld, unsigned int times)
{
	unsigned long flags;

	while (times--) {
		raw_spin_lock_irqsave(&ld->post_lock, flags);
		if (ld->link)
			cxipi_link_ring_peer(ld);
		raw_spin_unlock_irqrestore(&ld->post_lock, flags);
		cond_resched();
	}
}

/* Whether the endpoint's link still matches the host's layout. */
static bool cxipi_link_current(struct cxipi_link_dev *ld)
{
	struct cxipi_link_peer host = {};
	unsigned long flags;

	raw_spin_lock_irqsave(&ld->post_lock, flags);
	if (ld->link)
		cxipi_link_get_peer(ld->link, &host);
	raw_spin_unlock_irqrestore(&ld->post_lock, flags);
	return host.compatible;
}

/*
 * Install @link (or none) with the counts of its geometry's doorbells, in
 * one critical section, so that no scan counts into another layout's slots;
 * return the link it replaces, to be freed without writing to shared
 * memory (that memory is the new layout's now).
 */
static struct cxipi_link *cxipi_link_install(struct cxipi_link_dev *ld,
					     struct cxipi_link *link)
{
	unsigned int base[CXIPI_LINK_MAX_BANKS] = {}, b, total = 0;
	struct cxipi_link_geometry geo = {};
	unsigned long *received = NULL, flags;
	struct cxipi_link *old;

	if (link) {
		cxipi_link_get_geometry(link, &geo);
		for (b = 0; b < geo.nr_banks; b++) {
			base[b] = total;
			total += geo.nr_hwirqs[b];
		}
		/* Without it, received stays empty; the link works. */
		received = kcalloc(total, sizeof(*received), GFP_KERNEL);
	}
	raw_spin_lock_irqsave(&ld->scan_lock, flags);
	raw_spin_lock(&ld->post_lock);
	old = ld->link;
	ld->link = link;
	swap(ld->received, received);
	ld->nr_received = ld->received ? total : 0;
	ld->nr_banks = ld->received ? geo.nr_banks : 0;
	memcpy(ld->bank_base, base, sizeof(base));
	raw_spin_unlock(&ld->post_lock);
	raw_spin_unlock_irqrestore(&ld->scan_lock, flags);
	kfree(received);
	return old;
}

/*
 * The endpoint opens once the host is up, and again when the host's
 * layout changes: it tries every 100 ms until linked, then checks every
 * second (a host that rewrote its layout cannot ring it: the rewrite
 * cleared its id), besides the checks of each scan and raise.
 */
static void cxipi_link_open_fn(struct work_struct *work)
{
	struct delayed_work *dwork = to_delayed_work(work);
	struct cxipi_link_dev *ld =
		container_of(dwork, struct cxipi_link_dev, open_work);
	struct cxipi_link *link;
	int err;

	mutex_lock(&ld->open_lock);
	if (cxipi_link_current(ld)) {
		schedule_delayed_work(&ld->open_work, HZ);
		goto out;
	}
	/* Nothing posts into the old layout while the new one is read. */
	cxipi_link_close(cxipi_link_env, cxipi_link_install(ld, NULL));
	link = cxipi_link_open_endpoint(cxipi_link_env, ld->shm, ld->shm_bytes,
					ld->self_id, &err);
	if (!link) {
		if (err != ld->open_error)
			dev_info(&ld->pdev->dev,
				 "endpoint: host not ready (%d), retrying\n",
				 err);
		ld->open_error = err;
		schedule_delayed_work(&ld->open_work, HZ / 10);
		goto out;
	}
	cxipi_link_install(ld, link);
	ld->open_error = 0;
	dev_info(&ld->pdev->dev, "endpoint: linked as doorbell id %u\n",
		 ld->self_id);
	/* Hello: the host delivers nothing for it, but learns our id. */
	cxipi_link_ring_raw(ld, 1);
	/* What the host rang while we were away. */
	cxipi_link_scan(ld);
	schedule_delayed_work(&ld->open_work, HZ);
out:
	mutex_unlock(&ld->open_lock);
}

/* The highest possible CPU that is not online: a coprocessor. */
static int cxipi_link_pick_cpu(void)
{
	int cpu, pick = -ENODEV;

	if (link_cpu >= 0)
		return link_cpu < nr_cpu_ids && cpu_possible(link_cpu) &&
				       !cpu_online(link_cpu) ?
			       link_cpu :
			       -EBUSY;
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			pick = cpu;
	return pick;
}

/* Serializes the hosts' claims on their coprocessor CPUs. */
static DEFINE_MUTEX(cxipi_link_bind_lock);

static int cxipi_link_bind_host(struct cxipi_link_dev *ld)
{
	struct cxipi_link_geometry geo = {};
	int cpu = cxipi_link_pick_cpu(), err = 0, i;

	if (cpu < 0) {
		dev_err(&ld->pdev->dev,
			"host: no coprocessor CPU (link_cpu=%d must be possible and not online)\n",
			link_cpu);
		return cpu;
	}
	ld->cpu = cpu;
	geo.nr_cpus = nr_cpu_ids;
	geo.coproc_cpu = cpu;
	geo.nr_banks = ARRAY_SIZE(cxipi_domains);
	for (i = 0; i < ARRAY_SIZE(cxipi_domains); i++)
		geo.nr_hwirqs[i] = cxipi_domains[i]->nr_hwirqs;
	/* Before the layout is written: a refused device keeps its own. */
	mutex_lock(&cxipi_link_bind_lock);
	if (rcu_access_pointer(cxipi_links_array()[cpu])) {
		dev_err(&ld->pdev->dev, "host: CPU %d already has a link\n",
			cpu);
		err = -EBUSY;
		goto out;
	}
	ld->link = cxipi_link_open_host(cxipi_link_env, ld->shm, ld->shm_bytes,
					&geo, ld->self_id, &err);
	if (!ld->link) {
		dev_err(&ld->pdev->dev,
			"host: %zu bytes of shared memory, the layout needs %zu: %d\n",
			ld->shm_bytes, cxipi_link_bytes(&geo), err);
		goto out;
	}
	rcu_assign_pointer(cxipi_links_array()[cpu], ld);
	dev_info(&ld->pdev->dev,
		 "host: coprocessor CPU %d behind doorbell id %u's peer\n", cpu,
		 ld->self_id);
out:
	mutex_unlock(&cxipi_link_bind_lock);
	return err;
}

static int cxipi_link_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct cxipi_link_dev *ld;
	resource_size_t start, len;
	int ret;

	if (!strcmp(link_role, "none"))
		return -ENODEV;
	ld = devm_kzalloc(&pdev->dev, sizeof(*ld), GFP_KERNEL);
	if (!ld)
		return -ENOMEM;
	ld->pdev = pdev;
	ld->role = strcmp(link_role, "endpoint") ? CXIPI_LINK_HOST :
						   CXIPI_LINK_ENDPOINT;
	raw_spin_lock_init(&ld->post_lock);
	raw_spin_lock_init(&ld->scan_lock);
	mutex_init(&ld->open_lock);
	INIT_DELAYED_WORK(&ld->open_work, cxipi_link_open_fn);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(CXIPI_IVSHMEM_REGS_BAR),
				 KBUILD_MODNAME);
	if (ret)
		return ret;
	ld->regs = pcim_iomap_table(pdev)[CXIPI_IVSHMEM_REGS_BAR];
	start = pci_resource_start(pdev, CXIPI_IVSHMEM_SHM_BAR);
	len = pci_resource_len(pdev, CXIPI_IVSHMEM_SHM_BAR);
	if (!len ||
	    !devm_request_mem_region(&pdev->dev, start, len, KBUILD_MODNAME)) {
		dev_err(&pdev->dev, "no shared memory in BAR2\n");
		return -ENODEV;
	}
	/* Memory, not registers: cached, and read as the core reads RAM. */
	ld->shm = devm_memremap(&pdev->dev, start, len, MEMREMAP_WB);
	if (IS_ERR(ld->shm))
		return PTR_ERR(ld->shm);
	ld->shm_bytes = len;
	ld->self_id = readl(ld->regs + CXIPI_IVSHMEM_IVPOSITION);

	/* An MSI is a write by the device: it needs bus mastering. */
	pci_set_master(pdev);
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
	if (ret < 0) {
		dev_err(&pdev->dev,
			"no MSI-X vector (the doorbell device needs one): %d\n",
			ret);
		return ret;
	}
	if (ld->role == CXIPI_LINK_HOST) {
		ret = cxipi_link_bind_host(ld);
		if (ret)
			return ret;
	}
	ret = request_irq(pci_irq_vector(pdev, CXIPI_LINK_VECTOR),
			  cxipi_link_irq, 0, "cxipi-link", ld);
	if (ret)
		goto err_link;
	ret = cxipi_link_sysfs_add(ld);
	if (ret)
		goto err_irq;
	pci_set_drvdata(pdev, ld);
	if (ld->role == CXIPI_LINK_ENDPOINT) {
		schedule_delayed_work(&ld->open_work, 0);
	} else {
		/* Hello, and whatever latched at the CPU before us. */
		cxipi_link_ring_raw(ld, 1);
		cxipi_link_pump_all(ld);
	}
	return 0;

err_irq:
	free_irq(pci_irq_vector(pdev, CXIPI_LINK_VECTOR), ld);
	/* Its interrupt may have queued the endpoint's opening. */
	cancel_delayed_work_sync(&ld->open_work);
err_link:
	if (ld->role == CXIPI_LINK_HOST) {
		RCU_INIT_POINTER(cxipi_links_array()[ld->cpu], NULL);
		synchronize_rcu();
	}
	cxipi_link_close(cxipi_link_env, ld->link);
	kfree(ld->received);
	return ret;
}

static void cxipi_link_remove(struct pci_dev *pdev)
{
	struct cxipi_link_dev *ld = pci_get_drvdata(pdev);

	cxipi_link_sysfs_del(ld);
	if (ld->role == CXIPI_LINK_HOST) {
		/* No send reaches the link after the grace period. */
		RCU_INIT_POINTER(cxipi_links_array()[ld->cpu], NULL);
		synchronize_rcu();
	}
	free_irq(pci_irq_vector(pdev, CXIPI_LINK_VECTOR), ld);
	cancel_delayed_work_sync(&ld->open_work);
	/* Says down: the peer's rings latch in shared memory meanwhile. */
	cxipi_link_close(cxipi_link_env, ld->link);
	kfree(ld->received);
}

static const struct pci_device_id cxipi_link_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1110) }, {}
};
MODULE_DEVICE_TABLE(pci, cxipi_link_ids);

static struct pci_driver cxipi_link_driver = {
	.name = "cxipi-link",
	.id_table = cxipi_link_ids,
	.probe = cxipi_link_probe,
	.remove = cxipi_link_remove,
};

/* Unpublish the array; free it once no send can be reading it. */
static void cxipi_links_free(void)
{
	struct cxipi_link_dev __rcu **links = cxipi_links_array();

	RCU_INIT_POINTER(cxipi_coproc_links, NULL);
	synchronize_rcu();
	kfree(links);
}

/**
 * cxipi_link_init() - bind the doorbell devices present, and later ones
 *
 * Return: 0 or -errno.
 */
int cxipi_link_init(void)
{
	struct cxipi_link_dev __rcu **links;
	int ret;

	if (strcmp(link_role, "host") && strcmp(link_role, "endpoint") &&
	    strcmp(link_role, "none")) {
		pr_warn("link_role must be host, endpoint or none\n");
		return -EINVAL;
	}
	links = kcalloc(nr_cpu_ids, sizeof(*links), GFP_KERNEL);
	if (!links)
		return -ENOMEM;
	rcu_assign_pointer(cxipi_coproc_links, links);
	ret = cxipi_link_sysfs_init();
	if (ret)
		goto err;
	ret = pci_register_driver(&cxipi_link_driver);
	if (ret)
		goto err_sysfs;
	return 0;
err_sysfs:
	cxipi_link_sysfs_exit();
err:
	cxipi_links_free();
	return ret;
}

/**
 * cxipi_link_exit() - unbind every link
 */
void cxipi_link_exit(void)
{
	pci_unregister_driver(&cxipi_link_driver);
	cxipi_link_sysfs_exit();
	cxipi_links_free();
}
