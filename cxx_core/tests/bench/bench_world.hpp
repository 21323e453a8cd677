// SPDX-License-Identifier: GPL-2.0
// Shared set-up of the host benchmarks (bench_core.cpp) and of the callgrind
// driver (callgrind_driver.cpp): a counting cxipi_env, CPU masks in the
// kernel's layout, and the "worlds" the measured operations run in.
//
// What is measured lives in the two .cpp files; this header only decides
// what the core is given, so that both measure exactly the same thing:
//
//  - Population: a registry holding N live reservations at the distinct
//    virqs kFirstVirq .. kFirstVirq + N - 1 over an nbits-CPU system.  Three
//    out of four are PER_CPU reservations of one CPU, one in four is a
//    SINGLE reservation of 4 contiguous CPUs; either way each uses one virq.
//    The CPUs are spread over the whole mask (index * 61), so the target
//    word that virq_of() reads moves around the reservation's mask.
//  - Probe: a cheap xorshift PRNG that picks a random live PER_CPU
//    reservation (or, for the *AnyKind cases, any live reservation) and a
//    target CPU of it, with no table in memory (a table would compete with
//    the registry for cache).  Its cost is the same for every population
//    and is measured on its own (BM_ProbeOnly / op "probe_only").
//  - FullResv: one PER_CPU reservation of every CPU and a full mask, for
//    mask verification and fan-out.
//  - Bells: doorbell banks of nbits CPUs and a given number of hwirqs.
//
// The allocation counters are global (the env's context pointer is unused).
#pragma once

#include <cxipi/core.h>

