/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one header where the freestanding C++ core and the kernel C shim meet.
 *
 * Rules of the boundary:
 *  - plain C types only, opaque handles, negative errno values;
 *  - the core never calls the kernel by name: what it needs (memory) comes
 *    through struct cxipi_env, which the shim fills;
 *  - every pointer says who owns it and for how long (OWNERSHIP comments).
 *
 * CPU masks cross the boundary as the kernel lays them out: an array of
 * unsigned long words, bit c of the mask being bit (c % BITS_PER_LONG) of
 * word (c / BITS_PER_LONG), with @nbits valid bits (nr_cpu_ids).
 */
#ifndef CXIPI_CORE_H
#define CXIPI_CORE_H

#ifdef __cplusplus
#include <stddef.h>
extern "C" {
#endif
/*
 * The only C user is the kernel shim, which includes <linux/types.h> (size_t,
 * bool) before this header: the core never sees a kernel header.
 */

/*
 * errno values the core returns, identical to the kernel's and glibc's:
 * shim/env.c fails the build when they are not the kernel's, and the host
 * tests check them against the C library's.
 */
#define CXIPI_EAGAIN 11
#define CXIPI_ENOMEM 12
#define CXIPI_EBUSY 16
#define CXIPI_EINVAL 22
#define CXIPI_ENOSPC 28
#define CXIPI_ERANGE 34
#define CXIPI_EPROTO 71

/**
 * struct cxipi_env - what the core needs from its host environment
 * @ctx: the environment's own state, passed back as the first argument of
 *	 each callback and never touched by the core
 * @zalloc: return @size bytes of zeroed memory, or NULL; may sleep
 * @free: release memory from @zalloc; NULL is a no-op
 *
 * OWNERSHIP: the table, and whatever @ctx points to, are owned by the
 * caller and must outlive every core object created with it.
 */
struct cxipi_env {
	void *ctx;
	void *(*zalloc)(void *ctx, size_t size);
	void (*free)(void *ctx, const void *ptr);
};

enum cxipi_domain_kind {
	CXIPI_KIND_PER_CPU = 1, /* one hwirq and one virq per target CPU */
	CXIPI_KIND_SINGLE = 2, /* one hwirq and one virq for all targets */
};

/**
 * enum cxipi_reserve_check - why a destination mask cannot be reserved
 *
 * Values follow the order in which irq_reserve_ipi() checks them, so the
 * shim can print the matching one-line warning.
 */
enum cxipi_reserve_check {
	CXIPI_RESERVE_OK = 0,
	CXIPI_RESERVE_NOT_POSSIBLE = 1,
	CXIPI_RESERVE_EMPTY = 2,
	CXIPI_RESERVE_HOLE = 3,
};

/**
 * struct cxipi_reserve_plan - the shape of a valid reservation
 * @nr_virqs: virqs to allocate: weight of dest (PER_CPU) or 1 (SINGLE)
 * @offset: first CPU of dest; the virq of CPU c is base + c - offset
 * @weight: number of target CPUs
 */
struct cxipi_reserve_plan {
	unsigned int nr_virqs;
	unsigned int offset;
	unsigned int weight;
};

/*
 * Validate @dest against @possible for a domain of @kind and, when valid,
 * describe the reservation in @plan.  Both masks have @nbits bits.
 * OWNERSHIP: @dest, @possible and @plan are borrowed for the call.
 */
enum cxipi_reserve_check cxipi_reserve_check(enum cxipi_domain_kind kind,
					     const unsigned long *dest,
					     const unsigned long *possible,
					     unsigned int nbits,
					     struct cxipi_reserve_plan *plan);

/* ---- reservations ------------------------------------------------------ */

struct cxipi_resv;

/*
 * Record a reservation of @kind whose first virq is @base_virq, targeting
 * @dest (@nbits bits, already validated).  Returns NULL when out of memory.
 * OWNERSHIP: the caller owns the result until cxipi_resv_free(); @dest is
 * copied.
 */
struct cxipi_resv *cxipi_resv_create(const struct cxipi_env *env,
				     enum cxipi_domain_kind kind,
				     unsigned int base_virq,
				     const unsigned long *dest,
				     unsigned int nbits);
void cxipi_resv_free(const struct cxipi_env *env, struct cxipi_resv *resv);
/* Bytes cxipi_resv_create() allocates for a mask of @nbits bits. */
size_t cxipi_resv_footprint(unsigned int nbits);

enum cxipi_domain_kind cxipi_resv_kind(const struct cxipi_resv *resv);
unsigned int cxipi_resv_base(const struct cxipi_resv *resv);
unsigned int cxipi_resv_nr_virqs(const struct cxipi_resv *resv);
/*
 * OWNERSHIP: the returned words belong to @resv and live as long as it.
 */
const unsigned long *cxipi_resv_targets(const struct cxipi_resv *resv);

/*
 * The virq that carries an IPI to @cpu, or 0 when @cpu is not a target
 * (including @cpu >= nbits).  Lock-free and O(1).
 */
unsigned int cxipi_resv_virq_of(const struct cxipi_resv *resv,
				unsigned int cpu);

/*
 * The virq the per-CPU layout gives @cpu (base + cpu - offset; base on a
 * SINGLE domain), whether or not @cpu is still a target.  For freeing the
 * virqs of CPUs just removed; meaningful only for a CPU that was a target
 * (so cpu >= offset).
 */
unsigned int cxipi_resv_layout_virq(const struct cxipi_resv *resv,
				    unsigned int cpu);

/*
 * Doorbells, for a reservation on a provider whose hwirqs follow the
 * virqs' layout (the hwirq of virq v is @hwirq_base + v - base, so the one
 * hwirq on a SINGLE domain): a sender then rings @owner's doorbell without
 * looking up the virq's irq data.  Set before the reservation is
 * published; the owner is NULL until then and for other providers.
 * cxipi_resv_layout_doorbell() is the hwirq of the virq the layout gives
 * @cpu (see cxipi_resv_layout_virq()), for a CPU that was a target.
 * cxipi_resv_doorbell_of() is, in one call for a single send, the owner
 * and in @hwirq the doorbell of @cpu when it is a target, else NULL.
 * OWNERSHIP: @owner is the caller's, kept and handed back untouched.
 */
void cxipi_resv_set_doorbells(struct cxipi_resv *resv, void *owner,
			      unsigned int hwirq_base);
void *cxipi_resv_doorbell_owner(const struct cxipi_resv *resv);
unsigned int cxipi_resv_layout_doorbell(const struct cxipi_resv *resv,
					unsigned int cpu);
void *cxipi_resv_doorbell_of(const struct cxipi_resv *resv, unsigned int cpu,
			     unsigned int *hwirq);

/*
 * 0 when every CPU of @mask (@nbits bits) is a target, else -CXIPI_EINVAL.
 * Lock-free, no allocation, one pass over the mask's words.
 */
int cxipi_resv_check_mask(const struct cxipi_resv *resv,
			  const unsigned long *mask);

/*
 * Call @send(ctx, cpu, virq) for each CPU of @mask, lowest first, with the
 * virq that carries an IPI to it.  @mask must have been checked with
 * cxipi_resv_check_mask().  Lock-free, no allocation.
 * OWNERSHIP: @mask is borrowed for the call; @ctx is passed through.
 */
void cxipi_resv_fan_out(const struct cxipi_resv *resv,
			const unsigned long *mask,
			void (*send)(void *ctx, unsigned int cpu,
				     unsigned int virq),
			void *ctx);

/* ---- send routes: what to call on a chip, given what it has ------------- */

enum cxipi_send_via {
	CXIPI_SEND_NONE = 0, /* the chip cannot send: -EINVAL */
	CXIPI_SEND_SINGLE = 1, /* chip->ipi_send_single, per CPU */
	CXIPI_SEND_MASK = 2, /* chip->ipi_send_mask, once */
};

/* Route of a send to one CPU: single, else mask with one CPU (D5). */
enum cxipi_send_via cxipi_route_single(bool chip_has_single,
				       bool chip_has_mask);
/* Route of a send to a mask: mask, else single for each CPU (D5). */
enum cxipi_send_via cxipi_route_mask(bool chip_has_single, bool chip_has_mask);

/* ---- registry: virq -> reservation ------------------------------------- */

struct cxipi_registry;

/*
 * A table resolving every virq of a reservation to that reservation.
 * Lookups are lock-free; insert and remove must be serialized by the caller,
 * and a removed reservation may only be freed after every concurrent lookup
 * has finished (the shim waits for an RCU grace period).
 * OWNERSHIP: the caller owns the registry until cxipi_registry_destroy(); the
 * registry never owns the reservations it points to.
 */
struct cxipi_registry *cxipi_registry_create(const struct cxipi_env *env);
void cxipi_registry_destroy(const struct cxipi_env *env,
			    struct cxipi_registry *reg);
/* 0, -CXIPI_ENOMEM, -CXIPI_ERANGE (virq too large), -CXIPI_EBUSY (taken). */
int cxipi_registry_insert(const struct cxipi_env *env,
			  struct cxipi_registry *reg, struct cxipi_resv *resv);
void cxipi_registry_remove(struct cxipi_registry *reg,
			   const struct cxipi_resv *resv);
/*
 * Remove the CPUs of @dest from @resv's targets and unpublish the virqs that
 * no longer carry an IPI: on PER_CPU, the virq of each removed CPU; on
 * SINGLE, the one virq once no target remains.  Returns how many targets
 * remain, or -CXIPI_EINVAL (nothing changed) when @dest is empty or not a
 * subset of the targets.  The caller frees the unpublished virqs, and @resv
 * when none remain, after a grace period.
 */
int cxipi_registry_remove_targets(struct cxipi_registry *reg,
				  struct cxipi_resv *resv,
				  const unsigned long *dest);
/*
 * Some reservation that has a virq published, or NULL when none has: for
 * tearing down what users left behind.  Serialized like the writers.
 */
struct cxipi_resv *cxipi_registry_any(const struct cxipi_registry *reg);
/* The reservation owning @virq, or NULL.  Safe against concurrent writers. */
struct cxipi_resv *cxipi_registry_lookup(const struct cxipi_registry *reg,
					 unsigned int virq);

/* ---- hwirq pool of a provider domain ------------------------------------ */

struct cxipi_hwirq_pool;

/* OWNERSHIP: the caller owns the pool until cxipi_hwirq_pool_destroy(). */
struct cxipi_hwirq_pool *cxipi_hwirq_pool_create(const struct cxipi_env *env,
						 unsigned int capacity);
void cxipi_hwirq_pool_destroy(const struct cxipi_env *env,
			      struct cxipi_hwirq_pool *pool);
/*
 * Claim @count contiguous hwirqs; the first one is stored in @first.
 * Returns 0, -CXIPI_EINVAL for a zero count, or -CXIPI_ENOSPC.  Callers
 * serialize claims and releases.
 */
int cxipi_hwirq_pool_claim(struct cxipi_hwirq_pool *pool, unsigned int count,
			   unsigned int *first);
/* Release hwirqs one range at a time; releasing a free hwirq is -EINVAL. */
int cxipi_hwirq_pool_release(struct cxipi_hwirq_pool *pool, unsigned int first,
			     unsigned int count);
unsigned int cxipi_hwirq_pool_free_count(const struct cxipi_hwirq_pool *pool);
unsigned int cxipi_hwirq_pool_capacity(const struct cxipi_hwirq_pool *pool);

/* ---- doorbell banks: per-CPU pending hwirq bits -------------------------- */

struct cxipi_doorbells;

enum cxipi_raise {
	CXIPI_RAISE_COALESCED = 0, /* already pending: nothing new to deliver */
	CXIPI_RAISE_QUEUED = 1, /* pending now; a kick is already under way */
	CXIPI_RAISE_KICK = 2, /* pending now; the caller must kick the CPU */
};

/*
 * OWNERSHIP: the caller owns the banks until cxipi_doorbells_destroy().
 */
struct cxipi_doorbells *cxipi_doorbells_create(const struct cxipi_env *env,
					       unsigned int nr_cpus,
					       unsigned int nr_hwirqs);
void cxipi_doorbells_destroy(const struct cxipi_env *env,
			     struct cxipi_doorbells *bells);

/*
 * Set doorbell @hwirq of @cpu.  Lock-free, callable from any context.
 * Out-of-range arguments return -CXIPI_EINVAL.
 *
 * Ordering (the kernel's memory model; doorbells.hpp names each pairing):
 * the set is a release, so whatever consumes the doorbell (the handler a
 * drain runs, a take or an ack) sees the caller's earlier stores, coalesced
 * or not.  When the raise returns CXIPI_RAISE_KICK or CXIPI_RAISE_QUEUED, a
 * full barrier follows the set: the caller's later accesses, the kick's
 * among them, come after it, and a kick that finds its cross-CPU call still
 * queued (-EBUSY) loses nothing.
 */
int cxipi_doorbells_raise(struct cxipi_doorbells *bells, unsigned int cpu,
			  unsigned int hwirq);

/*
 * A drain of @cpu's bank, run on @cpu, one at a time: drain_begin, then
 * drain_next until it returns 0; the caller delivers each doorbell
 * itself, so that it calls its handlers directly.
 *
 * drain_begin clears the bank's kick-in-flight word (the kick that runs
 * the drain has landed), so that a raise that races with the drain either
 * is delivered by it or sends a new kick.  drain_next takes the unmasked
 * pending doorbells of the first word from *@word on that has any, sets
 * *@word to that word and returns them: bit b is hwirq
 * *@word * BITS_PER_LONG + b.  0 when none is left; the caller then goes
 * on from *@word + 1 or stops.  Words with nothing to deliver cost a plain
 * read each, no read-modify-write.
 *
 * Ordering: a full barrier follows the clear, so the drain's reads of the
 * masks and doorbells come after the caller's earlier accesses (the unlock
 * of the cross-CPU call that runs it among them); each doorbell is taken
 * with acquire, so its delivery sees what its raisers stored before
 * raising it.
 */
void cxipi_doorbells_drain_begin(struct cxipi_doorbells *bells,
				 unsigned int cpu);
unsigned long cxipi_doorbells_drain_next(struct cxipi_doorbells *bells,
					 unsigned int cpu, unsigned int *word);

/*
 * Whether doorbell @hwirq of @cpu is pending (for tests and sysfs).  An
 * acquire: when it is, the raisers' earlier stores are seen.
 */
bool cxipi_doorbells_pending(const struct cxipi_doorbells *bells,
			     unsigned int cpu, unsigned int hwirq);

/*
 * Mask @hwirq on every CPU: raises still latch, drains leave it pending.
 * Lock-free.  Out-of-range @hwirq is ignored.  Unordered: a drain that
 * read the mask just before may still deliver @hwirq once (the flow
 * handler then finds the irq disabled and leaves it pending).
 */
void cxipi_doorbells_mask(struct cxipi_doorbells *bells, unsigned int hwirq);

/*
 * The kick-in-flight word of @cpu's bank, set exactly while a kick is in
 * flight to @cpu, for the kicks the shim sends outside a raise or an
 * unmask.  claim_kick: set it; true when it was clear, and the caller then
 * owns the one kick and must send it.  cancel_kick: clear it, for a
 * claimed kick that was not sent or will not drain (the CPU went offline,
 * or is not Linux's).  Both are fully ordered.  Out-of-range @cpu:
 * claim_kick is false, cancel_kick does nothing.
 */
bool cxipi_doorbells_claim_kick(struct cxipi_doorbells *bells,
				unsigned int cpu);
void cxipi_doorbells_cancel_kick(struct cxipi_doorbells *bells,
				 unsigned int cpu);

/*
 * Unmask @hwirq and call @kick(ctx, cpu) for each CPU where it is latched
 * and no kick is under way, so that what was latched is delivered once.
 * A full barrier follows the unmasking: against a concurrent raise and
 * drain, either this finds the doorbell latched or the drain finds it
 * unmasked.
 */
void cxipi_doorbells_unmask(struct cxipi_doorbells *bells, unsigned int hwirq,
			    void (*kick)(void *ctx, unsigned int cpu),
			    void *ctx);

/*
 * The CPU that last drained @hwirq (for replaying an IPI the flow handler
 * left pending), or -CXIPI_EINVAL when it was never delivered.
 */
int cxipi_doorbells_last_cpu(const struct cxipi_doorbells *bells,
			     unsigned int hwirq);

/*
 * For a coprocessor endpoint: take (acknowledge) the lowest pending
 * doorbell of @cpu into @hwirq.  Returns 1 when one was taken, 0 when none
 * is pending, -CXIPI_EINVAL for a bad @cpu.  Masks do not apply: they are
 * the Linux side's.  Lock-free; an acquire, like a drain's, and each
 * doorbell is consumed once, by a take, an ack or a drain.
 */
int cxipi_doorbells_take(struct cxipi_doorbells *bells, unsigned int cpu,
			 unsigned int *hwirq);

/*
 * For a coprocessor endpoint: acknowledge doorbell @hwirq of @cpu.  Returns
 * 1 when it was pending (and is now clear), 0 when it was not, and
 * -CXIPI_EINVAL for bad arguments.  Lock-free; an acquire, as take.
 */
int cxipi_doorbells_ack(struct cxipi_doorbells *bells, unsigned int cpu,
			unsigned int hwirq);

/*
 * Give @hwirq a clean start (or end): masked, nothing pending on any CPU,
 * never delivered.  For when its virq is allocated or freed; the caller
 * makes sure nobody raises it meanwhile.  Each doorbell cleared counts as
 * dropped.  Unordered: the caller's own synchronization orders it.
 */
void cxipi_doorbells_reset(struct cxipi_doorbells *bells, unsigned int hwirq);

/*
 * Clear doorbell @hwirq at @cpu only, counting it as dropped when it was
 * pending; its mask, its other CPUs and its last-draining CPU are left
 * alone.  For a SINGLE domain losing some of its targets: the removed
 * CPUs' latched doorbells go, the others' stay.  Out-of-range arguments
 * are ignored.  Lock-free; the caller makes sure nobody raises @hwirq at
 * @cpu meanwhile.  A concurrent drain, take or ack is harmless: the
 * doorbell is then consumed once, by one of them.  Unordered, as reset.
 */
void cxipi_doorbells_drop(struct cxipi_doorbells *bells, unsigned int cpu,
			  unsigned int hwirq);

/**
 * struct cxipi_doorbell_stats - the books of one CPU's doorbell bank
 * @raised: raises of a doorbell of this CPU (out-of-range ones not
 *	    counted): the sum of the five below, since every raise either
 *	    coalesces or sets a doorbell that stays pending until it is
 *	    delivered, taken or dropped; a raise itself counts nothing
 * @coalesced: raises that found the doorbell already pending
 * @delivered: doorbells a drain on this CPU took and delivered
 * @taken: doorbells the coprocessor endpoint took or acknowledged
 * @dropped: pending doorbells a reset cleared (their virq came or went)
 * @pending: doorbells pending now, masked ones included
 *
 * Every doorbell raised is coalesced, delivered, taken, dropped or still
 * pending; callers check the books against their own counts of raises.
 */
struct cxipi_doorbell_stats {
	unsigned long raised;
	unsigned long coalesced;
	unsigned long delivered;
	unsigned long taken;
	unsigned long dropped;
	unsigned long pending;
};

/*
 * Read the books of @cpu into @stats: 0, or -CXIPI_EINVAL for a bad @cpu.
 * Lock-free; the counters are kept with relaxed accesses on the paths
 * above (no lock, no allocation), so while they move the fields are not a
 * consistent snapshot.
 * OWNERSHIP: @stats is borrowed for the call.
 */
int cxipi_doorbells_stats(const struct cxipi_doorbells *bells, unsigned int cpu,
			  struct cxipi_doorbell_stats *stats);

/* ---- doorbell links: doorbells to another machine through shared memory - */

#include <cxipi/link_layout.h>

struct cxipi_link;

enum cxipi_link_role {
	CXIPI_LINK_HOST = 1, /* Linux: rings the coprocessor, is rung by it */
	CXIPI_LINK_ENDPOINT = 2, /* the coprocessor's side */
};

/**
 * struct cxipi_link_geometry - what sizes a link's layout
 * @nr_cpus: Linux CPU numbers the coprocessor may ring (nr_cpu_ids)
 * @coproc_cpu: the CPU number Linux gives the coprocessor
 * @nr_banks: banks, one per IPI domain, at most CXIPI_LINK_MAX_BANKS
 * @nr_hwirqs: doorbells of each bank
 */
struct cxipi_link_geometry {
	unsigned int nr_cpus;
	unsigned int coproc_cpu;
	unsigned int nr_banks;
	unsigned int nr_hwirqs[CXIPI_LINK_MAX_BANKS];
};

/**
 * struct cxipi_link_event - a doorbell the other side rang
 * @bank: its bank (IPI domain)
 * @cpu: the CPU it was rung at: a Linux CPU (host), coproc_cpu (endpoint)
 * @hwirq: the doorbell
 * @count: rings since it was last consumed, at least 1: one delivery, and
 *	   @count - 1 coalesced
 */
struct cxipi_link_event {
	unsigned int bank;
	unsigned int cpu;
	unsigned int hwirq;
	unsigned int count;
};

/**
 * struct cxipi_link_peer - the other side, as its own words say
 * @compatible: its header has the right magic and version (and, seen from
 *		the endpoint, the layout has not changed since it opened)
 * @up: it says it is up
 * @id: its doorbell id, or -1 when it says one past 16 bits
 */
struct cxipi_link_peer {
	bool compatible;
	bool up;
	int id;
};

/**
 * struct cxipi_link_stats - the books of one side of a link
 * @posted: rings this side wrote
 * @received: doorbells of the other side's consumed, one per delivery
 * @coalesced: rings of the other side's that met a pending doorbell
 * @backwards: counters of the other side's found lower than before,
 *	       ignored (a peer that lost its counters, or garbage)
 * @refused: scans not made because the other side was not compatible
 * @unacked: (host) doorbells rung at the peer and not consumed yet
 */
struct cxipi_link_stats {
	unsigned long posted;
	unsigned long received;
	unsigned long coalesced;
	unsigned long backwards;
	unsigned long refused;
	unsigned long unacked;
};

/*
 * Bytes of shared memory the layout of @geo needs, or 0 when @geo is
 * beyond the layout's limits (CXIPI_LINK_MAX_*).
 */
size_t cxipi_link_bytes(const struct cxipi_link_geometry *geo);

/*
 * Open the host side on @shm (@bytes long, in the host's address space for
 * as long as the link is open): when it holds a layout of the same
 * geometry, go on with its counters (a reload loses no doorbell); else
 * write a new one, zeroing both areas.  Then say up, with doorbell id
 * @self_id.  *@err: 0, -CXIPI_EINVAL (bad geometry), -CXIPI_ENOSPC (the
 * memory is too small), -CXIPI_ENOMEM.
 * OWNERSHIP: the caller owns the result until cxipi_link_close(); @shm
 * is borrowed for as long.
 */
struct cxipi_link *cxipi_link_open_host(const struct cxipi_env *env, void *shm,
					size_t bytes,
					const struct cxipi_link_geometry *geo,
					unsigned int self_id, int *err);
/*
 * Open the endpoint side: check the host's layout word by word against
 * the one its geometry gives (the endpoint trusts no offset it did not
 * compute), keep its own copy, go on from its own area's counters when it
 * had synced to this layout, and say up.  *@err: 0, -CXIPI_EAGAIN (the
 * host is not up), -CXIPI_EPROTO (a layout it does not accept),
 * -CXIPI_ENOMEM.
 */
struct cxipi_link *cxipi_link_open_endpoint(const struct cxipi_env *env,
					    void *shm, size_t bytes,
					    unsigned int self_id, int *err);
/*
 * Say down in this side's header (the endpoint: only while the host's
 * layout is still the one it opened), and free the link.
 */
void cxipi_link_close(const struct cxipi_env *env, struct cxipi_link *link);

/* The geometry the link was opened with. */
void cxipi_link_get_geometry(const struct cxipi_link *link,
			     struct cxipi_link_geometry *geo);

/**
 * struct cxipi_link_offsets - where a link's layout put each array
 * @bytes: bytes the layout uses
 * @peer: the peer area's offset
 * @down: each bank's down counters
 * @ack: each bank's acks
 * @up: each bank's up counters
 */
struct cxipi_link_offsets {
	unsigned int bytes;
	unsigned int peer;
	unsigned int down[CXIPI_LINK_MAX_BANKS];
	unsigned int ack[CXIPI_LINK_MAX_BANKS];
	unsigned int up[CXIPI_LINK_MAX_BANKS];
};

void cxipi_link_get_offsets(const struct cxipi_link *link,
			    struct cxipi_link_offsets *offsets);

/*
 * Ring doorbell @hwirq of @bank at @cpu: the coprocessor (host; @cpu must
 * be coproc_cpu) or a Linux CPU (endpoint).  Bumps its counter in shared
 * memory; the caller then rings the other side's interrupt.  Callers
 * serialize posts.  0 or -CXIPI_EINVAL.
 *
 * Ordering: the counter's store comes before the caller's doorbell write
 * only if the caller orders them (the kernel's writel() does: L1 in
 * Documentation/cxipi-link.rst).
 */
int cxipi_link_post(struct cxipi_link *link, unsigned int bank,
		    unsigned int cpu, unsigned int hwirq);

/*
 * A scan of what the other side rang, after its interrupt: scan_begin,
 * then scan_next from *@cursor = 0 until it returns false.  Callers
 * serialize scans.  scan_begin is a read barrier (L2: the counters read
 * after it are those written before the doorbell that raised the
 * interrupt), then checks the other side's header: -CXIPI_EPROTO when it
 * is not compatible (counted as refused; no scan), 0 otherwise.  Every
 * counter is read once; indices come from the link's own geometry, never
 * from shared memory.
 */
int cxipi_link_scan_begin(struct cxipi_link *link);
bool cxipi_link_scan_next(struct cxipi_link *link, unsigned int *cursor,
			  struct cxipi_link_event *event);

void cxipi_link_get_peer(const struct cxipi_link *link,
			 struct cxipi_link_peer *peer);
void cxipi_link_get_stats(const struct cxipi_link *link,
			  struct cxipi_link_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* CXIPI_CORE_H */
