// SPDX-License-Identifier: GPL-2.0
// Doorbell links (link.hpp), and their C boundary.
#include "link.hpp"

namespace cxipi
{

namespace
{

constexpr U32 kBackwards = 0x80000000u;
constexpr U32 kHeaderWords =
	CXIPI_LINK_H_BANKS + CXIPI_LINK_MAX_BANKS * CXIPI_LINK_BANK_WORDS;

// @bytes rounded up to @align (a power of two), false when past 32 bits.
bool align_up(unsigned long long &bytes, U32 align)
{
	bytes = (bytes + align - 1) &
		~static_cast<unsigned long long>(align - 1);
	return bytes <= 0xffffffffull;
}

U32 descriptor_word(U32 bank, U32 field)
{
	return CXIPI_LINK_H_BANKS + bank * CXIPI_LINK_BANK_WORDS + field;
}

// Whether the host header @h describes @lay exactly.
bool header_matches(const U32 *h, const LinkLayout &lay)
{
	if (read_once(&h[CXIPI_LINK_H_BYTES]) != lay.bytes ||
	    read_once(&h[CXIPI_LINK_H_PEER_OFFSET]) != lay.peer_offset ||
	    read_once(&h[CXIPI_LINK_H_PEER_BYTES]) != lay.peer_bytes)
		return false;
	for (U32 b = 0; b < lay.nr_banks; b++) {
		const U32 *d = &h[descriptor_word(b, 0)];
		if (read_once(&d[CXIPI_LINK_B_NR_HWIRQS]) != lay.nr_hwirqs[b] ||
		    read_once(&d[CXIPI_LINK_B_DOWN_OFFSET]) != lay.down[b] ||
		    read_once(&d[CXIPI_LINK_B_ACK_OFFSET]) != lay.ack[b] ||
		    read_once(&d[CXIPI_LINK_B_UP_OFFSET]) != lay.up[b])
			return false;
	}
	return true;
}

// The geometry a host header states; LinkLayout::of() judges it.
cxipi_link_geometry header_geometry(const U32 *h)
{
	cxipi_link_geometry geo{};
	geo.nr_cpus = read_once(&h[CXIPI_LINK_H_NR_CPUS]);
	geo.coproc_cpu = read_once(&h[CXIPI_LINK_H_COPROC_CPU]);
	geo.nr_banks = read_once(&h[CXIPI_LINK_H_NR_BANKS]);
	for (U32 b = 0; b < CXIPI_LINK_MAX_BANKS && b < geo.nr_banks; b++)
		geo.nr_hwirqs[b] = read_once(
			&h[descriptor_word(b, CXIPI_LINK_B_NR_HWIRQS)]);
	return geo;
}

void zero_words(U32 *from, U32 n)
{
	for (U32 i = 0; i < n; i++)
		write_once(&from[i], 0);
}

void bump(unsigned long *counter, unsigned long n)
{
	write_once(counter, read_once(counter) + n);
}

} // namespace

Result<LinkLayout> LinkLayout::of(const cxipi_link_geometry &geo)
{
	LinkLayout lay;
	if (geo.nr_cpus == 0 || geo.nr_cpus > CXIPI_LINK_MAX_CPUS ||
	    geo.coproc_cpu >= geo.nr_cpus || geo.nr_banks == 0 ||
	    geo.nr_banks > CXIPI_LINK_MAX_BANKS)
		return Errc::invalid;
	lay.nr_cpus = geo.nr_cpus;
	lay.coproc_cpu = geo.coproc_cpu;
	lay.nr_banks = geo.nr_banks;
	// Every sum below stays far inside 64 bits: 4 banks of 65536
	// doorbells at 4096 CPUs is 2^32 bytes of up counters.
	unsigned long long host = kHeaderWords * 4ull,
			   peer = CXIPI_LINK_P_WORDS * 4ull;
	for (U32 b = 0; b < geo.nr_banks; b++) {
		const U32 n = geo.nr_hwirqs[b];
		if (n == 0 || n > CXIPI_LINK_MAX_HWIRQS)
			return Errc::invalid;
		lay.nr_hwirqs[b] = n;
		if (!align_up(host, CXIPI_LINK_ALIGN))
			return Errc::invalid;
		lay.down[b] = static_cast<U32>(host);
		host += n * 4ull;
		lay.down_words += n;
	}
	if (!align_up(host, CXIPI_LINK_PEER_ALIGN))
		return Errc::invalid;
	lay.peer_offset = static_cast<U32>(host);
	for (U32 b = 0; b < geo.nr_banks; b++) {
		const unsigned long long up =
			1ull * lay.nr_hwirqs[b] * geo.nr_cpus;
		if (!align_up(peer, CXIPI_LINK_ALIGN))
			return Errc::invalid;
		lay.ack[b] = static_cast<U32>(host + peer);
		peer += lay.nr_hwirqs[b] * 4ull;
		if (!align_up(peer, CXIPI_LINK_ALIGN))
			return Errc::invalid;
		lay.up[b] = static_cast<U32>(host + peer);
		peer += up * 4;
		if (lay.up_words + up > 0x3fffffffull)
			return Errc::invalid;
		lay.up_words += static_cast<U32>(up);
	}
	if (!align_up(peer, CXIPI_LINK_ALIGN) || host + peer > 0xffffffffull)
		return Errc::invalid;
	lay.peer_bytes = static_cast<U32>(peer);
	lay.bytes = static_cast<U32>(host + peer);
	return lay;
}

// The counters, numbered from 0 over all banks: the down space (host
// rings; and the endpoint's acks, index for index) is bank by bank, hwirq
// by hwirq; the up space (endpoint rings) is bank by bank, CPU by CPU,
// hwirq by hwirq.
U32 Link::out_words() const
{
	return host() ? layout_.down_words : layout_.up_words;
}

U32 Link::in_words() const
{
	return host() ? layout_.up_words : layout_.down_words;
}

namespace
{

// The byte offset of counter @i of the down (@up false) or up space, its
// down offsets taken from @base (down or ack).
U32 counter_offset(const LinkLayout &lay, const U32 *base, bool up, U32 i)
{
	for (U32 b = 0; b < lay.nr_banks; b++) {
		const U32 n = up ? lay.nr_hwirqs[b] * lay.nr_cpus :
				   lay.nr_hwirqs[b];
		if (i < n)
			return (up ? lay.up[b] : base[b]) + i * 4;
		i -= n;
	}
	__builtin_trap(); // callers pass i < the space's size
}

} // namespace

U32 *Link::out_word(U32 i) const
{
	return word(counter_offset(layout_, layout_.down, !host(), i));
}

U32 *Link::in_word(U32 i) const
{
	return word(counter_offset(layout_, layout_.down, host(), i));
}

void Link::locate(U32 i, cxipi_link_event &event) const
{
	for (U32 b = 0; b < layout_.nr_banks; b++) {
		const U32 n = layout_.nr_hwirqs[b];
		const U32 space = host() ? n * layout_.nr_cpus : n;
		if (i < space) {
			event.bank = b;
			event.cpu = host() ? i / n : layout_.coproc_cpu;
			event.hwirq = i % n;
			return;
		}
		i -= space;
	}
	__builtin_trap(); // callers pass i < in_words()
}

// Go on from the counters in shared memory: this side's own, and what the
// other side has rung so far (not delivered: what was rung before this
// side opened has no reservation to go to on the host, and the endpoint
// goes on from its own acks).
void Link::start_counts()
{
	for (U32 i = 0; i < out_words(); i++)
		out_counts()[i] = read_once(out_word(i));
	for (U32 i = 0; i < in_words(); i++)
		seen()[i] = read_once(
			host() ? in_word(i) :
				 word(counter_offset(layout_, layout_.ack,
						     false, i)));
}

// One call of the template, so that it is inlined (no COMDAT group).
Result<Link *> Link::make(const cxipi_env &env, const LinkLayout &lay)
{
	return create_with_tail<Link>(
		env, array_bytes(lay.down_words + lay.up_words, sizeof(U32)));
}

Result<Link *> Link::open_host(const cxipi_env &env, void *shm, size_t bytes,
			       const cxipi_link_geometry &geo, U32 self_id)
{
	const LinkLayout lay = CXIPI_TRY(LinkLayout::of(geo));
	if (lay.bytes > bytes)
		return Errc::no_space;
	Link *link = CXIPI_TRY(make(env, lay));
	link->shm_ = static_cast<U32 *>(shm);
	link->role_ = CXIPI_LINK_HOST;
	link->layout_ = lay;
	U32 *h = link->shm_;
	write_once(&h[CXIPI_LINK_H_STATE], CXIPI_LINK_DOWN);
	const bool same =
		read_once(&h[CXIPI_LINK_H_MAGIC]) == CXIPI_LINK_HOST_MAGIC &&
		read_once(&h[CXIPI_LINK_H_VERSION]) == CXIPI_LINK_VERSION &&
		read_once(&h[CXIPI_LINK_H_NR_CPUS]) == lay.nr_cpus &&
		read_once(&h[CXIPI_LINK_H_COPROC_CPU]) == lay.coproc_cpu &&
		read_once(&h[CXIPI_LINK_H_NR_BANKS]) == lay.nr_banks &&
		header_matches(h, lay);
	U32 generation = read_once(&h[CXIPI_LINK_H_GENERATION]);
	if (!same || generation % 2) {
		// L3: odd while the layout is rewritten (a seqcount), so
		// that an endpoint accepts it only before or after; the
		// generation word itself is never zeroed.
		generation = (generation + 1) | 1;
		write_once(&h[CXIPI_LINK_H_GENERATION], generation);
		wmb();
		zero_words(h, CXIPI_LINK_H_GENERATION);
		zero_words(&h[CXIPI_LINK_H_GENERATION + 1],
			   lay.bytes / 4 - CXIPI_LINK_H_GENERATION - 1);
		write_once(&h[CXIPI_LINK_H_MAGIC], CXIPI_LINK_HOST_MAGIC);
		write_once(&h[CXIPI_LINK_H_VERSION], CXIPI_LINK_VERSION);
		write_once(&h[CXIPI_LINK_H_BYTES], lay.bytes);
		write_once(&h[CXIPI_LINK_H_COPROC_CPU], lay.coproc_cpu);
		write_once(&h[CXIPI_LINK_H_NR_CPUS], lay.nr_cpus);
		write_once(&h[CXIPI_LINK_H_NR_BANKS], lay.nr_banks);
		write_once(&h[CXIPI_LINK_H_PEER_OFFSET], lay.peer_offset);
		write_once(&h[CXIPI_LINK_H_PEER_BYTES], lay.peer_bytes);
		for (U32 b = 0; b < lay.nr_banks; b++) {
			U32 *d = &h[descriptor_word(b, 0)];
			write_once(&d[CXIPI_LINK_B_NR_HWIRQS],
				   lay.nr_hwirqs[b]);
			write_once(&d[CXIPI_LINK_B_DOWN_OFFSET], lay.down[b]);
			write_once(&d[CXIPI_LINK_B_ACK_OFFSET], lay.ack[b]);
			write_once(&d[CXIPI_LINK_B_UP_OFFSET], lay.up[b]);
		}
		store_release(&h[CXIPI_LINK_H_GENERATION], ++generation);
	}
	link->generation_ = generation;
	link->start_counts();
	write_once(&h[CXIPI_LINK_H_ID], self_id);
	store_release(&h[CXIPI_LINK_H_STATE], CXIPI_LINK_UP);
	return link;
}

Result<Link *> Link::open_endpoint(const cxipi_env &env, void *shm,
				   size_t bytes, U32 self_id)
{
	if (bytes < kHeaderWords * 4)
		return Errc::protocol;
	const U32 *h = static_cast<const U32 *>(shm);
	// L3, the read side.
	if (load_acquire(&h[CXIPI_LINK_H_STATE]) != CXIPI_LINK_UP)
		return Errc::again;
	const U32 generation = load_acquire(&h[CXIPI_LINK_H_GENERATION]);
	if (generation % 2)
		return Errc::again;
	if (read_once(&h[CXIPI_LINK_H_MAGIC]) != CXIPI_LINK_HOST_MAGIC ||
	    read_once(&h[CXIPI_LINK_H_VERSION]) != CXIPI_LINK_VERSION)
		return Errc::protocol;
	const Result<LinkLayout> checked = LinkLayout::of(header_geometry(h));
	if (!checked.ok())
		return Errc::protocol;
	const LinkLayout lay = checked.value();
	if (!header_matches(h, lay) || lay.bytes > bytes)
		return Errc::protocol;
	rmb();
	if (read_once(&h[CXIPI_LINK_H_GENERATION]) != generation)
		return Errc::again;

	Link *link = CXIPI_TRY(make(env, lay));
	link->shm_ = static_cast<U32 *>(shm);
	link->role_ = CXIPI_LINK_ENDPOINT;
	link->layout_ = lay;
	link->generation_ = generation;
	U32 *p = link->word(lay.peer_offset);
	write_once(&p[CXIPI_LINK_P_STATE], CXIPI_LINK_DOWN);
	const bool resume =
		read_once(&p[CXIPI_LINK_P_MAGIC]) == CXIPI_LINK_PEER_MAGIC &&
		read_once(&p[CXIPI_LINK_P_VERSION]) == CXIPI_LINK_VERSION &&
		read_once(&p[CXIPI_LINK_P_GENERATION]) == generation;
	if (!resume)
		zero_words(p + CXIPI_LINK_P_WORDS,
			   lay.peer_bytes / 4 - CXIPI_LINK_P_WORDS);
	link->start_counts();
	write_once(&p[CXIPI_LINK_P_MAGIC], CXIPI_LINK_PEER_MAGIC);
	write_once(&p[CXIPI_LINK_P_VERSION], CXIPI_LINK_VERSION);
	write_once(&p[CXIPI_LINK_P_GENERATION], generation);
	write_once(&p[CXIPI_LINK_P_ID], self_id);
	store_release(&p[CXIPI_LINK_P_STATE], CXIPI_LINK_UP);
	return link;
}

// The endpoint says down only in a layout that is still its own: once the
// host has rewritten it, that word may be the host's.
void Link::close()
{
	if (host())
		write_once(word(CXIPI_LINK_H_STATE * 4), CXIPI_LINK_DOWN);
	else if (peer().compatible)
		write_once(word(layout_.peer_offset + CXIPI_LINK_P_STATE * 4),
			   CXIPI_LINK_DOWN);
}

Status Link::post(U32 bank, U32 cpu, U32 hwirq)
{
	if (bank >= layout_.nr_banks || hwirq >= layout_.nr_hwirqs[bank])
		return Errc::invalid;
	if (host() ? cpu != layout_.coproc_cpu : cpu >= layout_.nr_cpus)
		return Errc::invalid;
	U32 i = 0;
	for (U32 b = 0; b < bank; b++)
		i += host() ? layout_.nr_hwirqs[b] :
			      layout_.nr_hwirqs[b] * layout_.nr_cpus;
	i += host() ? hwirq : cpu * layout_.nr_hwirqs[bank] + hwirq;
	const U32 count = out_counts()[i] + 1;
	write_once(&out_counts()[i], count);
	write_once(out_word(i), count); // L1
	bump(&posted_, 1);
	return {};
}

Status Link::scan_begin()
{
	rmb(); // L2
	const cxipi_link_peer other = peer();
	if (!other.compatible) {
		bump(&refused_, 1);
		return Errc::protocol;
	}
	return {};
}

bool Link::scan_next(U32 &cursor, cxipi_link_event &event)
{
	for (U32 i = cursor; i < in_words(); i++) {
		const U32 now = read_once(in_word(i));
		const U32 delta = now - seen()[i];
		if (!delta)
			continue;
		seen()[i] = now;
		if (!host())
			write_once(word(counter_offset(layout_, layout_.ack,
						       false, i)),
				   now);
		if (delta >= kBackwards) {
			bump(&backwards_, 1);
			continue;
		}
		locate(i, event);
		event.count = delta;
		bump(&received_, 1);
		bump(&coalesced_, delta - 1);
		cursor = i + 1;
		return true;
	}
	cursor = in_words();
	return false;
}

cxipi_link_peer Link::peer() const
{
	cxipi_link_peer other{};
	const U32 *w = host() ? word(layout_.peer_offset) : shm_;
	const U32 magic = host() ? CXIPI_LINK_PEER_MAGIC :
				   CXIPI_LINK_HOST_MAGIC;
	const U32 gen = host() ? CXIPI_LINK_P_GENERATION :
				 CXIPI_LINK_H_GENERATION;
	const U32 state = host() ? CXIPI_LINK_P_STATE : CXIPI_LINK_H_STATE;
	const U32 id =
		read_once(&w[host() ? CXIPI_LINK_P_ID : CXIPI_LINK_H_ID]);
	other.compatible = read_once(&w[0]) == magic &&
			   read_once(&w[1]) == CXIPI_LINK_VERSION &&
			   read_once(&w[gen]) == generation_;
	other.up = read_once(&w[state]) == CXIPI_LINK_UP;
	other.id = id <= 0xffff ? static_cast<int>(id) : -1;
	return other;
}

cxipi_link_stats Link::stats() const
{
	cxipi_link_stats books{};
	books.posted = read_once(&posted_);
	books.received = read_once(&received_);
	books.coalesced = read_once(&coalesced_);
	books.backwards = read_once(&backwards_);
	books.refused = read_once(&refused_);
	if (host()) {
		const U32 *counts = tail_of<U32>(this);
		for (U32 i = 0; i < layout_.down_words; i++)
			books.unacked +=
				read_once(&counts[i]) !=
				read_once(word(counter_offset(
					layout_, layout_.ack, false, i)));
	}
	return books;
}

} // namespace cxipi

