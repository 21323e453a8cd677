// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/cxipi/links/<device>/: one directory per doorbell device
 * bound to a link (link.c).
 *   role, cpu, peer, stats, layout    both roles
 *   raise, ring, poke, echo, received    the endpoint's, the coprocessor's
 *			own tools (a coprocessor may write anything into
 *			its shared memory: poke is how tests play a
 *			hostile one)
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "link.h"

static struct kobject *cxipi_links_kobj;

/* The directory of a link; its device outlives its callbacks. */
struct cxipi_link_kobj {
	struct kobject kobj;
	struct cxipi_link_dev *ld;
};

#define to_ld(k) (container_of(k, struct cxipi_link_kobj, kobj)->ld)

static void cxipi_link_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct cxipi_link_kobj, kobj));
}

static const struct kobj_type cxipi_link_ktype = {
	.release = cxipi_link_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
};

static ssize_t role_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  to_ld(kobj)->role == CXIPI_LINK_HOST ? "host" :
								 "endpoint");
}

/* The coprocessor's CPU number on the host; -1 before the endpoint links. */
static ssize_t cpu_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	struct cxipi_link_dev *ld = to_ld(kobj);
	struct cxipi_link_geometry geo;
	unsigned long flags;
	int cpu = -1;

	raw_spin_lock_irqsave(&ld->post_lock, flags);
	if (ld->link) {
		cxipi_link_get_geometry(ld->link, &geo);
		cpu = geo.coproc_cpu;
	}
	raw_spin_unlock_irqrestore(&ld->post_lock, flags);
	return sysfs_emit(buf, "%d\n", cpu);
}

/* "<name> <byte offset>" of each array of the layout, as cpu. */
static ssize_t layout_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct cxipi_link_dev *ld = to_ld(kobj);
	struct cxipi_link_geometry geo = {};
	struct cxipi_link_offsets off = {};
	unsigned long flags;
	ssize_t len;
	int b;

	raw_spin_lock_irqsave(&ld->post_lock, flags);
	if (ld->link) {
		cxipi_link_get_geometry(ld->link, &geo);
		cxipi_link_get_offsets(ld->link, &off);
	}
	raw_spin_unlock_irqrestore(&ld->post_lock, flags);
	len = sysfs_emit(buf, "bytes %u\npeer %u\n", off.bytes, off.peer);
	for (b = 0; b < geo.nr_banks; b++) {
		len += sysfs_emit_at(buf, len, "hwirqs%d %u\ndown%d %u\n", b,
				     geo.nr_hwirqs[b], b, off.down[b]);
		len += sysfs_emit_at(buf, len, "ack%d %u\nup%d %u\n", b,
				     off.ack[b], b, off.up[b]);
	}
	return len;
}

/* "<state> <id>": up, down, incompatible or unlinked; its doorbell id. */
static ssize_t peer_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct cxipi_link_dev *ld = to_ld(kobj);
	struct cxipi_link_peer peer = { .id = -1 };
	const char *state = "unlinked";
	unsigned long flags;

	raw_spin_lock_irqsave(&ld->post_lock, flags);
	if (ld->link) {
		cxipi_link_get_peer(ld->link, &peer);
		state = !peer.compatible ? "incompatible" :
			peer.up		 ? "up" :
					   "down";
	}
	raw_spin_unlock_irqrestore(&ld->post_lock, flags);
	return sysfs_emit(buf, "%s %d\n", state, peer.id);
}

/* One "<name> <count>" line each. */
static ssize_t stats_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	static const char *const names[] = {
		"posted",  "received",	"coalesced", "backwards",  "refused",
		"unacked", "delivered", "rejected",  "interrupts", "rings",
	};
	struct cxipi_link_dev *ld = to_ld(kobj);
	struct cxipi_link_stats s = {};
	unsigned long values[ARRAY_SIZE(names)], flags;
	ssize_t len = 0;
	int i;

	raw_spin_lock_irqsave(&ld->post_lock, flags);
	if (ld->link)
		cxipi_link_get_stats(ld->link, &s);
	raw_spin_unlock_irqrestore(&ld->post_lock, flags);
	values[0] = s.posted;
	values[1] = s.received;
	values[2] = s.coalesced;
	values[3] = s.backwards;
	values[4] = s.refused;
	values[5] = s.unacked;
	values[6] = READ_ONCE(ld->delivered);
	values[7] = READ_ONCE(ld->rejected);
	values[8] = READ_ONCE(ld->interrupts);
	values[9] = READ_ONCE(ld->rings);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		len += sysfs_emit_at(buf, len, "%s %lu\n", names[i], values[i]);
	return len;
}

