// SPDX-License-Identifier: GPL-2.0
// Reservations: creation, layout of virqs, target checks, failure paths.
#include <cxipi/core.h>

#include "test_env.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cstdint>

namespace {

class Reservation : public EnvTest {
protected:
	cxipi_resv *create(cxipi_domain_kind kind, unsigned base,
			   const Mask &dest)
	{
		return cxipi_resv_create(env(), kind, base, dest.data(),
					 dest.nbits());
	}
	void free(cxipi_resv *resv) { cxipi_resv_free(env(), resv); }
};

} // namespace

TEST_F(Reservation, CreatePerCpuRecordsBaseAndOneVirqPerTarget)
{
	Mask dest(16);
	dest.set_range(4, 4);
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 100, dest);
	ASSERT_NE(r, nullptr);
	EXPECT_EQ(test_env::live(), 1);
	EXPECT_EQ(cxipi_resv_base(r), 100u);
	EXPECT_EQ(cxipi_resv_nr_virqs(r), 4u);
	ASSERT_NE(cxipi_resv_targets(r), nullptr);
	EXPECT_EQ(cxipi_resv_targets(r)[0], dest.data()[0]);
	free(r);
	EXPECT_EQ(test_env::live(), 0);
}

TEST_F(Reservation, CreateSingleHasOneVirqWhateverTheTargets)
{
	Mask dest(130);
	dest.set(0).set(64).set(129);
	cxipi_resv *r = create(CXIPI_KIND_SINGLE, 7, dest);
	ASSERT_NE(r, nullptr);
	EXPECT_EQ(cxipi_resv_base(r), 7u);
	EXPECT_EQ(cxipi_resv_nr_virqs(r), 1u);
	const unsigned long *t = cxipi_resv_targets(r);
	EXPECT_EQ(t[0], 1UL);
	EXPECT_EQ(t[1], 1UL);
	EXPECT_EQ(t[2], 1UL << 1);
	free(r);
}

TEST_F(Reservation, FreeOfNullIsANoOp)
{
	free(nullptr);
	EXPECT_EQ(test_env::calls(), 0);
}

TEST_F(Reservation, TargetsAreACopyOfDest)
{
	Mask dest(70);
	dest.set_range(10, 5);
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 50, dest);
	ASSERT_NE(r, nullptr);
	EXPECT_NE(cxipi_resv_targets(r), dest.data());
	dest.words()[0] = ~0UL; // the caller's mask changes...
	dest.words()[1] = ~0UL;
	EXPECT_EQ(cxipi_resv_targets(r)[0], 0x1fUL << 10); // ...not ours
	EXPECT_EQ(cxipi_resv_virq_of(r, 0), 0u);
	EXPECT_EQ(cxipi_resv_virq_of(r, 65), 0u);
	EXPECT_EQ(cxipi_resv_virq_of(r, 12), 52u);
	free(r);
}

TEST_F(Reservation, TargetWordsAreAlignedForUnsignedLong)
{
	// The shim hands cxipi_resv_targets() to kernel cpumask code, which
	// reads whole unsigned longs.
	for (unsigned nbits : {1u, 64u, 65u, 8192u}) {
		Mask dest(nbits);
		dest.set(0);
		cxipi_resv *r = create(CXIPI_KIND_SINGLE, 1, dest);
		ASSERT_NE(r, nullptr);
		EXPECT_EQ(reinterpret_cast<uintptr_t>(cxipi_resv_targets(r)) %
				  alignof(unsigned long),
			  0u)
			<< "nbits " << nbits;
		free(r);
	}
}

// ---- virq_of ----------------------------------------------------------------

TEST_F(Reservation, PerCpuVirqOfIsBasePlusCpuMinusOffset)
{
	Mask dest(16);
	dest.set_range(5, 6); // CPUs 5..10, offset 5
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 1000, dest);
	ASSERT_NE(r, nullptr);
	for (unsigned cpu = 0; cpu < 16; cpu++) {
		const unsigned want = dest.test(cpu) ? 1000 + cpu - 5 : 0;
		EXPECT_EQ(cxipi_resv_virq_of(r, cpu), want) << "cpu " << cpu;
	}
	free(r);
}

TEST_F(Reservation, PerCpuVirqOfOver8192CpusAcrossWords)
{
	Mask dest(8192);
	dest.set_range(8000, 192); // up to the last CPU
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 20000, dest);
	ASSERT_NE(r, nullptr);
	EXPECT_EQ(cxipi_resv_nr_virqs(r), 192u);
	EXPECT_EQ(cxipi_resv_virq_of(r, 7999), 0u);
	for (unsigned cpu = 8000; cpu < 8192; cpu++)
		ASSERT_EQ(cxipi_resv_virq_of(r, cpu), 20000 + cpu - 8000);
	EXPECT_EQ(cxipi_resv_virq_of(r, 0), 0u);
	EXPECT_EQ(cxipi_resv_virq_of(r, 8192), 0u);
	free(r);
}

TEST_F(Reservation, SingleVirqOfIsBaseForEveryTargetAndZeroElsewhere)
{
	Mask dest(200);
	dest.set(3).set(64).set(130).set(199);
	cxipi_resv *r = create(CXIPI_KIND_SINGLE, 42, dest);
	ASSERT_NE(r, nullptr);
	for (unsigned cpu = 0; cpu < 200; cpu++)
		ASSERT_EQ(cxipi_resv_virq_of(r, cpu), dest.test(cpu) ? 42u : 0u)
			<< "cpu " << cpu;
	free(r);
}

