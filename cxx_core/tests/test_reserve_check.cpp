// SPDX-License-Identifier: GPL-2.0
// cxipi_reserve_check(): the mask checks of irq_reserve_ipi(), in the
// contract's order, and the plan of a valid reservation.
#include <cxipi/core.h>

#include "test_env.hpp"

#include <gtest/gtest.h>

namespace {

// A plan pre-filled with a recognisable value, to see what gets written.
cxipi_reserve_plan poisoned_plan()
{
	return cxipi_reserve_plan{0xdead, 0xbeef, 0xf00d};
}

enum cxipi_reserve_check check(cxipi_domain_kind kind, const Mask &dest,
			  const Mask &possible, cxipi_reserve_plan *plan)
{
	EXPECT_EQ(dest.nbits(), possible.nbits());
	return cxipi_reserve_check(kind, dest.data(), possible.data(),
				   dest.nbits(), plan);
}

void expect_plan(const cxipi_reserve_plan &plan, unsigned nr_virqs,
		 unsigned offset, unsigned weight)
{
	EXPECT_EQ(plan.nr_virqs, nr_virqs);
	EXPECT_EQ(plan.offset, offset);
	EXPECT_EQ(plan.weight, weight);
}

const cxipi_domain_kind kKinds[] = {CXIPI_KIND_PER_CPU, CXIPI_KIND_SINGLE};

} // namespace

// ---- valid masks and their plans -------------------------------------------

TEST(ReserveCheck, PerCpuContiguousDestIsOkWithOneVirqPerCpu)
{
	Mask possible(16), dest(16);
	possible.set_range(0, 8);
	dest.set_range(2, 4); // CPUs 2..5
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 4, 2, 4);
}

TEST(ReserveCheck, SingleDestWithHolesIsOkWithOneVirq)
{
	Mask possible(16), dest(16);
	possible.fill();
	dest.set(1).set(3).set(6).set(15);
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_SINGLE, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 1, 1, 4);
}

TEST(ReserveCheck, SingleContiguousDestStillHasOneVirq)
{
	Mask possible(8), dest(8);
	possible.fill();
	dest.set_range(3, 5);
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_SINGLE, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 1, 3, 5);
}

TEST(ReserveCheck, OneCpuDestIsOkForBothKinds)
{
	Mask possible(64), dest(64);
	possible.fill();
	dest.set(63);
	for (auto kind : kKinds) {
		auto plan = poisoned_plan();
		EXPECT_EQ(check(kind, dest, possible, &plan), CXIPI_RESERVE_OK);
		expect_plan(plan, 1, 63, 1);
	}
}

TEST(ReserveCheck, PossibleButNotEveryPossibleCpuIsEnough)
{
	// Coprocessors: dest only has to be within possible, which may be
	// sparse itself.
	Mask possible(32), dest(32);
	possible.set_range(0, 4).set_range(10, 6);
	dest.set_range(10, 6);
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 6, 10, 6);
}

TEST(ReserveCheck, DestEqualToPossibleIsOk)
{
	Mask possible(65), dest(65);
	possible.fill();
	dest.fill();
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 65, 0, 65);
}

// ---- each failure on its own ------------------------------------------------

TEST(ReserveCheck, DestOutsidePossibleIsNotPossibleForBothKinds)
{
	Mask possible(16), dest(16);
	possible.set_range(0, 4);
	dest.set_range(2, 3); // CPU 4 is not possible
	for (auto kind : kKinds) {
		auto plan = poisoned_plan();
		EXPECT_EQ(check(kind, dest, possible, &plan),
			  CXIPI_RESERVE_NOT_POSSIBLE)
			<< "kind " << kind;
	}
}

TEST(ReserveCheck, EmptyDestIsEmptyForBothKinds)
{
	Mask possible(16), dest(16);
	possible.fill();
	for (auto kind : kKinds) {
		auto plan = poisoned_plan();
		EXPECT_EQ(check(kind, dest, possible, &plan),
			  CXIPI_RESERVE_EMPTY)
			<< "kind " << kind;
	}
}

TEST(ReserveCheck, PerCpuRejectsAHole)
{
	Mask possible(16), dest(16);
	possible.fill();
	dest.set_range(2, 2).set(5); // 2,3 then a gap at 4, then 5
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_HOLE);
}

