// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: random sequences of what the shim does with the core
// (reserve, partial and full destroy, send checks and fan-outs, get_hwirq
// lookups, doorbell raise/drain/mask/unmask/take), each result checked
// against a plain reference model built from std::map and std::set.  Any
// mismatch, and any allocation left at the end of an input, traps.
//
// The model is deliberately naive: sets of CPUs, of virqs, of hwirqs, a map
// virq -> reservation.  Where it encodes a choice the core documents (first
// fit hwirq claims, 256-virq registry leaves made in ascending virq order up
// to the first virq that cannot be published, ERANGE at 2^20) the comment
// says so.
#include <cxipi/core.h>

#include "../drain_bank.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <set>
#include <vector>

namespace {

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_ops: mismatch at %s:%d: %s\n",   \
				__FILE__, __LINE__, #cond);                    \
			__builtin_trap();                                      \
		}                                                              \
	} while (0)

constexpr unsigned kWordBits = sizeof(unsigned long) * 8;
constexpr unsigned kMaxVirq = 1U << 20; // registry: -ERANGE at and past
constexpr unsigned kLeafShift = 8; // registry leaves of 256 virqs
constexpr unsigned kInvalidHwirq = ~0U;
// Reservations go low (from virq 1) or near the registry's limit, from here.
constexpr unsigned kHighVirqs = kMaxVirq - 300;

// ---- env: counted allocations, one chosen allocation fails -----------------

struct EnvState {
	long live = 0; // allocated and not yet freed
	long calls = 0; // zalloc calls, failed ones included
	long fail_at = 0; // the call that returns NULL; 0: none
};
EnvState g_env;

void *env_zalloc(void *ctx, size_t size)
{
	EnvState &state = *static_cast<EnvState *>(ctx);
	if (++state.calls == state.fail_at)
		return nullptr;
	void *p = calloc(1, size ? size : 1);
	if (p)
		state.live++;
	return p;
}

void env_free(void *ctx, const void *ptr)
{
	EnvState &state = *static_cast<EnvState *>(ctx);
	if (!ptr)
		return;
	state.live--;
	free(const_cast<void *>(ptr));
}

const cxipi_env kEnv = {.ctx = &g_env, .zalloc = env_zalloc,
			.free = env_free};

// ---- input -------------------------------------------------------------------

class Input
{
public:
	Input(const uint8_t *data, size_t size) : data_(data), size_(size) {}
	bool empty() const { return pos_ >= size_; }
	unsigned u8() { return pos_ < size_ ? data_[pos_++] : 0; }
	unsigned u16() { return u8() | u8() << 8; }
	uint64_t u32() { return u16() | static_cast<uint64_t>(u16()) << 16; }

private:
	const uint8_t *data_;
	size_t size_;
	size_t pos_ = 0;
};

// Bulk choices (which CPUs of 256 go in a mask) come from a PRNG seeded
// by the input, so that a few input bytes shape a whole mask.
class Prng
{
public:
	explicit Prng(uint64_t seed) : s_(seed * 0x9e3779b97f4a7c15ULL + 1) {}
	uint64_t next()
	{
		uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		return z ^ (z >> 31);
	}
	// True with probability num/256.
	bool chance(unsigned num) { return (next() & 255) < num; }

private:
	uint64_t s_;
};

using CpuSet = std::set<unsigned>;

// A CPU mask in the kernel's layout, optionally with garbage past nbits.
struct Words {
	std::vector<unsigned long> w;
	Words(unsigned nbits, const CpuSet &cpus, bool garbage = false)
	    : w(nbits / kWordBits + (nbits % kWordBits != 0))
	{
		for (unsigned c : cpus)
			w[c / kWordBits] |= 1UL << (c % kWordBits);
		if (garbage && nbits % kWordBits)
			w.back() |= ~0UL << (nbits % kWordBits);
	}
	const unsigned long *data() const { return w.data(); }
};

bool subset(const CpuSet &a, const CpuSet &b)
{
	return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

// ---- the model -------------------------------------------------------------------

struct Resv {
	cxipi_domain_kind kind;
	unsigned base, offset, nr_virqs, hw_first;
	CpuSet targets;
	cxipi_resv *h;

	bool per_cpu() const { return kind == CXIPI_KIND_PER_CPU; }
	unsigned layout(unsigned cpu) const
	{
		return per_cpu() ? base + cpu - offset : base;
	}
	unsigned hw_of(unsigned cpu) const
	{
		return per_cpu() ? hw_first + cpu - offset : hw_first;
	}
	// The virqs published for this reservation right now.
	std::vector<unsigned> virqs() const
	{
		std::vector<unsigned> v;
		if (!per_cpu()) {
			if (!targets.empty())
				v.push_back(base);
			return v;
		}
		for (unsigned c : targets)
			v.push_back(layout(c));
		return v;
	}
};

struct Collect {
	std::vector<unsigned> got;
	static void add(void *ctx, unsigned value)
	{
		static_cast<Collect *>(ctx)->got.push_back(value);
	}
};

struct Visits {
	std::vector<std::pair<unsigned, unsigned>> got;
	static void add(void *ctx, unsigned cpu, unsigned virq)
	{
		static_cast<Visits *>(ctx)->got.emplace_back(cpu, virq);
	}
};

class World
{
public:
	explicit World(Input &in) : in_(in) {}

	void run()
	{
		if (!setup())
			return;
		unsigned ops = 0;
		while (!in_.empty() && ops++ < 4096) {
			step();
			check_invariants();
		}
		sweep_registry();
		teardown();
	}

private:
	// ---- setup and teardown ------------------------------------------------

	bool setup()
	{
		nbits_ = 1 + in_.u8() % 256;
		capacity_ = 16 + in_.u8() * 2;
		Prng prng(in_.u32());
		for (unsigned c = 0; c < nbits_; c++)
			if (!prng.chance(24))
				possible_.insert(c);
		if (nbits_ >= 3) // at least one hole
			possible_.erase(1 + prng.next() % (nbits_ - 2));
		possible_.insert(0);

		// Creation under out-of-memory fails cleanly.
		g_env.fail_at = g_env.calls + 1;
		CHECK(cxipi_registry_create(&kEnv) == nullptr);
		g_env.fail_at = g_env.calls + 1;
		CHECK(cxipi_hwirq_pool_create(&kEnv, capacity_) == nullptr);
		g_env.fail_at = g_env.calls + 1;
		CHECK(cxipi_doorbells_create(&kEnv, nbits_, capacity_) ==
		      nullptr);
		CHECK(g_env.live == 0);
		CHECK(g_env.calls == 3);
		g_env.fail_at = 0;

		reg_ = cxipi_registry_create(&kEnv);
		pool_ = cxipi_hwirq_pool_create(&kEnv, capacity_);
		bells_ = cxipi_doorbells_create(&kEnv, nbits_, capacity_);
		CHECK(reg_ && pool_ && bells_);
		CHECK(cxipi_hwirq_pool_capacity(pool_) == capacity_);
		pending_.assign(nbits_, {});
		kick_in_flight_.assign(nbits_, false);
		calls_ = g_env.calls;
		return true;
	}

	void teardown()
	{
		g_env.fail_at = 0;
		bool full = true;
		while (!resvs_.empty()) {
			const unsigned id = resvs_.begin()->first;
			if (full)
				destroy_with(id, resvs_.at(id).targets);
			else
				abort_resv(id);
			full = !full;
		}
		CHECK(virqs_.empty());
		CHECK(owner_.empty());
		CHECK(hw_used_.empty());
		CHECK(cxipi_hwirq_pool_free_count(pool_) == capacity_);
		sweep_registry(); // the model has no owner left
		cxipi_registry_destroy(&kEnv, reg_);
		cxipi_hwirq_pool_destroy(&kEnv, pool_);
		cxipi_doorbells_destroy(&kEnv, bells_);
		CHECK(g_env.live == 0); // nothing leaked
	}

	void check_invariants()
	{
		// Every allocation is accounted for: the three objects, one per
		// live reservation, one per registry leaf.
		CHECK(g_env.live ==
		      3 + static_cast<long>(resvs_.size() + leaves_.size()));
		CHECK(cxipi_hwirq_pool_free_count(pool_) ==
		      capacity_ - hw_used_.size());
		// ...and no allocation is made that the model did not expect.
		CHECK(g_env.calls == calls_);
	}

	// The model's view of the env: whether the next allocation works.
	bool alloc_ok() { return ++calls_ != g_env.fail_at; }

	// ---- one operation -----------------------------------------------------

	void step()
	{
		switch (in_.u8() % 18) {
		case 0:
		case 1:
			return reserve();
		case 2:
			return with_resv([&](unsigned id) { partial_destroy(id); });
		case 3:
			return with_resv([&](unsigned id) {
				destroy_with(id, resvs_.at(id).targets);
			});
		case 4:
			return with_resv([&](unsigned id) { abort_resv(id); });
		case 5:
			return with_resv([&](unsigned id) { send_single(id); });
		case 6:
			return with_resv([&](unsigned id) { send_mask(id); });
		case 7:
			return get_hwirq();
		case 8:
			return raise_any();
		case 9:
			return drain(cpu_arg());
		case 10:
			return mask_hwirq();
		case 11:
			return unmask(hwirq_arg());
		case 12:
			return take(cpu_arg());
		case 13: // one of the next few allocations fails
			g_env.fail_at = calls_ + 1 + in_.u8() % 3;
			return;
		case 14:
			return with_resv([&](unsigned id) { twin(id); });
		case 15:
			return probe();
		case 16:
			return ack(cpu_arg(), hwirq_arg());
		case 17:
			return reset(hwirq_arg());
		}
	}

	template <typename Fn> void with_resv(Fn &&fn)
	{
		const unsigned pick = in_.u8();
		if (resvs_.empty())
			return;
		auto it = resvs_.begin();
		std::advance(it, pick % resvs_.size());
		fn(it->first);
	}

	// Doorbell arguments: mostly a few hot CPUs and hwirqs, so that
	// raises, drains, masks and unmasks meet; sometimes any, or out of
	// range.
	unsigned cpu_arg()
	{
		const unsigned b = in_.u8();
		if (b < 192)
			return b % std::min(nbits_, 4U);
		if (b == 255)
			return ~0U;
		return in_.u8() % (nbits_ + 2);
	}
	unsigned hwirq_arg()
	{
		const unsigned b = in_.u8();
		if (b < 192)
			return b % 6;
		if (b == 255)
			return ~0U;
		return in_.u16() % (capacity_ + 2);
	}

	// ---- reserve -------------------------------------------------------------

	CpuSet gen_dest()
	{
		CpuSet d;
		const unsigned mode = in_.u8() % 5;
		const unsigned start = in_.u8() % nbits_;
		const unsigned len = 1 + in_.u8() % nbits_;
		switch (mode) {
		case 0: // a range, possible or not
			for (unsigned c = start; c < nbits_ && c < start + len; c++)
				d.insert(c);
			break;
		case 1: // a range within possible: may have holes
			for (unsigned c = start; c < nbits_ && c < start + len; c++)
				if (possible_.count(c))
					d.insert(c);
			break;
		case 2: { // a run of possible CPUs: valid for PER_CPU
			auto it = possible_.lower_bound(start);
			if (it == possible_.end())
				it = possible_.begin();
			for (unsigned c = *it; c < nbits_ && possible_.count(c) &&
					       d.size() < len;
			     c++)
				d.insert(c);
			break;
		}
		case 3: { // a few CPUs, maybe none
			const unsigned k = len % 6;
			for (unsigned i = 0; i < k; i++)
				d.insert(in_.u8() % nbits_);
			break;
		}
		case 4: { // a random spread within possible
			Prng prng(in_.u32());
			for (unsigned c : possible_)
				if (prng.chance(len))
					d.insert(c);
			break;
		}
		}
		return d;
	}

	// irq_reserve_ipi()'s mask checks, in the contract's order.
	enum cxipi_reserve_check model_check(cxipi_domain_kind kind, const CpuSet &d)
	{
		if (!subset(d, possible_))
			return CXIPI_RESERVE_NOT_POSSIBLE;
		if (d.empty())
			return CXIPI_RESERVE_EMPTY;
		if (kind == CXIPI_KIND_PER_CPU &&
		    *d.rbegin() - *d.begin() + 1 != d.size())
			return CXIPI_RESERVE_HOLE;
		return CXIPI_RESERVE_OK;
	}

	// The kernel's virq allocator: first free run of @count from @from.
	unsigned alloc_virqs(unsigned count, unsigned from)
	{
		unsigned start = std::max(from, 1U);
		for (;;) {
			auto it = virqs_.lower_bound(start);
			if (it == virqs_.end() || *it >= start + count)
				break;
			start = *it + 1;
		}
		for (unsigned v = start; v < start + count; v++)
			virqs_.insert(v);
		if (start < kHighVirqs)
			max_low_virq_ = std::max(max_low_virq_, start + count - 1);
		return start;
	}

	// What cxipi_registry_insert() must return, and the leaves it makes:
	// virqs in ascending order, each checked for range, given a leaf,
	// then checked for an owner; the first failure is the result.
	int model_insert(const std::vector<unsigned> &virqs)
	{
		for (unsigned v : virqs) {
			if (v >= kMaxVirq)
				return -CXIPI_ERANGE;
			if (!leaves_.count(v >> kLeafShift)) {
				if (!alloc_ok())
					return -CXIPI_ENOMEM;
				leaves_.insert(v >> kLeafShift);
			}
			if (owner_.count(v))
				return -CXIPI_EBUSY;
		}
		return 0;
	}

	// First fit, as the pool documents.
	int model_claim(unsigned count, unsigned &first)
	{
		for (unsigned s = 0; s + count <= capacity_; s++) {
			bool free_run = true;
			for (unsigned h = s; h < s + count && free_run; h++)
				free_run = !hw_used_.count(h);
			if (free_run) {
				first = s;
				for (unsigned h = s; h < s + count; h++)
					hw_used_.insert(h);
				return 0;
			}
		}
		return -CXIPI_ENOSPC;
	}

	void reserve()
	{
		const cxipi_domain_kind kind = in_.u8() & 1 ? CXIPI_KIND_SINGLE :
							       CXIPI_KIND_PER_CPU;
		const bool garbage = in_.u8() & 1;
		const unsigned hint = in_.u16();
		const CpuSet d = gen_dest();
		const Words dw(nbits_, d, garbage);
		const Words pw(nbits_, possible_, !garbage);

		cxipi_reserve_plan plan{7, 7, 7};
		const enum cxipi_reserve_check got =
			cxipi_reserve_check(kind, dw.data(), pw.data(), nbits_, &plan);
		const enum cxipi_reserve_check want = model_check(kind, d);
		CHECK(got == want);
		if (want != CXIPI_RESERVE_OK)
			return;
		const unsigned nr = kind == CXIPI_KIND_PER_CPU ? d.size() : 1;
		CHECK(plan.nr_virqs == nr);
		CHECK(plan.offset == *d.begin());
		CHECK(plan.weight == d.size());

		// Most reservations low, some near the registry's limit.
		const unsigned from = hint >= 0xf000 ?
					      kHighVirqs + (hint & 0x1ff) :
					      1 + hint % 4096;
		const unsigned base = alloc_virqs(nr, from);
		auto release_virqs = [&] {
			for (unsigned v = base; v < base + nr; v++)
				virqs_.erase(v);
		};

		cxipi_resv *h = cxipi_resv_create(&kEnv, kind, base, dw.data(),
						  nbits_);
		if (!alloc_ok()) {
			CHECK(h == nullptr);
			release_virqs();
			return;
		}
		CHECK(h != nullptr);
		Resv r{kind, base, *d.begin(), nr, 0, d, h};
		CHECK(cxipi_resv_base(h) == base);
		CHECK(cxipi_resv_nr_virqs(h) == nr);

		const int inserted = cxipi_registry_insert(&kEnv, reg_, h);
		CHECK(inserted == model_insert(r.virqs()));
		if (inserted) {
			cxipi_resv_free(&kEnv, h);
			release_virqs();
			check_lookups(r.virqs());
			return;
		}
		for (unsigned v : r.virqs())
			owner_[v] = next_id_;

		unsigned first = ~0U, want_first = ~0U;
		const int claimed = cxipi_hwirq_pool_claim(pool_, nr, &first);
		CHECK(claimed == model_claim(nr, want_first));
		if (claimed) {
			// Roll back as the shim does.
			cxipi_registry_remove(reg_, h);
			for (unsigned v : r.virqs())
				owner_.erase(v);
			check_lookups(r.virqs());
			cxipi_resv_free(&kEnv, h);
			release_virqs();
			return;
		}
		CHECK(first == want_first);
		r.hw_first = first;
		resvs_.emplace(next_id_, r);
		check_resv(next_id_);
		next_id_++;
	}

	// ---- destroy ---------------------------------------------------------------

	void partial_destroy(unsigned id)
	{
		const Resv &r = resvs_.at(id);
		CpuSet d;
		const unsigned mode = in_.u8() % 8;
		Prng prng(in_.u32());
		const unsigned density = in_.u8();
		bool garbage = false;
		switch (mode) {
		case 0:
		case 1:
		case 2:
		case 3: // a random subset, holes and all
			for (unsigned c : r.targets)
				if (prng.chance(density))
					d.insert(c);
			break;
		case 4: // one target
			d.insert(*std::next(r.targets.begin(),
					    prng.next() % r.targets.size()));
			break;
		case 5: // empty, with or without garbage
			garbage = density & 1;
			break;
		case 6:
		case 7: { // targets and one CPU that is not a target
			for (unsigned c : r.targets)
				if (prng.chance(density))
					d.insert(c);
			const unsigned extra = prng.next() % nbits_;
			if (!r.targets.count(extra))
				d.insert(extra);
			break;
		}
		}
		destroy_with(id, d, garbage);
	}

	// irq_destroy_ipi(): remove the CPUs of @d; free what no longer
	// carries an IPI, and the reservation when no target remains.
	void destroy_with(unsigned id, CpuSet d, bool garbage = false)
	{
		Resv &r = resvs_.at(id);
		const Words dw(nbits_, d, garbage);
		const std::vector<unsigned long> before(
			cxipi_resv_targets(r.h),
			cxipi_resv_targets(r.h) + dw.w.size());
		const int rc = cxipi_registry_remove_targets(reg_, r.h, dw.data());
		if (d.empty() || !subset(d, r.targets)) {
			CHECK(rc == -CXIPI_EINVAL);
			CHECK(std::equal(before.begin(), before.end(),
					 cxipi_resv_targets(r.h)));
			check_resv(id);
			return;
		}
		const unsigned remaining = r.targets.size() - d.size();
		CHECK(rc == static_cast<int>(remaining));
		for (unsigned c : d)
			r.targets.erase(c);
		if (r.per_cpu()) {
			for (unsigned c : d) {
				const unsigned v = r.layout(c);
				CHECK(cxipi_resv_layout_virq(r.h, c) == v);
				CHECK(cxipi_resv_virq_of(r.h, c) == 0);
				owner_.erase(v);
				virqs_.erase(v);
				release_hwirq(r.hw_of(c));
			}
		} else if (remaining == 0) {
			CHECK(cxipi_resv_layout_virq(r.h, *d.begin()) == r.base);
			owner_.erase(r.base);
			virqs_.erase(r.base);
			release_hwirq(r.hw_first);
		}
		check_resv(id);
		if (remaining == 0) {
			cxipi_resv_free(&kEnv, r.h);
			resvs_.erase(id);
		}
	}

	// The failure path of a reservation: unpublish it whole and free it.
	void abort_resv(unsigned id)
	{
		Resv &r = resvs_.at(id);
		const std::vector<unsigned> virqs = r.virqs();
		cxipi_registry_remove(reg_, r.h);
		for (unsigned v : virqs) {
			owner_.erase(v);
			virqs_.erase(v);
		}
		if (r.per_cpu())
			for (unsigned c : r.targets)
				release_hwirq(r.hw_of(c));
		else
			release_hwirq(r.hw_first);
		check_lookups(virqs);
		cxipi_resv_free(&kEnv, r.h);
		resvs_.erase(id);
	}

	void release_hwirq(unsigned hw)
	{
		CHECK(hw_used_.count(hw));
		CHECK(cxipi_hwirq_pool_release(pool_, hw, 1) == 0);
		hw_used_.erase(hw);
		// Releasing it again is refused.
		CHECK(cxipi_hwirq_pool_release(pool_, hw, 1) == -CXIPI_EINVAL);
	}

	// A second reservation over a published virq is refused (EBUSY) and
	// cannot evict the owner, neither by remove nor by remove_targets.
	void twin(unsigned id)
	{
		const Resv &r = resvs_.at(id);
		const unsigned c = *std::next(r.targets.begin(),
					      in_.u8() % r.targets.size());
		const unsigned v = r.layout(c);
		const Words one(nbits_, CpuSet{c});
		cxipi_resv *t = cxipi_resv_create(&kEnv, CXIPI_KIND_SINGLE, v,
						  one.data(), nbits_);
		if (!alloc_ok()) {
			CHECK(t == nullptr);
			return;
		}
		CHECK(t != nullptr);
		CHECK(cxipi_registry_insert(&kEnv, reg_, t) == -CXIPI_EBUSY);
		cxipi_registry_remove(reg_, t);
		CHECK(cxipi_registry_lookup(reg_, v) == r.h);
		CHECK(cxipi_registry_remove_targets(reg_, t, one.data()) == 0);
		CHECK(cxipi_registry_lookup(reg_, v) == r.h);
		cxipi_resv_free(&kEnv, t);
	}

	// ---- sends -----------------------------------------------------------------

	void send_single(unsigned id)
	{
		const Resv &r = resvs_.at(id);
		const unsigned flags = in_.u8();
		const bool has_single = flags & 1, has_mask = flags & 2;
		const unsigned cpu = in_.u8() % (nbits_ + 4);
		const cxipi_send_via via = cxipi_route_single(has_single, has_mask);
		CHECK(via == (has_single ? CXIPI_SEND_SINGLE :
				   has_mask ? CXIPI_SEND_MASK :
					      CXIPI_SEND_NONE));
		const bool target = r.targets.count(cpu);
		const unsigned virq = cxipi_resv_virq_of(r.h, cpu);
		CHECK(virq == (target ? r.layout(cpu) : 0));
		if (via == CXIPI_SEND_MASK && cpu < nbits_) {
			// ipi_send_mask(data, cpumask_of(cpu))
			const Words one(nbits_, CpuSet{cpu});
			const int ok = cxipi_resv_check_mask(r.h, one.data());
			CHECK(ok == (target ? 0 : -CXIPI_EINVAL));
			if (ok == 0) {
				Visits vis;
				cxipi_resv_fan_out(r.h, one.data(), Visits::add,
						   &vis);
				CHECK(vis.got.size() == 1);
				CHECK(vis.got[0].first == cpu);
				CHECK(vis.got[0].second == r.layout(cpu));
			}
		}
		if (via != CXIPI_SEND_NONE && target)
			raise(cpu, r.hw_of(cpu));
	}

	void send_mask(unsigned id)
	{
		const Resv &r = resvs_.at(id);
		const unsigned flags = in_.u8();
		const bool has_single = flags & 1, has_mask = flags & 2;
		Prng prng(in_.u32());
		const unsigned density = in_.u8();
		CpuSet m;
		for (unsigned c : r.targets)
			if (prng.chance(density))
				m.insert(c);
		if (flags & 4)
			m.insert(prng.next() % nbits_);
		const cxipi_send_via via = cxipi_route_mask(has_single, has_mask);
		CHECK(via == (has_mask ? CXIPI_SEND_MASK :
				 has_single ? CXIPI_SEND_SINGLE :
					      CXIPI_SEND_NONE));
		const Words mw(nbits_, m, flags & 8);
		const int ok = cxipi_resv_check_mask(r.h, mw.data());
		CHECK(ok == (subset(m, r.targets) ? 0 : -CXIPI_EINVAL));
		if (ok || via == CXIPI_SEND_NONE)
			return;
		Visits vis;
		cxipi_resv_fan_out(r.h, mw.data(), Visits::add, &vis);
		std::vector<std::pair<unsigned, unsigned>> want;
		for (unsigned c : m) // ascending: lowest CPU first
			want.emplace_back(c, r.layout(c));
		CHECK(vis.got == want);
		for (unsigned c : m)
			raise(c, r.hw_of(c));
	}

	// ipi_get_hwirq(virq, cpu) the way the shim computes it.
	void get_hwirq()
	{
		const unsigned pick = in_.u16();
		unsigned virq;
		if (pick & 1 && !owner_.empty())
			virq = std::next(owner_.begin(),
					 (pick >> 1) % owner_.size())->first;
		else if (pick & 2)
			virq = kHighVirqs + (pick >> 2) % 600;
		else
			virq = (pick >> 2) % (max_low_virq_ + 3);
		const unsigned cpu = in_.u8() % (nbits_ + 4);

		cxipi_resv *h = cxipi_registry_lookup(reg_, virq);
		auto it = owner_.find(virq);
		CHECK(h == (it == owner_.end() ? nullptr :
						 resvs_.at(it->second).h));
		unsigned want = kInvalidHwirq;
		if (it != owner_.end()) {
			const Resv &r = resvs_.at(it->second);
			if (r.targets.count(cpu))
				want = r.hw_of(cpu);
		}
		unsigned got = kInvalidHwirq;
		if (h) {
			const Resv &r = resvs_.at(it->second);
			const unsigned v = cxipi_resv_virq_of(h, cpu);
			if (v)
				got = r.hw_first + (v - cxipi_resv_base(h));
		}
		CHECK(got == want);
	}

	// ---- doorbells ---------------------------------------------------------------

	int model_raise(unsigned cpu, unsigned hw)
	{
		if (cpu >= nbits_ || hw >= capacity_)
			return -CXIPI_EINVAL;
		if (!pending_[cpu].insert(hw).second)
			return CXIPI_RAISE_COALESCED;
		if (kick_in_flight_[cpu])
			return CXIPI_RAISE_QUEUED;
		kick_in_flight_[cpu] = true;
		return CXIPI_RAISE_KICK;
	}

	void raise(unsigned cpu, unsigned hw)
	{
		const int got = cxipi_doorbells_raise(bells_, cpu, hw);
		CHECK(got == model_raise(cpu, hw));
		check_bank(cpu);
	}

	// Every doorbell of @cpu is pending exactly when the model says so.
	void check_bank(unsigned cpu)
	{
		if (cpu >= nbits_)
			return;
		for (unsigned h = 0; h < capacity_; h++)
			CHECK(cxipi_doorbells_pending(bells_, cpu, h) ==
			      (pending_[cpu].count(h) != 0));
	}

	// Doorbell @h of every CPU is pending exactly when the model says so.
	void check_hwirq(unsigned h)
	{
		if (h >= capacity_)
			return;
		for (unsigned cpu = 0; cpu < nbits_; cpu++)
			CHECK(cxipi_doorbells_pending(bells_, cpu, h) ==
			      (pending_[cpu].count(h) != 0));
	}

	void check_last_cpus()
	{
		for (unsigned h = 0; h < capacity_ + 1; h++) {
			auto it = last_cpu_.find(h);
			CHECK(cxipi_doorbells_last_cpu(bells_, h) ==
			      (it == last_cpu_.end() ?
				       -CXIPI_EINVAL :
				       static_cast<int>(it->second)));
		}
	}

	void raise_any()
	{
		const unsigned cpu = cpu_arg();
		raise(cpu, hwirq_arg());
	}

	void drain(unsigned cpu)
	{
		Collect c;
		const unsigned n = drain_bank(bells_, cpu, Collect::add,
							 &c);
		std::vector<unsigned> want;
		if (cpu < nbits_) {
			kick_in_flight_[cpu] = false;
			for (unsigned h : pending_[cpu])
				if (!masked_.count(h))
					want.push_back(h); // ascending
			for (unsigned h : want) {
				pending_[cpu].erase(h);
				last_cpu_[h] = cpu;
			}
		}
		CHECK(n == c.got.size());
		CHECK(c.got == want);
		check_bank(cpu);
		check_last_cpus();
	}

	void mask_hwirq()
	{
		const unsigned h = hwirq_arg();
		cxipi_doorbells_mask(bells_, h);
		if (h < capacity_)
			masked_.insert(h);
		check_hwirq(h);
	}

	void unmask(unsigned h)
	{
		Collect c;
		cxipi_doorbells_unmask(bells_, h, Collect::add, &c);
		std::vector<unsigned> want;
		if (h < capacity_) {
			masked_.erase(h);
			for (unsigned cpu = 0; cpu < nbits_; cpu++)
				if (pending_[cpu].count(h) && !kick_in_flight_[cpu]) {
					kick_in_flight_[cpu] = true;
					want.push_back(cpu);
				}
		}
		std::sort(c.got.begin(), c.got.end()); // order not promised
		CHECK(c.got == want);
		check_hwirq(h);
	}

	void take(unsigned cpu)
	{
		unsigned hw = 12345;
		const int got = cxipi_doorbells_take(bells_, cpu, &hw);
		if (cpu >= nbits_) {
			CHECK(got == -CXIPI_EINVAL);
			return;
		}
		if (pending_[cpu].empty()) {
			CHECK(got == 0);
			return;
		}
		CHECK(got == 1);
		CHECK(hw == *pending_[cpu].begin()); // lowest, masks ignored
		pending_[cpu].erase(pending_[cpu].begin());
		check_bank(cpu);
	}

	// Acknowledge one doorbell (a coprocessor endpoint).
	void ack(unsigned cpu, unsigned h)
	{
		const int got = cxipi_doorbells_ack(bells_, cpu, h);
		if (cpu >= nbits_ || h >= capacity_) {
			CHECK(got == -CXIPI_EINVAL);
			return;
		}
		CHECK(got == static_cast<int>(pending_[cpu].erase(h)));
		check_bank(cpu);
	}

	// A clean start for @h: masked, pending nowhere, never delivered.
	void reset(unsigned h)
	{
		cxipi_doorbells_reset(bells_, h);
		if (h >= capacity_)
			return;
		masked_.insert(h);
		for (CpuSet &p : pending_)
			p.erase(h);
		last_cpu_.erase(h);
		check_hwirq(h);
		check_last_cpus();
	}

	void probe()
	{
		const unsigned cpu = cpu_arg();
		const unsigned h = hwirq_arg();
		const bool want_pending = cpu < nbits_ && h < capacity_ &&
					  pending_[cpu].count(h);
		CHECK(cxipi_doorbells_pending(bells_, cpu, h) == want_pending);
		auto it = last_cpu_.find(h);
		CHECK(cxipi_doorbells_last_cpu(bells_, h) ==
		      (it == last_cpu_.end() ? -CXIPI_EINVAL :
					       static_cast<int>(it->second)));
		if (in_.u8() % 8 == 0)
			sweep_registry();
	}

	// ---- whole-state checks ---------------------------------------------------------

	void check_resv(unsigned id)
	{
		const Resv &r = resvs_.at(id);
		const Words want(nbits_, r.targets);
		CHECK(std::equal(want.w.begin(), want.w.end(),
				 cxipi_resv_targets(r.h)));
		CHECK(cxipi_resv_base(r.h) == r.base);
		CHECK(cxipi_resv_nr_virqs(r.h) == r.nr_virqs);
		for (unsigned c = 0; c < nbits_ + 2; c++)
			CHECK(cxipi_resv_virq_of(r.h, c) ==
			      (r.targets.count(c) ? r.layout(c) : 0));
		// D6: every virq of the reservation resolves to it.
		for (unsigned v : r.virqs())
			CHECK(cxipi_registry_lookup(reg_, v) == r.h);
		if (r.per_cpu())
			for (unsigned c = r.offset; c < r.offset + r.nr_virqs; c++)
				CHECK(cxipi_resv_layout_virq(r.h, c) == r.layout(c));
	}

	void check_lookups(const std::vector<unsigned> &virqs)
	{
		for (unsigned v : virqs) {
			auto it = owner_.find(v);
			CHECK(cxipi_registry_lookup(reg_, v) ==
			      (it == owner_.end() ? nullptr :
						    resvs_.at(it->second).h));
		}
	}

	// Every virq that was ever handed out, and a margin around them.
	void sweep_registry()
	{
		std::vector<unsigned> all;
		for (unsigned v = 0; v <= max_low_virq_ + 1; v++)
			all.push_back(v);
		for (unsigned v = kHighVirqs; v < kMaxVirq + 600; v++)
			all.push_back(v);
		check_lookups(all);
	}

	Input &in_;
	unsigned nbits_ = 0, capacity_ = 0;
	CpuSet possible_;
	cxipi_registry *reg_ = nullptr;
	cxipi_hwirq_pool *pool_ = nullptr;
	cxipi_doorbells *bells_ = nullptr;

	std::map<unsigned, Resv> resvs_;
	unsigned next_id_ = 1;
	std::map<unsigned, unsigned> owner_; // published virq -> reservation
	std::set<unsigned> virqs_; // allocated virqs
	unsigned max_low_virq_ = 0; // highest virq handed out below kHighVirqs
	std::set<unsigned> leaves_; // registry leaves made
	std::set<unsigned> hw_used_; // claimed hwirqs
	long calls_ = 0; // allocations the model expects the core to ask for

	std::vector<CpuSet> pending_; // per CPU
	std::vector<bool> kick_in_flight_; // per CPU: a kick is under way
	std::set<unsigned> masked_;
	std::map<unsigned, unsigned> last_cpu_;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_env = EnvState{};
	Input in(data, size);
	World world(in);
	world.run();
	return 0;
}
