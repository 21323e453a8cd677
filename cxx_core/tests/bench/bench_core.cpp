// SPDX-License-Identifier: GPL-2.0
// Host benchmarks (Google Benchmark) of the freestanding core's hot paths, at
// 64, 1024 and 8192 CPUs, through the C API the kernel shim calls (the core
// objects are built with the kernel build's freestanding flags at -O2, no
// sanitizers; see Makefile).  What each case measures, per iteration:
//
//   BM_ReserveCheck       cxipi_reserve_check(PER_CPU) of a contiguous mask
//                         of 4 CPUs (dest:4) or of every CPU (dest:=cpus),
//                         against a full possible mask
//   BM_ProbeOnly          the random (virq, cpu) pick alone: the overhead
//                         included in the three lookup cases below
//   BM_RegistryLookup     cxipi_registry_lookup() of a random live virq (of
//                         a PER_CPU reservation), with 1, 100 or 10000 live
//                         reservations (3 PER_CPU of 1 CPU : 1 SINGLE of 4)
//   BM_GetHwirqPath       lookup + cxipi_resv_virq_of(): the core's part of
//                         ipi_get_hwirq()
//   BM_GetHwirqPathAnyKind  the same, the random virq being of any live
//                         reservation, SINGLE ones (1 in 4) included
//   BM_VerifySingle       lookup + virq_of + cxipi_route_single(): the core's
//                         part of ipi_send_single() (verification and route)
//   BM_VerifyMask         cxipi_resv_check_mask() of a full mask against a
//                         PER_CPU reservation of every CPU
//   BM_OnePassOverMaskWords  baseline: OR and AND of every word of the same
//                         mask (the target is VerifyMask <= 2x this at 8192)
//   BM_FanOut             cxipi_resv_fan_out() over a full mask with a
//                         trivial callback (one indirect call per CPU)
//   BM_DoorbellRaiseDrain cxipi_doorbells_raise() + a drain
//                         of the last hwirq on the last CPU, with 256 or 8192
//                         hwirqs in the domain
//
// Every case reports the counter "allocs": cxipi_env zalloc calls made while
// it ran, which must be 0 (the core has no other way to allocate).  The
// worlds (registries, reservations, doorbells) are built once per
// configuration, outside the timed loops, and reused.  Nothing here fails:
// bench/report.py compares the numbers with the targets.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <utility>

#include "bench_world.hpp"

using namespace bench;

