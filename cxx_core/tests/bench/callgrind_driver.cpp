// SPDX-License-Identifier: GPL-2.0
// Instruction counts of the benchmarked core operations, for
// valgrind --tool=callgrind: counts that stay the same on a noisy machine.
//
// The driver builds the same worlds as bench_core.cpp (bench_world.hpp),
// then, for each operation and configuration, runs the operation 0 times and
// N times (N = argv[2], default 1000), each run between CALLGRIND_ZERO_STATS
// and CALLGRIND_DUMP_STATS_AT("<op> <config> n=<runs>").  Instructions per
// operation = (Ir of the N-run dump - Ir of the 0-run dump) / N, which
// removes the fixed cost of the client requests and of the call into the
// loop; report.py does the arithmetic from the dumps.  The lookup-type ops
// include the random (virq, cpu) pick, measured alone as "probe_only".
//
// Operations (same as bench_core.cpp): reserve_check, probe_only, lookup,
// get_hwirq, get_hwirq_any_kind, verify_single, verify_mask, one_pass,
// fan_out, raise_drain.  Run with --branch-sim=yes, the dumps also count
// mispredicted conditional branches (Bcm) of callgrind's simple predictor.
//
// Also writes, to argv[1] (default stdout), one line per measurement:
//   <op>\t<config>\t<N>\t<cxipi_env zalloc calls during the N runs>
// Run outside valgrind it does the same work and the dumps are no-ops.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#error "needs <valgrind/callgrind.h> (Debian: valgrind)"
#endif

#include "bench_world.hpp"

using namespace bench;

namespace
{

template <typename T> inline void keep(T const &value)
{
	asm volatile("" : : "r,m"(value) : "memory");
}

template <typename T> inline void keep(T &value)
{
	asm volatile("" : "+r,m"(value) : : "memory");
}

// Not inlined, so that the 0-run and the N-run execute the same code.
template <typename Op>
__attribute__((noinline)) void repeat(Op &op, unsigned runs)
{
	for (unsigned i = 0; i < runs; i++)
		op();
}

FILE *table = stdout;
unsigned n_ops = 1000;

template <typename Op> void measure(const char *op, const char *config, Op fn)
{
	char label[160];
	// A fresh copy of the op (and of its probe) for each run.
	Op zero = fn, many = fn;

	std::snprintf(label, sizeof(label), "%s %s n=0", op, config);
	CALLGRIND_ZERO_STATS;
	repeat(zero, 0);
	CALLGRIND_DUMP_STATS_AT(label);

	const long before = zalloc_calls();
	std::snprintf(label, sizeof(label), "%s %s n=%u", op, config, n_ops);
	CALLGRIND_ZERO_STATS;
	repeat(many, n_ops);
	CALLGRIND_DUMP_STATS_AT(label);
	std::fprintf(table, "%s\t%s\t%u\t%ld\n", op, config, n_ops,
		     zalloc_calls() - before);
}

} // namespace