TEST_F(Reservation, VirqOfCpuAtOrPastNbitsIsZero)
{
	// Garbage past nbits in the caller's mask must not become a target.
	for (unsigned nbits : {1u, 63u, 65u, 1000u}) {
		for (auto kind : {CXIPI_KIND_PER_CPU, CXIPI_KIND_SINGLE}) {
			Mask dest(nbits);
			dest.set(nbits - 1).set_garbage();
			cxipi_resv *r = create(kind, 9, dest);
			ASSERT_NE(r, nullptr) << nbits;
			EXPECT_EQ(cxipi_resv_virq_of(r, nbits - 1), 9u);
			EXPECT_EQ(cxipi_resv_virq_of(r, nbits), 0u) << nbits;
			EXPECT_EQ(cxipi_resv_virq_of(r, nbits + 1), 0u);
			EXPECT_EQ(cxipi_resv_virq_of(r, 100000), 0u);
			EXPECT_EQ(cxipi_resv_virq_of(r, UINT_MAX), 0u);
			EXPECT_EQ(cxipi_resv_nr_virqs(r), 1u);
			free(r);
		}
	}
}

// ---- check_mask -------------------------------------------------------------

TEST_F(Reservation, CheckMaskAcceptsSubsetsOfTheTargets)
{
	Mask dest(128);
	dest.set_range(60, 10);
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 300, dest);
	ASSERT_NE(r, nullptr);
	Mask m(128);
	EXPECT_EQ(cxipi_resv_check_mask(r, m.data()), 0); // empty
	m.set(60);
	EXPECT_EQ(cxipi_resv_check_mask(r, m.data()), 0);
	m.set(69).set(64);
	EXPECT_EQ(cxipi_resv_check_mask(r, m.data()), 0);
	EXPECT_EQ(cxipi_resv_check_mask(r, dest.data()), 0); // all
	free(r);
}

TEST_F(Reservation, CheckMaskRejectsAnyCpuOutsideTheTargets)
{
	Mask dest(128);
	dest.set_range(60, 10);
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 300, dest);
	ASSERT_NE(r, nullptr);
	for (unsigned outside : {0u, 59u, 70u, 127u}) {
		Mask m(128);
		m.set_range(60, 10).set(outside);
		EXPECT_EQ(cxipi_resv_check_mask(r, m.data()), -CXIPI_EINVAL)
			<< "cpu " << outside;
	}
	free(r);
}

TEST_F(Reservation, CheckMaskOnSingleWithHoles)
{
	Mask dest(16);
	dest.set(1).set(4).set(9);
	cxipi_resv *r = create(CXIPI_KIND_SINGLE, 5, dest);
	ASSERT_NE(r, nullptr);
	Mask in(16), out(16);
	in.set(4).set(9);
	out.set(4).set(5); // 5 is in the hole
	EXPECT_EQ(cxipi_resv_check_mask(r, in.data()), 0);
	EXPECT_EQ(cxipi_resv_check_mask(r, out.data()), -CXIPI_EINVAL);
	free(r);
}

TEST_F(Reservation, CheckMaskIgnoresGarbagePastNbits)
{
	Mask dest(65);
	dest.set(64);
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 5, dest);
	ASSERT_NE(r, nullptr);
	Mask m(65);
	m.set(64).set_garbage();
	EXPECT_EQ(cxipi_resv_check_mask(r, m.data()), 0);
	free(r);
}

// ---- failures -----------------------------------------------------------------

TEST_F(Reservation, CreateReturnsNullWithoutLeakWhenAllocationFails)
{
	Mask dest(64);
	dest.set_range(0, 4);
	test_env::fail_nth(1);
	EXPECT_EQ(create(CXIPI_KIND_PER_CPU, 10, dest), nullptr);
	EXPECT_EQ(test_env::failures(), 1);
	EXPECT_EQ(test_env::live(), 0);
	// And the next allocation works again.
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 10, dest);
	ASSERT_NE(r, nullptr);
	free(r);
}

TEST_F(Reservation, BaseVirqZeroIsRejected)
{
	Mask dest(8);
	dest.set(0);
	for (auto kind : {CXIPI_KIND_PER_CPU, CXIPI_KIND_SINGLE})
		EXPECT_EQ(create(kind, 0, dest), nullptr);
	EXPECT_EQ(test_env::live(), 0);
}

TEST_F(Reservation, InvalidDestIsRejectedDefensively)
{
	Mask empty(8), holed(8);
	holed.set(1).set(3);
	EXPECT_EQ(create(CXIPI_KIND_PER_CPU, 1, empty), nullptr);
	EXPECT_EQ(create(CXIPI_KIND_SINGLE, 1, empty), nullptr);
	EXPECT_EQ(create(CXIPI_KIND_PER_CPU, 1, holed), nullptr);
	EXPECT_EQ(test_env::live(), 0);
	cxipi_resv *r = create(CXIPI_KIND_SINGLE, 1, holed);
	ASSERT_NE(r, nullptr);
	free(r);
}

TEST_F(Reservation, VirqRangeThatWouldWrapIsRejected)
{
	// Virqs UINT_MAX-1, UINT_MAX, 0, 1: the third CPU would get virq 0,
	// which means "not a target".
	Mask dest(8);
	dest.set_range(0, 4);
	EXPECT_EQ(create(CXIPI_KIND_PER_CPU, UINT_MAX - 1, dest), nullptr);
	EXPECT_EQ(test_env::live(), 0);
	// A SINGLE reservation has one virq and may sit anywhere.
	cxipi_resv *r = create(CXIPI_KIND_SINGLE, UINT_MAX - 1, dest);
	ASSERT_NE(r, nullptr);
	EXPECT_EQ(cxipi_resv_virq_of(r, 3), UINT_MAX - 1);
	free(r);
}