TEST(ReserveCheck, PerCpuRejectsAHoleAcrossAWordBoundary)
{
	Mask possible(200), dest(200);
	possible.fill();
	dest.set_range(60, 4).set_range(65, 6); // gap at 64
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_HOLE);
	plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_SINGLE, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 1, 60, 10);
}

TEST(ReserveCheck, PerCpuRunCrossingWordBoundaryIsNotAHole)
{
	Mask possible(200), dest(200);
	possible.fill();
	dest.set_range(60, 80);
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 80, 60, 80);
}

// ---- the order of the checks ------------------------------------------------
// An empty mask is a subset of every mask and has no hole, so "not possible
// before empty" and "empty before hole" show only through garbage bits and
// through which of several failures is reported.

TEST(ReserveCheckOrder, NotPossibleIsReportedBeforeAHole)
{
	Mask possible(16), dest(16);
	possible.set_range(0, 8);
	dest.set(1).set(3).set(12); // a hole, and CPU 12 is not possible
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_NOT_POSSIBLE);
}

TEST(ReserveCheckOrder, EmptyDestIsEmptyEvenWhenNothingIsPossible)
{
	Mask possible(16), dest(16);
	for (auto kind : kKinds) {
		auto plan = poisoned_plan();
		EXPECT_EQ(check(kind, dest, possible, &plan),
			  CXIPI_RESERVE_EMPTY);
	}
}

TEST(ReserveCheckOrder, DestOfGarbageOnlyIsEmptyNotNotPossible)
{
	// Bits past nbits are not CPUs: not "outside possible", just absent.
	Mask possible(70), dest(70);
	possible.set_range(0, 4);
	dest.set_garbage();
	for (auto kind : kKinds) {
		auto plan = poisoned_plan();
		EXPECT_EQ(check(kind, dest, possible, &plan),
			  CXIPI_RESERVE_EMPTY);
	}
}

TEST(ReserveCheckOrder, GarbagePastNbitsIsNeitherImpossibleNorAHole)
{
	Mask possible(65), dest(65);
	possible.set_range(0, 8); // bit 64 and the garbage are not possible
	dest.set_range(4, 4).set_garbage();
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 4, 4, 4);
}

TEST(ReserveCheckOrder, GarbageInPossibleDoesNotMakeAnImpossibleCpuPossible)
{
	Mask possible(65), dest(65);
	possible.set_range(0, 64).set_garbage();
	dest.set(64);
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_SINGLE, dest, possible, &plan),
		  CXIPI_RESERVE_NOT_POSSIBLE);
}

// ---- NR_CPUS = 8192 ------------------------------------------------------------

TEST(ReserveCheck8192, PerCpuRunHighInTheMaskHasOffsetAndWeight)
{
	Mask possible(8192), dest(8192);
	possible.fill();
	dest.set_range(4000, 100);
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 100, 4000, 100);
}

TEST(ReserveCheck8192, LastCpuAloneIsOk)
{
	Mask possible(8192), dest(8192);
	possible.fill();
	dest.set(8191);
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 1, 8191, 1);
}

TEST(ReserveCheck8192, FirstAndLastCpuAreAHoleForPerCpuOnly)
{
	Mask possible(8192), dest(8192);
	possible.fill();
	dest.set(0).set(8191);
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_HOLE);
	plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_SINGLE, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 1, 0, 2);
}

TEST(ReserveCheck8192, LastCpuNotPossibleIsDetected)
{
	Mask possible(8192), dest(8192);
	possible.set_range(0, 8191);
	dest.set_range(8000, 192);
	for (auto kind : kKinds) {
		auto plan = poisoned_plan();
		EXPECT_EQ(check(kind, dest, possible, &plan),
			  CXIPI_RESERVE_NOT_POSSIBLE);
	}
}

TEST(ReserveCheck8192, WholeMaskIsOneRun)
{
	Mask possible(8192), dest(8192);
	possible.fill();
	dest.fill();
	auto plan = poisoned_plan();
	EXPECT_EQ(check(CXIPI_KIND_PER_CPU, dest, possible, &plan),
		  CXIPI_RESERVE_OK);
	expect_plan(plan, 8192, 0, 8192);
}
