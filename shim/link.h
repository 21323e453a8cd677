/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the doorbell link transport (link.c) and its sysfs files. */
#ifndef CXIPI_LINK_H
#define CXIPI_LINK_H

#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "cxipi_shim.h"

#define CXIPI_LINK_MAX_ECHOES 16
/* An echo rule's @hwirq and @to_hwirq for "any doorbell, back as itself". */
#define CXIPI_LINK_ECHO_ANY UINT_MAX

/**
 * struct cxipi_link_echo - an endpoint's rule: ring back when rung
 * @bank: the doorbell received: its bank
 * @hwirq: and its hwirq
 * @to_cpu: the host CPU to ring
 * @to_hwirq: the doorbell to ring there (same bank)
 */
struct cxipi_link_echo {
	unsigned int bank;
	unsigned int hwirq;
	unsigned int to_cpu;
	unsigned int to_hwirq;
};

/**
 * struct cxipi_link_dev - one doorbell device bound to a link
 * @pdev: the device
 * @regs: its registers (BAR0)
 * @shm: its shared memory (BAR2), mapped as memory
 * @shm_bytes: the size of @shm
 * @role: CXIPI_LINK_HOST or CXIPI_LINK_ENDPOINT
 * @self_id: this side's doorbell id (ivshmem: IVPosition)
 * @cpu: (host) the coprocessor CPU the peer is
 * @link: the core's link; on the endpoint NULL until the host is up, and
 *	  replaced (under both locks) when the host's layout changes
 * @post_lock: serializes posts and doorbell writes
 * @scan_lock: serializes scans; taken before @post_lock
 * @open_lock: serializes the endpoint's (re)opening
 * @open_work: the endpoint's (re)opening
 * @open_error: the last error of opening, logged once per change
 * @kobj: its sysfs directory, links/<device>/
 * @interrupts: interrupts taken
 * @rings: doorbell writes to the other side
 * @delivered: (host) peer rings handed to the Linux CPU they name;
 *	       (endpoint) doorbells received
 * @rejected: (host) peer rings of a doorbell not reserved for it
 * @received: (endpoint) per bank and hwirq, doorbells received
 * @nr_received: entries of @received
 * @nr_banks: (endpoint) banks of the layout, 0 while it has none
 * @bank_base: (endpoint) each bank's first entry in @received
 * @echoes: (endpoint) ring-back rules, under @post_lock
 * @nr_echoes: how many
 */
struct cxipi_link_dev {
	struct pci_dev *pdev;
	void __iomem *regs;
	void *shm;
	size_t shm_bytes;
	enum cxipi_link_role role;
	unsigned int self_id;
	unsigned int cpu;
	struct cxipi_link *link;
	raw_spinlock_t post_lock;
	raw_spinlock_t scan_lock;
	struct mutex open_lock; /* the endpoint's (re)opening */
	struct delayed_work open_work;
	int open_error;
	struct kobject *kobj;
	unsigned long interrupts;
	unsigned long rings;
	unsigned long delivered;
	unsigned long rejected;
	unsigned long *received;
	unsigned int nr_received;
	unsigned int nr_banks;
	unsigned int bank_base[CXIPI_LINK_MAX_BANKS];
	struct cxipi_link_echo echoes[CXIPI_LINK_MAX_ECHOES];
	unsigned int nr_echoes;
};

/* Counters read locklessly by sysfs; their writers hold a lock. */
static inline void cxipi_link_count(unsigned long *counter)
{
	WRITE_ONCE(*counter, *counter + 1);
}

/* link.c */
int cxipi_link_raise(struct cxipi_link_dev *ld, unsigned int bank,
		     unsigned int cpu, unsigned int hwirq, unsigned int times);
void cxipi_link_ring_raw(struct cxipi_link_dev *ld, unsigned int times);

/* sysfs_link.c */
int cxipi_link_sysfs_init(void);
void cxipi_link_sysfs_exit(void);
int cxipi_link_sysfs_add(struct cxipi_link_dev *ld);
void cxipi_link_sysfs_del(struct cxipi_link_dev *ld);

#endif /* CXIPI_LINK_H */