#include "../drain_bank.hpp"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace bench
{

// ---- a cxipi_env that counts -------------------------------------------

struct EnvCounters {
	std::atomic<long> zallocs{0}; // every zalloc call
	std::atomic<long> frees{0}; // every non-NULL free
	std::atomic<long> live{0};
};

// Constant-initialized, so it outlives every cached world torn down at exit.
inline constinit EnvCounters g_counters;

inline EnvCounters &counters() { return g_counters; }

inline void *env_zalloc(void *, size_t size)
{
	counters().zallocs.fetch_add(1, std::memory_order_relaxed);
	void *p = std::calloc(1, size ? size : 1);
	if (p)
		counters().live.fetch_add(1, std::memory_order_relaxed);
	return p;
}

inline void env_free(void *, const void *ptr)
{
	if (!ptr)
		return;
	counters().frees.fetch_add(1, std::memory_order_relaxed);
	counters().live.fetch_sub(1, std::memory_order_relaxed);
	std::free(const_cast<void *>(ptr));
}

inline const cxipi_env env = {.ctx = nullptr, .zalloc = env_zalloc,
			       .free = env_free};

inline long zalloc_calls()
{
	return counters().zallocs.load(std::memory_order_relaxed);
}

[[noreturn]] inline void die(const char *what)
{
	std::fprintf(stderr, "bench set-up failed: %s\n", what);
	std::abort();
}

// ---- masks in the kernel's layout --------------------------------------

using Word = unsigned long;
constexpr unsigned kWordBits = sizeof(Word) * 8;

constexpr unsigned words_for(unsigned nbits)
{
	return nbits / kWordBits + (nbits % kWordBits != 0);
}

struct Mask {
	explicit Mask(unsigned nbits)
		: nbits(nbits), words(words_for(nbits) ? words_for(nbits) : 1)
	{
	}
	Mask &set_range(unsigned first, unsigned count)
	{
		for (unsigned b = first; b < first + count; b++)
			words[b / kWordBits] |= Word{1} << (b % kWordBits);
		return *this;
	}
	Mask &fill() { return set_range(0, nbits); }
	const Word *data() const { return words.data(); }
	unsigned word_count() const { return words_for(nbits); }

	unsigned nbits;
	std::vector<Word> words;
};

// ---- a registry with N live reservations -------------------------------

constexpr unsigned kFirstVirq = 32;

// Layout of reservation @idx of a population over @nbits CPUs (a power of
// two, at least 4).
inline bool is_single(unsigned idx) { return idx % 4 == 3; }
inline unsigned block_of(unsigned idx, unsigned nbits)
{
	return (idx * 61U) & (nbits - 1) & ~3U;
}
// The (or a) target CPU of reservation @idx.
inline unsigned target_cpu(unsigned idx, unsigned nbits)
{
	return block_of(idx, nbits) + (idx & 3);
}

struct Population {
	Population(unsigned nbits, unsigned nresv) : nbits(nbits), nresv(nresv)
	{
		reg = cxipi_registry_create(&env);
		if (!reg)
			die("registry");
		resvs.reserve(nresv);
		for (unsigned idx = 0; idx < nresv; idx++) {
			Mask dest(nbits);
			const bool single = is_single(idx);
			if (single)
				dest.set_range(block_of(idx, nbits), 4);
			else
				dest.set_range(target_cpu(idx, nbits), 1);
			cxipi_resv *r = cxipi_resv_create(
				&env,
				single ? CXIPI_KIND_SINGLE : CXIPI_KIND_PER_CPU,
				kFirstVirq + idx, dest.data(), nbits);
			if (!r)
				die("reservation");
			if (cxipi_registry_insert(&env, reg, r))
				die("registry insert");
			resvs.push_back(r);
		}
		verify();
	}
	~Population()
	{
		for (cxipi_resv *r : resvs)
			cxipi_registry_remove(reg, r);
		for (cxipi_resv *r : resvs)
			cxipi_resv_free(&env, r);
		cxipi_registry_destroy(&env, reg);
	}
	// Every live virq resolves to its reservation, and the probe's CPU is
	// one of its targets: what the measured loops rely on.
	void verify() const
	{
		for (unsigned idx = 0; idx < nresv; idx++) {
			const cxipi_resv *r =
				cxipi_registry_lookup(reg, kFirstVirq + idx);
			if (r != resvs[idx] ||
			    !cxipi_resv_virq_of(r, target_cpu(idx, nbits)))
				die("population does not resolve");
		}
	}
	Population(const Population &) = delete;
	Population &operator=(const Population &) = delete;

	unsigned nbits;
	unsigned nresv;
	cxipi_registry *reg = nullptr;
	std::vector<cxipi_resv *> resvs;
};

// A random live virq and a target CPU of its reservation, per call.  By
// default only the PER_CPU reservations are picked (idx % 4 != 3), so that
// what varies with the population is its size alone: with one reservation
// there is no SINGLE one to pick, and picking kinds at random costs branch
// mispredictions of its own (measured apart, with @any_kind).
struct Probe {
	Probe(unsigned nbits, unsigned nresv, bool any_kind = false)
		: nbits(nbits), any_kind(any_kind),
		  choices(any_kind ? nresv : nresv - nresv / 4)
	{
	}

	__attribute__((always_inline)) void next(unsigned &virq, unsigned &cpu)
	{
		state ^= state << 13;
		state ^= state >> 17;
		state ^= state << 5;
		const unsigned k = static_cast<unsigned>(
			(static_cast<uint64_t>(state) * choices) >> 32);
		// The k-th PER_CPU reservation skips every fourth index.
		const unsigned idx = any_kind ? k : k + k / 3;
		virq = kFirstVirq + idx;
		cpu = target_cpu(idx, nbits);
	}

	uint32_t state = 2463534242U;
	unsigned nbits;
	bool any_kind;
	unsigned choices;
};

// ---- one reservation of every CPU --------------------------------------

constexpr unsigned kFullBaseVirq = 1U << 16;

struct FullResv {
	explicit FullResv(unsigned nbits) : mask(nbits)
	{
		mask.fill();
		resv = cxipi_resv_create(&env, CXIPI_KIND_PER_CPU,
					 kFullBaseVirq, mask.data(), nbits);
		if (!resv)
			die("full reservation");
		if (cxipi_resv_check_mask(resv, mask.data()))
			die("full mask not covered");
	}
	~FullResv() { cxipi_resv_free(&env, resv); }
	FullResv(const FullResv &) = delete;
	FullResv &operator=(const FullResv &) = delete;

	Mask mask;
	cxipi_resv *resv = nullptr;
};

// ---- doorbells -----------------------------------------------------------

struct Bells {
	Bells(unsigned nbits, unsigned nr_hwirqs)
		: nbits(nbits), nr_hwirqs(nr_hwirqs)
	{
		bells = cxipi_doorbells_create(&env, nbits, nr_hwirqs);
		if (!bells)
			die("doorbells");
	}
	~Bells() { cxipi_doorbells_destroy(&env, bells); }
	Bells(const Bells &) = delete;
	Bells &operator=(const Bells &) = delete;

	// The measured pair rings the last hwirq of the last CPU: the drain
	// walks every pending word of that CPU's bank either way.
	unsigned cpu() const { return nbits - 1; }
	unsigned hwirq() const { return nr_hwirqs - 1; }

	unsigned nbits;
	unsigned nr_hwirqs;
	cxipi_doorbells *bells = nullptr;
};

// The baseline of mask verification: one pass over the mask's words, an OR
// and an AND of each (the least a check of every word can do).
__attribute__((always_inline)) inline void one_pass(const Word *words,
						    unsigned n, Word &any,
						    Word &all)
{
	Word o = 0, a = ~Word{0};
	for (unsigned i = 0; i < n; i++) {
		o |= words[i];
		a &= words[i];
	}
	any = o;
	all = a;
}

// Trivial callbacks for fan-out and drain.
inline void sum_send(void *ctx, unsigned cpu, unsigned virq)
{
	*static_cast<unsigned long *>(ctx) += cpu ^ virq;
}

inline void count_deliver(void *ctx, unsigned)
{
	++*static_cast<unsigned long *>(ctx);
}

// The parameter grid.
inline constexpr unsigned kCpuCounts[] = {64, 1024, 8192};
inline constexpr unsigned kResvCounts[] = {1, 100, 10000};
// Populations where picking any kind differs from picking PER_CPU only.
inline constexpr unsigned kMixedResvCounts[] = {100, 10000};
// 256: the module's default for cxipi-percpu; 8192: one per CPU of the
// largest system, what a PER_CPU reservation of every CPU needs.
inline constexpr unsigned kHwirqCounts[] = {256, 8192};

} // namespace bench
