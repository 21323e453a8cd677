// SPDX-License-Identifier: GPL-2.0
// A doorbell link: doorbells rung across machines through shared memory
// and a doorbell device, laid out as cxipi/link_layout.h says.  Each word
// of shared memory has one writer, so neither side needs an atomic
// read-modify-write of the other's memory (which an emulator or a
// non-coherent bus may not give): a ring bumps a counter this side owns,
// and the other side consumes it by comparing with the last value it saw.
//
// The other side is not trusted.  The endpoint accepts the host's layout
// only if it equals the one the host's geometry gives; neither side reads
// an offset, size or index from shared memory after opening; each counter
// is read once per scan, and what it says can only make the scan report a
// doorbell of the link's own geometry (or count a counter that went
// backwards).  Which of those doorbells may be delivered is the shim's to
// decide, against the reservations.
//
// Ordering, against the kernel's memory model, across the two machines:
//  L1  post: the counter store, then the caller's doorbell write (writel()
//      orders earlier normal stores before the device write);
//  L2  scan_begin: a read barrier (smp_rmb()) after the interrupt the
//      doorbell raised, so the counters read are at least those stored
//      before it (pairs with L1); the shim adds the kernel's rmb() before
//      it, for a peer outside the CPUs' inner-shareable domain.  A ring that
//      lands during a scan is seen by this scan or by the next interrupt's,
//      which its own doorbell raises.
//  L3  open: a rewrite makes the generation odd, then (smp_wmb()) the
//      header's fields, then the next even generation and the state with
//      release; the endpoint reads state and generation with acquire,
//      refuses an odd one, reads the fields, then (smp_rmb()) the
//      generation again: a seqcount, so it never accepts a layout
//      rewritten under it.
#pragma once

#include <cxipi/core.h>

#include "atomic.hpp"
#include "handle.hpp"
#include "memory.hpp"
#include "result.hpp"

namespace cxipi
{

using U32 = unsigned int;
static_assert(sizeof(U32) == 4, "the layout's words are 32 bits");

// Where each array of one layout lives: computed from a geometry, the same
// way on both sides.
struct LinkLayout {
	U32 nr_cpus = 0;
	U32 coproc_cpu = 0;
	U32 nr_banks = 0;
	U32 nr_hwirqs[CXIPI_LINK_MAX_BANKS] = {};
	U32 down[CXIPI_LINK_MAX_BANKS] = {}; // byte offsets
	U32 ack[CXIPI_LINK_MAX_BANKS] = {};
	U32 up[CXIPI_LINK_MAX_BANKS] = {};
	U32 peer_offset = 0;
	U32 peer_bytes = 0;
	U32 bytes = 0;
	U32 down_words = 0; // down (or ack) counters, all banks
	U32 up_words = 0; // up counters, all banks

	static Result<LinkLayout> of(const cxipi_link_geometry &geo);
	bool same_as(const LinkLayout &other) const;
};

class Link : TrailingStorage
{
public:
	static Result<Link *> open_host(const cxipi_env &env, void *shm,
					size_t bytes,
					const cxipi_link_geometry &geo,
					U32 self_id);
	static Result<Link *> open_endpoint(const cxipi_env &env, void *shm,
					    size_t bytes, U32 self_id);
	void close();

	const LinkLayout &layout() const { return layout_; }
	Status post(U32 bank, U32 cpu, U32 hwirq);
	Status scan_begin();
	bool scan_next(U32 &cursor, cxipi_link_event &event);
	cxipi_link_peer peer() const;
	cxipi_link_stats stats() const;

	Link() = default;

private:
	static Result<Link *> make(const cxipi_env &env, const LinkLayout &lay);
	U32 *word(U32 byte_offset) const { return shm_ + byte_offset / 4; }
	// This side's counters (out) and what it saw of the other's (in).
	U32 *out_counts() { return tail_of<U32>(this); }
	U32 *seen() { return tail_of<U32>(this) + out_words(); }
	U32 out_words() const;
	U32 in_words() const;
	U32 *out_word(U32 i) const;
	U32 *in_word(U32 i) const;
	bool host() const { return role_ == CXIPI_LINK_HOST; }
	void start_counts();
	void locate(U32 i, cxipi_link_event &event) const;

	U32 *shm_ = nullptr;
	cxipi_link_role role_ = CXIPI_LINK_HOST;
	LinkLayout layout_;
	U32 generation_ = 0;
	unsigned long posted_ = 0;
	unsigned long received_ = 0;
	unsigned long coalesced_ = 0;
	unsigned long backwards_ = 0;
	unsigned long refused_ = 0;
};

template <> struct ObjectOf<cxipi_link> {
	using type = Link;
};

} // namespace cxipi