using cxipi::from_handle;
using cxipi::Link;

extern "C" {

size_t cxipi_link_bytes(const struct cxipi_link_geometry *geo)
{
	const cxipi::Result<cxipi::LinkLayout> lay =
		cxipi::LinkLayout::of(*geo);
	return lay.ok() ? lay.value().bytes : 0;
}

struct cxipi_link *cxipi_link_open_host(const struct cxipi_env *env, void *shm,
					size_t bytes,
					const struct cxipi_link_geometry *geo,
					unsigned int self_id, int *err)
{
	const cxipi::Result<Link *> link =
		Link::open_host(*env, shm, bytes, *geo, self_id);
	*err = link.status().to_errno();
	return cxipi::handle_or_null<cxipi_link>(link);
}

struct cxipi_link *cxipi_link_open_endpoint(const struct cxipi_env *env,
					    void *shm, size_t bytes,
					    unsigned int self_id, int *err)
{
	const cxipi::Result<Link *> link =
		Link::open_endpoint(*env, shm, bytes, self_id);
	*err = link.status().to_errno();
	return cxipi::handle_or_null<cxipi_link>(link);
}

void cxipi_link_close(const struct cxipi_env *env, struct cxipi_link *link)
{
	if (!link)
		return;
	from_handle(link)->close();
	cxipi::destroy(*env, from_handle(link));
}

void cxipi_link_get_geometry(const struct cxipi_link *link,
			     struct cxipi_link_geometry *geo)
{
	const cxipi::LinkLayout &lay = from_handle(link)->layout();
	*geo = {};
	geo->nr_cpus = lay.nr_cpus;
	geo->coproc_cpu = lay.coproc_cpu;
	geo->nr_banks = lay.nr_banks;
	for (unsigned int b = 0; b < lay.nr_banks; b++)
		geo->nr_hwirqs[b] = lay.nr_hwirqs[b];
}

void cxipi_link_get_offsets(const struct cxipi_link *link,
			    struct cxipi_link_offsets *offsets)
{
	const cxipi::LinkLayout &lay = from_handle(link)->layout();
	*offsets = {};
	offsets->bytes = lay.bytes;
	offsets->peer = lay.peer_offset;
	for (unsigned int b = 0; b < lay.nr_banks; b++) {
		offsets->down[b] = lay.down[b];
		offsets->ack[b] = lay.ack[b];
		offsets->up[b] = lay.up[b];
	}
}

int cxipi_link_post(struct cxipi_link *link, unsigned int bank,
		    unsigned int cpu, unsigned int hwirq)
{
	return from_handle(link)->post(bank, cpu, hwirq).to_errno();
}

int cxipi_link_scan_begin(struct cxipi_link *link)
{
	return from_handle(link)->scan_begin().to_errno();
}

bool cxipi_link_scan_next(struct cxipi_link *link, unsigned int *cursor,
			  struct cxipi_link_event *event)
{
	return from_handle(link)->scan_next(*cursor, *event);
}

void cxipi_link_get_peer(const struct cxipi_link *link,
			 struct cxipi_link_peer *peer)
{
	*peer = from_handle(link)->peer();
}

void cxipi_link_get_stats(const struct cxipi_link *link,
			  struct cxipi_link_stats *stats)
{
	*stats = from_handle(link)->stats();
}

} // extern "C"