int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] && !(table = std::fopen(argv[1], "w"))) {
		std::perror(argv[1]);
		return 1;
	}
	if (argc > 2)
		n_ops = static_cast<unsigned>(std::strtoul(argv[2], nullptr, 0));
	if (!n_ops)
		n_ops = 1000;
	if (!RUNNING_ON_VALGRIND)
		std::fprintf(stderr, "callgrind_driver: not under valgrind; "
				     "the dumps are no-ops\n");

	// Every world first, uninstrumented (run with --instr-atstart=no).
	std::vector<std::unique_ptr<Population>> pops;
	std::vector<std::unique_ptr<FullResv>> fulls;
	std::vector<std::unique_ptr<Bells>> bell_sets;
	for (unsigned nbits : kCpuCounts) {
		for (unsigned nresv : kResvCounts)
			pops.push_back(std::make_unique<Population>(nbits, nresv));
		fulls.push_back(std::make_unique<FullResv>(nbits));
		for (unsigned h : kHwirqCounts)
			bell_sets.push_back(std::make_unique<Bells>(nbits, h));
	}
	CALLGRIND_START_INSTRUMENTATION;

	char config[64];
	for (unsigned nbits : kCpuCounts) {
		Mask possible(nbits);
		possible.fill();
		for (unsigned width : {4U, nbits}) {
			Mask dest(nbits);
			dest.set_range(0, width);
			std::snprintf(config, sizeof(config), "cpus=%u dest=%u",
				      nbits, width);
			measure("reserve_check", config, [&possible, &dest] {
				cxipi_reserve_plan plan{};
				auto check = cxipi_reserve_check(
					CXIPI_KIND_PER_CPU, dest.data(),
					possible.data(), dest.nbits, &plan);
				keep(check);
				keep(plan);
			});
		}
	}

	for (const auto &p : pops) {
		const Population *pop = p.get();
		std::snprintf(config, sizeof(config), "cpus=%u resv=%u",
			      pop->nbits, pop->nresv);
		Probe probe(pop->nbits, pop->nresv);
		measure("probe_only", config, [probe]() mutable {
			unsigned virq, cpu;
			probe.next(virq, cpu);
			keep(virq);
			keep(cpu);
		});
		measure("lookup", config, [probe, pop]() mutable {
			unsigned virq, cpu;
			probe.next(virq, cpu);
			cxipi_resv *r = cxipi_registry_lookup(pop->reg, virq);
			keep(r);
		});
		measure("get_hwirq", config, [probe, pop]() mutable {
			unsigned virq, cpu;
			probe.next(virq, cpu);
			const cxipi_resv *r =
				cxipi_registry_lookup(pop->reg, virq);
			unsigned target = r ? cxipi_resv_virq_of(r, cpu) : 0;
			keep(target);
		});
		if (pop->nresv > 1)
			measure("get_hwirq_any_kind", config,
				[any = Probe(pop->nbits, pop->nresv, true),
				 pop]() mutable {
					unsigned virq, cpu;
					any.next(virq, cpu);
					const cxipi_resv *r =
						cxipi_registry_lookup(pop->reg,
								      virq);
					unsigned target =
						r ? cxipi_resv_virq_of(r, cpu) :
						    0;
					keep(target);
				});
		measure("verify_single", config, [probe, pop]() mutable {
			unsigned virq, cpu;
			probe.next(virq, cpu);
			const cxipi_resv *r =
				cxipi_registry_lookup(pop->reg, virq);
			const unsigned target =
				r ? cxipi_resv_virq_of(r, cpu) : 0;
			int via = target ? static_cast<int>(
						   cxipi_route_single(true, true)) :
					   -CXIPI_EINVAL;
			keep(via);
		});
	}

	for (const auto &f : fulls) {
		const FullResv *full = f.get();
		std::snprintf(config, sizeof(config), "cpus=%u",
			      full->mask.nbits);
		measure("verify_mask", config, [full] {
			int rc = cxipi_resv_check_mask(full->resv,
						       full->mask.data());
			keep(rc);
		});
		measure("one_pass", config, [full] {
			const Word *words = full->mask.data();
			keep(words);
			Word any, all;
			one_pass(words, full->mask.word_count(), any, all);
			keep(any);
			keep(all);
		});
		measure("fan_out", config, [full] {
			unsigned long sum = 0;
			cxipi_resv_fan_out(full->resv, full->mask.data(),
					   sum_send, &sum);
			keep(sum);
		});
	}

	for (const auto &b : bell_sets) {
		Bells *bell = b.get();
		std::snprintf(config, sizeof(config), "cpus=%u hwirqs=%u",
			      bell->nbits, bell->nr_hwirqs);
		measure("raise_drain", config, [bell] {
			unsigned long delivered = 0;
			int raised = cxipi_doorbells_raise(
				bell->bells, bell->cpu(), bell->hwirq());
			keep(raised);
			drain_bank(bell->bells, bell->cpu(),
					      count_deliver, &delivered);
			keep(delivered);
		});
	}

	CALLGRIND_STOP_INSTRUMENTATION;
	if (table != stdout)
		std::fclose(table);
	return 0;
}