namespace
{

template <typename T, typename... Args> T &cached(Args... args)
{
	static std::map<std::pair<unsigned, unsigned>, std::unique_ptr<T>>
		worlds;
	const auto key = std::make_pair(static_cast<unsigned>(args)...);
	auto &slot = worlds[key];
	if (!slot)
		slot = std::make_unique<T>(args...);
	return *slot;
}

Population &population(unsigned nbits, unsigned nresv)
{
	return cached<Population>(nbits, nresv);
}

FullResv &full(unsigned nbits)
{
	static std::map<unsigned, std::unique_ptr<FullResv>> worlds;
	auto &slot = worlds[nbits];
	if (!slot)
		slot = std::make_unique<FullResv>(nbits);
	return *slot;
}

Bells &bells(unsigned nbits, unsigned nr_hwirqs)
{
	return cached<Bells>(nbits, nr_hwirqs);
}

unsigned arg(const benchmark::State &state, int i)
{
	return static_cast<unsigned>(state.range(i));
}

// Zalloc calls made through cxipi_env since @before.
void report_allocs(benchmark::State &state, long before)
{
	state.counters["allocs"] =
		benchmark::Counter(static_cast<double>(zalloc_calls() - before));
}

// ---- reservation validation ----------------------------------------------

void BM_ReserveCheck(benchmark::State &state)
{
	const unsigned nbits = arg(state, 0);
	const unsigned width = arg(state, 1);
	Mask possible(nbits), dest(nbits);
	possible.fill();
	dest.set_range(0, width);
	cxipi_reserve_plan plan{};
	if (cxipi_reserve_check(CXIPI_KIND_PER_CPU, dest.data(),
				possible.data(), nbits,
				&plan) != CXIPI_RESERVE_OK ||
	    plan.weight != width) {
		state.SkipWithError("reserve check rejected a valid mask");
		return;
	}

	const long before = zalloc_calls();
	for (auto _ : state) {
		auto check = cxipi_reserve_check(CXIPI_KIND_PER_CPU,
						 dest.data(), possible.data(),
						 nbits, &plan);
		benchmark::DoNotOptimize(check);
		benchmark::DoNotOptimize(plan);
	}
	report_allocs(state, before);
	state.counters["words"] = dest.word_count();
}

// ---- lookups with N live reservations ------------------------------------

void BM_ProbeOnly(benchmark::State &state)
{
	const unsigned nbits = arg(state, 0), nresv = arg(state, 1);
	Probe probe(nbits, nresv);
	const long before = zalloc_calls();
	for (auto _ : state) {
		unsigned virq, cpu;
		probe.next(virq, cpu);
		benchmark::DoNotOptimize(virq);
		benchmark::DoNotOptimize(cpu);
	}
	report_allocs(state, before);
}

void BM_RegistryLookup(benchmark::State &state)
{
	const unsigned nbits = arg(state, 0), nresv = arg(state, 1);
	const Population &pop = population(nbits, nresv);
	Probe probe(nbits, nresv);
	const long before = zalloc_calls();
	for (auto _ : state) {
		unsigned virq, cpu;
		probe.next(virq, cpu);
		cxipi_resv *r = cxipi_registry_lookup(pop.reg, virq);
		benchmark::DoNotOptimize(r);
	}
	report_allocs(state, before);
}

void get_hwirq_path(benchmark::State &state, bool any_kind)
{
	const unsigned nbits = arg(state, 0), nresv = arg(state, 1);
	const Population &pop = population(nbits, nresv);
	Probe probe(nbits, nresv, any_kind);
	const long before = zalloc_calls();
	for (auto _ : state) {
		unsigned virq, cpu;
		probe.next(virq, cpu);
		const cxipi_resv *r = cxipi_registry_lookup(pop.reg, virq);
		unsigned target = r ? cxipi_resv_virq_of(r, cpu) : 0;
		benchmark::DoNotOptimize(target);
	}
	report_allocs(state, before);
}

void BM_GetHwirqPath(benchmark::State &state)
{
	get_hwirq_path(state, false);
}

// The same, picking SINGLE reservations too (one in four): virq_of() then
// takes a data-dependent branch on the reservation's kind.
void BM_GetHwirqPathAnyKind(benchmark::State &state)
{
	get_hwirq_path(state, true);
}

void BM_VerifySingle(benchmark::State &state)
{
	const unsigned nbits = arg(state, 0), nresv = arg(state, 1);
	const Population &pop = population(nbits, nresv);
	Probe probe(nbits, nresv);
	const long before = zalloc_calls();
	for (auto _ : state) {
		unsigned virq, cpu;
		probe.next(virq, cpu);
		const cxipi_resv *r = cxipi_registry_lookup(pop.reg, virq);
		const unsigned target = r ? cxipi_resv_virq_of(r, cpu) : 0;
		int via = target ? static_cast<int>(cxipi_route_single(
					   true, true)) :
				   -CXIPI_EINVAL;
		benchmark::DoNotOptimize(via);
	}
	report_allocs(state, before);
}

// ---- mask verification, its baseline, fan-out ------------------------------

void BM_VerifyMask(benchmark::State &state)
{
	const unsigned nbits = arg(state, 0);
	const FullResv &f = full(nbits);
	const long before = zalloc_calls();
	for (auto _ : state) {
		int rc = cxipi_resv_check_mask(f.resv, f.mask.data());
		benchmark::DoNotOptimize(rc);
	}
	report_allocs(state, before);
	state.counters["words"] = f.mask.word_count();
}

void BM_OnePassOverMaskWords(benchmark::State &state)
{
	const unsigned nbits = arg(state, 0);
	const FullResv &f = full(nbits);
	const Word *words = f.mask.data();
	const unsigned n = f.mask.word_count();
	const long before = zalloc_calls();
	for (auto _ : state) {
		Word any, all;
		// The clobber in DoNotOptimize makes every pass reload.
		benchmark::DoNotOptimize(words);
		one_pass(words, n, any, all);
		benchmark::DoNotOptimize(any);
		benchmark::DoNotOptimize(all);
	}
	report_allocs(state, before);
	state.counters["words"] = n;
}

void BM_FanOut(benchmark::State &state)
{
	const unsigned nbits = arg(state, 0);
	const FullResv &f = full(nbits);
	unsigned long sum = 0;
	const long before = zalloc_calls();
	for (auto _ : state) {
		cxipi_resv_fan_out(f.resv, f.mask.data(), sum_send, &sum);
		benchmark::DoNotOptimize(sum);
	}
	report_allocs(state, before);
	state.SetItemsProcessed(state.iterations() * nbits);
}

// ---- doorbells -----------------------------------------------------------

void BM_DoorbellRaiseDrain(benchmark::State &state)
{
	const unsigned nbits = arg(state, 0), nr_hwirqs = arg(state, 1);
	Bells &b = bells(nbits, nr_hwirqs);
	const unsigned cpu = b.cpu(), hwirq = b.hwirq();
	unsigned long delivered = 0, kicks = 0;
	const long before = zalloc_calls();
	for (auto _ : state) {
		const int raised =
			cxipi_doorbells_raise(b.bells, cpu, hwirq);
		kicks += raised == CXIPI_RAISE_KICK;
		drain_bank(b.bells, cpu, count_deliver,
				      &delivered);
	}
	benchmark::DoNotOptimize(kicks);
	report_allocs(state, before);
	if (state.iterations()) {
		const double n = static_cast<double>(state.iterations());
		// Both 1: each raise kicked, each drain delivered it.
		state.counters["kicks_per_op"] = kicks / n;
		state.counters["delivered_per_op"] = delivered / n;
	}
}

// ---- the grid -------------------------------------------------------------

void cpus_only(benchmark::internal::Benchmark *b)
{
	b->ArgName("cpus");
	for (unsigned n : kCpuCounts)
		b->Arg(n);
}

void cpus_by_resv(benchmark::internal::Benchmark *b)
{
	b->ArgNames({"cpus", "resv"});
	for (unsigned n : kCpuCounts)
		for (unsigned r : kResvCounts)
			b->Args({n, r});
}

void cpus_by_mixed_resv(benchmark::internal::Benchmark *b)
{
	b->ArgNames({"cpus", "resv"});
	for (unsigned n : kCpuCounts)
		for (unsigned r : kMixedResvCounts)
			b->Args({n, r});
}

void cpus_by_width(benchmark::internal::Benchmark *b)
{
	b->ArgNames({"cpus", "dest"});
	for (unsigned n : kCpuCounts) {
		b->Args({n, 4});
		b->Args({n, n});
	}
}

void cpus_by_hwirqs(benchmark::internal::Benchmark *b)
{
	b->ArgNames({"cpus", "hwirqs"});
	for (unsigned n : kCpuCounts)
		for (unsigned h : kHwirqCounts)
			b->Args({n, h});
}

} // namespace

BENCHMARK(BM_ReserveCheck)->Apply(cpus_by_width);
BENCHMARK(BM_ProbeOnly)->Apply(cpus_by_resv);
BENCHMARK(BM_RegistryLookup)->Apply(cpus_by_resv);
BENCHMARK(BM_GetHwirqPath)->Apply(cpus_by_resv);
BENCHMARK(BM_GetHwirqPathAnyKind)->Apply(cpus_by_mixed_resv);
BENCHMARK(BM_VerifySingle)->Apply(cpus_by_resv);
BENCHMARK(BM_VerifyMask)->Apply(cpus_only);
BENCHMARK(BM_OnePassOverMaskWords)->Apply(cpus_only);
BENCHMARK(BM_FanOut)->Apply(cpus_only);
BENCHMARK(BM_DoorbellRaiseDrain)->Apply(cpus_by_hwirqs);