/* "<bank> <cpu> <hwirq> [times]": ring the host's CPU. */
static ssize_t raise_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	unsigned int bank, cpu, hwirq, times = 1;
	int n, ret;

	n = sscanf(buf, "%u %u %u %u", &bank, &cpu, &hwirq, &times);
	if (n < 3 || !times || times > 1000000)
		return -EINVAL;
	ret = cxipi_link_raise(to_ld(kobj), bank, cpu, hwirq, times);
	return ret ? ret : count;
}

/* "<times>": doorbell writes with nothing posted, a flood of them. */
static ssize_t ring_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	unsigned int times;

	if (kstrtouint(buf, 0, &times) || !times || times > 1000000)
		return -EINVAL;
	cxipi_link_ring_raw(to_ld(kobj), times);
	return count;
}

/* "<byte offset> <value>": write one word of shared memory, any word. */
static ssize_t poke_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct cxipi_link_dev *ld = to_ld(kobj);
	unsigned int offset, value;

	if (sscanf(buf, "%u %u", &offset, &value) != 2 || offset % 4 ||
	    offset >= ld->shm_bytes)
		return -EINVAL;
	WRITE_ONCE(*(u32 *)(ld->shm + offset), value);
	return count;
}

/* "<bank> <hwirq> <cpu> <hwirq>" or "<bank> any <cpu>": ring back; "clear". */
static ssize_t echo_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct cxipi_link_dev *ld = to_ld(kobj);
	struct cxipi_link_echo e;
	unsigned long flags;
	int ret = count;

	if (sysfs_streq(buf, "clear")) {
		raw_spin_lock_irqsave(&ld->post_lock, flags);
		ld->nr_echoes = 0;
		raw_spin_unlock_irqrestore(&ld->post_lock, flags);
		return count;
	}
	/* "<bank> any <cpu>": every doorbell, back at @cpu as itself. */
	if (sscanf(buf, "%u any %u", &e.bank, &e.to_cpu) == 2) {
		e.hwirq = CXIPI_LINK_ECHO_ANY;
		e.to_hwirq = CXIPI_LINK_ECHO_ANY;
	} else if (sscanf(buf, "%u %u %u %u", &e.bank, &e.hwirq, &e.to_cpu,
			  &e.to_hwirq) != 4 ||
		   e.hwirq == CXIPI_LINK_ECHO_ANY) {
		return -EINVAL;
	}
	raw_spin_lock_irqsave(&ld->post_lock, flags);
	if (ld->nr_echoes == CXIPI_LINK_MAX_ECHOES)
		ret = -ENOSPC;
	else
		ld->echoes[ld->nr_echoes++] = e;
	raw_spin_unlock_irqrestore(&ld->post_lock, flags);
	return ret;
}

/* "<bank> <hwirq> <count>" per doorbell received at least once. */
static ssize_t received_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct cxipi_link_dev *ld = to_ld(kobj);
	unsigned int b, h, i, next;
	char line[48];
	unsigned long n;
	ssize_t len = 0;

	mutex_lock(&ld->open_lock);
	for (b = 0; b < ld->nr_banks; b++) {
		next = b + 1 < ld->nr_banks ? ld->bank_base[b + 1] :
					      ld->nr_received;
		for (i = ld->bank_base[b], h = 0; i < next; i++, h++) {
			n = READ_ONCE(ld->received[i]);
			if (!n)
				continue;
			/* Never cut short: fail instead. */
			if (snprintf(line, sizeof(line), "%u %u %lu\n", b, h,
				     n) >= PAGE_SIZE - len) {
				len = -EFBIG;
				goto out;
			}
			len += sysfs_emit_at(buf, len, "%s", line);
		}
	}
