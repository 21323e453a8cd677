/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The shared-memory layout of a cxipi doorbell link, version 1: what a
 * coprocessor's firmware needs to talk to cxipi through a doorbell device
 * and shared memory.  Documentation/cxipi-link.rst explains it; this header
 * only names the numbers, in plain C with no include, so that firmware can
 * take it as it is.
 *
 * Every field is a 32-bit little-endian word, naturally aligned; offsets
 * are in bytes from the start of the shared memory.  Two areas, each
 * written by one side only:
 *
 *  host area, at 0, written by Linux (cxipi in the host role):
 *	header words (CXIPI_LINK_H_*), then one descriptor of
 *	CXIPI_LINK_BANK_WORDS words per bank (per cxipi IPI domain) from
 *	word CXIPI_LINK_H_BANKS, then each bank's down counters:
 *	u32 down[nr_hwirqs], the number of times Linux rang doorbell h at
 *	the coprocessor.
 *  peer area, at the host header's PEER_OFFSET (a multiple of 4096),
 *	written by the coprocessor (cxipi in the endpoint role, or firmware):
 *	header words (CXIPI_LINK_P_*), then per bank u32 ack[nr_hwirqs], the
 *	last down[h] the coprocessor consumed, and u32 up[nr_cpus][nr_hwirqs],
 *	the number of times it rang doorbell h at Linux CPU c.
 *
 * A doorbell is pending while its counter differs from what the other side
 * consumed: rings that meet a pending doorbell coalesce.  Counters wrap;
 * a difference of 2^31 or more is a counter that went backwards, which the
 * reader counts and ignores.
 */
#ifndef CXIPI_LINK_LAYOUT_H
#define CXIPI_LINK_LAYOUT_H

#define CXIPI_LINK_HOST_MAGIC 0x4c495843u /* "CXIL" in memory order */
#define CXIPI_LINK_PEER_MAGIC 0x50495843u /* "CXIP" in memory order */
#define CXIPI_LINK_VERSION 1u

#define CXIPI_LINK_MAX_BANKS 4u
#define CXIPI_LINK_MAX_CPUS 4096u
#define CXIPI_LINK_MAX_HWIRQS 65536u
#define CXIPI_LINK_ALIGN 64u /* arrays start on a cache line */
#define CXIPI_LINK_PEER_ALIGN 4096u /* the peer area starts on a page */

/* Host header: word indices. */
#define CXIPI_LINK_H_MAGIC 0
#define CXIPI_LINK_H_VERSION 1
#define CXIPI_LINK_H_BYTES 2 /* bytes the layout uses, both areas */
#define CXIPI_LINK_H_GENERATION 3 /* even; odd while the host rewrites */
#define CXIPI_LINK_H_STATE 4 /* CXIPI_LINK_DOWN or CXIPI_LINK_UP */
#define CXIPI_LINK_H_ID 5 /* Linux's doorbell id (ivshmem: IVPosition) */
#define CXIPI_LINK_H_COPROC_CPU 6 /* the CPU number Linux gives the peer */
#define CXIPI_LINK_H_NR_CPUS 7 /* rows of each up[][] */
#define CXIPI_LINK_H_NR_BANKS 8
#define CXIPI_LINK_H_PEER_OFFSET 9
#define CXIPI_LINK_H_PEER_BYTES 10
#define CXIPI_LINK_H_BANKS 16 /* first bank descriptor */

/* Bank descriptor: word indices within it. */
#define CXIPI_LINK_B_NR_HWIRQS 0
#define CXIPI_LINK_B_DOWN_OFFSET 1 /* in the host area */
#define CXIPI_LINK_B_ACK_OFFSET 2 /* in the peer area */
#define CXIPI_LINK_B_UP_OFFSET 3 /* in the peer area */
#define CXIPI_LINK_BANK_WORDS 4

/* Peer header: word indices from PEER_OFFSET. */
#define CXIPI_LINK_P_MAGIC 0
#define CXIPI_LINK_P_VERSION 1
#define CXIPI_LINK_P_GENERATION 2 /* the host generation it has synced to */
#define CXIPI_LINK_P_STATE 3 /* CXIPI_LINK_DOWN or CXIPI_LINK_UP */
#define CXIPI_LINK_P_ID 4 /* the peer's doorbell id */
#define CXIPI_LINK_P_WORDS 16 /* header words before the arrays */

#define CXIPI_LINK_DOWN 0u
#define CXIPI_LINK_UP 1u

#endif /* CXIPI_LINK_LAYOUT_H */