out:
	mutex_unlock(&ld->open_lock);
	return len;
}

static struct kobj_attribute cxipi_link_attr_role = __ATTR_RO(role);
static struct kobj_attribute cxipi_link_attr_cpu = __ATTR_RO(cpu);
static struct kobj_attribute cxipi_link_attr_peer = __ATTR_RO(peer);
static struct kobj_attribute cxipi_link_attr_layout = __ATTR_RO(layout);
static struct kobj_attribute cxipi_link_attr_stats = __ATTR_RO(stats);
static struct kobj_attribute cxipi_link_attr_raise = __ATTR_WO(raise);
static struct kobj_attribute cxipi_link_attr_ring = __ATTR_WO(ring);
static struct kobj_attribute cxipi_link_attr_poke = __ATTR_WO(poke);
static struct kobj_attribute cxipi_link_attr_echo = __ATTR_WO(echo);
static struct kobj_attribute cxipi_link_attr_received = __ATTR_RO(received);

static struct attribute *cxipi_link_attrs[] = {
	&cxipi_link_attr_role.attr,
	&cxipi_link_attr_layout.attr,
	&cxipi_link_attr_cpu.attr,
	&cxipi_link_attr_peer.attr,
	&cxipi_link_attr_stats.attr,
	&cxipi_link_attr_raise.attr,
	&cxipi_link_attr_ring.attr,
	&cxipi_link_attr_poke.attr,
	&cxipi_link_attr_echo.attr,
	&cxipi_link_attr_received.attr,
	NULL,
};

/* The endpoint's tools (from raise on, above) only on the endpoint. */
static umode_t cxipi_link_visible(struct kobject *kobj, struct attribute *attr,
				  int n)
{
	const int first_tool = 5;

	if (to_ld(kobj)->role == CXIPI_LINK_HOST && n >= first_tool)
		return 0;
	return attr->mode;
}

static const struct attribute_group cxipi_link_group = {
	.attrs = cxipi_link_attrs,
	.is_visible = cxipi_link_visible,
};

/**
 * cxipi_link_sysfs_add() - publish links/<device>/ of a link
 * @ld: the link
 *
 * Return: 0 or -errno, with nothing left behind.
 */
int cxipi_link_sysfs_add(struct cxipi_link_dev *ld)
{
	struct cxipi_link_kobj *lk = kzalloc(sizeof(*lk), GFP_KERNEL);
	int ret;

	if (!lk)
		return -ENOMEM;
	lk->ld = ld;
	ret = kobject_init_and_add(&lk->kobj, &cxipi_link_ktype,
				   cxipi_links_kobj, "%s", pci_name(ld->pdev));
	if (!ret)
		ret = sysfs_create_group(&lk->kobj, &cxipi_link_group);
	if (ret) {
		kobject_put(&lk->kobj);
		return ret;
	}
	ld->kobj = &lk->kobj;
	return 0;
}

/**
 * cxipi_link_sysfs_del() - remove links/<device>/; no callback runs after
 * @ld: the link
 */
void cxipi_link_sysfs_del(struct cxipi_link_dev *ld)
{
	kobject_del(ld->kobj);
	kobject_put(ld->kobj);
	ld->kobj = NULL;
}

/**
 * cxipi_link_sysfs_init() - publish /sys/kernel/cxipi/links/
 *
 * Return: 0 or -ENOMEM.
 */
int cxipi_link_sysfs_init(void)
{
	cxipi_links_kobj = kobject_create_and_add("links", cxipi_sysfs_root());
	return cxipi_links_kobj ? 0 : -ENOMEM;
}

/**
 * cxipi_link_sysfs_exit() - remove /sys/kernel/cxipi/links/
 */
void cxipi_link_sysfs_exit(void)
{
	kobject_put(cxipi_links_kobj);
	cxipi_links_kobj = NULL;
}
