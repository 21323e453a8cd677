// SPDX-License-Identifier: GPL-2.0
// Registry: virq -> reservation, insert/remove and their failure paths.
#include <cxipi/core.h>

#include "test_env.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <climits>
#include <thread>
#include <vector>

namespace {

constexpr unsigned kMaxVirq = 1U << 20; // documented by -CXIPI_ERANGE
constexpr unsigned kLeaf = 256; // leaf size of the radix table

class Registry : public EnvTest {
protected:
	void SetUp() override
	{
		EnvTest::SetUp();
		reg_ = cxipi_registry_create(env());
		ASSERT_NE(reg_, nullptr);
	}
	void TearDown() override
	{
		cxipi_registry_destroy(env(), reg_);
		for (cxipi_resv *r : resvs_)
			cxipi_resv_free(env(), r);
		EnvTest::TearDown();
	}

	// A reservation freed at the end of the test.
	cxipi_resv *resv(cxipi_domain_kind kind, unsigned base, const Mask &dest)
	{
		cxipi_resv *r = cxipi_resv_create(env(), kind, base, dest.data(),
						  dest.nbits());
		EXPECT_NE(r, nullptr);
		if (r)
			resvs_.push_back(r);
		return r;
	}
	// PER_CPU on CPUs [0, count) of a 64-CPU system.
	cxipi_resv *per_cpu(unsigned base, unsigned count)
	{
		Mask dest(64);
		dest.set_range(0, count);
		return resv(CXIPI_KIND_PER_CPU, base, dest);
	}
	int insert(cxipi_resv *r) { return cxipi_registry_insert(env(), reg_, r); }
	cxipi_resv *lookup(unsigned virq)
	{
		return cxipi_registry_lookup(reg_, virq);
	}
	void expect_range(unsigned first, unsigned count, cxipi_resv *want)
	{
		for (unsigned v = first; v < first + count; v++)
			EXPECT_EQ(lookup(v), want) << "virq " << v;
	}

	cxipi_registry *reg_ = nullptr;
	std::vector<cxipi_resv *> resvs_;
};

} // namespace

TEST_F(Registry, EmptyRegistryResolvesNothing)
{
	for (unsigned v : {0u, 1u, 255u, 256u, 1000u, kMaxVirq - 1, kMaxVirq,
			   UINT_MAX})
		EXPECT_EQ(lookup(v), nullptr) << v;
}

TEST_F(Registry, EveryVirqOfAPerCpuReservationResolvesToIt)
{
	Mask dest(64);
	dest.set_range(3, 20); // 20 virqs from 250: crosses a leaf boundary
	cxipi_resv *r = resv(CXIPI_KIND_PER_CPU, 250, dest);
	ASSERT_EQ(insert(r), 0);
	expect_range(250, 20, r);
	EXPECT_EQ(lookup(249), nullptr);
	EXPECT_EQ(lookup(270), nullptr);
	EXPECT_EQ(lookup(0), nullptr);
}

TEST_F(Registry, SingleReservationResolvesOnlyItsOneVirq)
{
	Mask dest(64);
	dest.set(0).set(5).set(63);
	cxipi_resv *r = resv(CXIPI_KIND_SINGLE, 500, dest);
	ASSERT_EQ(insert(r), 0);
	EXPECT_EQ(lookup(500), r);
	EXPECT_EQ(lookup(499), nullptr);
	EXPECT_EQ(lookup(501), nullptr);
	EXPECT_EQ(lookup(505), nullptr);
}

TEST_F(Registry, PerCpuReservationOf8192CpusResolvesEveryVirq)
{
	Mask dest(8192);
	dest.fill();
	cxipi_resv *r = resv(CXIPI_KIND_PER_CPU, 100000, dest);
	ASSERT_EQ(insert(r), 0);
	for (unsigned v = 100000; v < 100000 + 8192; v++)
		ASSERT_EQ(lookup(v), r) << v;
	EXPECT_EQ(lookup(99999), nullptr);
	EXPECT_EQ(lookup(108192), nullptr);
}

TEST_F(Registry, AdjacentReservationsResolveToTheirOwner)
{
	cxipi_resv *a = per_cpu(10, 4); // 10..13
	cxipi_resv *b = per_cpu(14, 2); // 14..15
	Mask sd(64);
	sd.set(1).set(7);
	cxipi_resv *s = resv(CXIPI_KIND_SINGLE, 16, sd);
	ASSERT_EQ(insert(a), 0);
	ASSERT_EQ(insert(b), 0);
	ASSERT_EQ(insert(s), 0);
	expect_range(10, 4, a);
	expect_range(14, 2, b);
	EXPECT_EQ(lookup(16), s);
	EXPECT_EQ(lookup(17), nullptr);
}

TEST_F(Registry, NonMembersResolveToNull)
{
	cxipi_resv *a = per_cpu(1000, 8);
	ASSERT_EQ(insert(a), 0);
	// Same leaf, other slots; other leaves; beyond the table.
	for (unsigned v : {0u, 999u, 1008u, 1023u, 1024u, 5000u, kMaxVirq - 1,
			   kMaxVirq, UINT_MAX})
		EXPECT_EQ(lookup(v), nullptr) << v;
}

// ---- overlaps --------------------------------------------------------------

TEST_F(Registry, OverlappingInsertIsBusyAndChangesNothing)
{
	cxipi_resv *a = per_cpu(100, 4); // 100..103
	cxipi_resv *b = per_cpu(102, 4); // 102..105
	ASSERT_EQ(insert(a), 0);
	EXPECT_EQ(insert(b), -CXIPI_EBUSY);
	expect_range(100, 4, a);
	EXPECT_EQ(lookup(104), nullptr);
	EXPECT_EQ(lookup(105), nullptr);
}

TEST_F(Registry, OverlapOnTheLastVirqOnlyPublishesNoneOfTheOthers)
{
	cxipi_resv *a = per_cpu(110, 4); // 110..113
	cxipi_resv *b = per_cpu(107, 4); // 107..110: only 110 is taken
	ASSERT_EQ(insert(a), 0);
	EXPECT_EQ(insert(b), -CXIPI_EBUSY);
	expect_range(107, 3, nullptr);
	expect_range(110, 4, a);
}

TEST_F(Registry, OverlapInALaterLeafPublishesNothingInAnEarlierOne)
{
	cxipi_resv *a = per_cpu(260, 1); // leaf 1
	cxipi_resv *b = per_cpu(250, 16); // 250..265, leaves 0 and 1
	ASSERT_EQ(insert(a), 0);
	EXPECT_EQ(insert(b), -CXIPI_EBUSY);
	expect_range(250, 10, nullptr);
	EXPECT_EQ(lookup(260), a);
	expect_range(261, 5, nullptr);
}

TEST_F(Registry, InsertingTheSameReservationTwiceIsBusy)
{
	cxipi_resv *a = per_cpu(20, 3);
	ASSERT_EQ(insert(a), 0);
	EXPECT_EQ(insert(a), -CXIPI_EBUSY);
	expect_range(20, 3, a);
}

TEST_F(Registry, SingleOnAPerCpuVirqIsBusyAndViceVersa)
{
	cxipi_resv *a = per_cpu(30, 4); // 30..33
	Mask sd(64);
	sd.set(2).set(9);
	cxipi_resv *s = resv(CXIPI_KIND_SINGLE, 32, sd);
	ASSERT_EQ(insert(a), 0);
	EXPECT_EQ(insert(s), -CXIPI_EBUSY);
	EXPECT_EQ(lookup(32), a);

	cxipi_resv *s2 = resv(CXIPI_KIND_SINGLE, 40, sd);
	cxipi_resv *b = per_cpu(38, 4); // 38..41
	ASSERT_EQ(insert(s2), 0);
	EXPECT_EQ(insert(b), -CXIPI_EBUSY);
	EXPECT_EQ(lookup(38), nullptr);
	EXPECT_EQ(lookup(40), s2);
	EXPECT_EQ(lookup(41), nullptr);
}

// ---- remove ------------------------------------------------------------------

TEST_F(Registry, RemoveClearsEveryVirqAndAllowsReinsertion)
{
	cxipi_resv *a = per_cpu(250, 12);
	ASSERT_EQ(insert(a), 0);
	cxipi_registry_remove(reg_, a);
	expect_range(250, 12, nullptr);
	// The virqs are free for someone else now.
	cxipi_resv *b = per_cpu(255, 2);
	ASSERT_EQ(insert(b), 0);
	EXPECT_EQ(lookup(255), b);
	ASSERT_EQ(insert(a), -CXIPI_EBUSY);
	cxipi_registry_remove(reg_, b);
	ASSERT_EQ(insert(a), 0);
	expect_range(250, 12, a);
}

TEST_F(Registry, RemoveSingleClearsItsVirq)
{
	Mask sd(64);
	sd.set(0).set(40);
	cxipi_resv *s = resv(CXIPI_KIND_SINGLE, 77, sd);
	ASSERT_EQ(insert(s), 0);
	cxipi_registry_remove(reg_, s);
	EXPECT_EQ(lookup(77), nullptr);
}

TEST_F(Registry, RemoveLeavesOtherReservationsAlone)
{
	cxipi_resv *a = per_cpu(10, 4);
	cxipi_resv *b = per_cpu(14, 4);
	ASSERT_EQ(insert(a), 0);
	ASSERT_EQ(insert(b), 0);
	cxipi_registry_remove(reg_, a);
	expect_range(10, 4, nullptr);
	expect_range(14, 4, b);
}

TEST_F(Registry, RemovingANonInsertedReservationDoesNotEvictTheOwner)
{
	cxipi_resv *a = per_cpu(60, 4);
	cxipi_resv *twin = per_cpu(60, 4); // same virqs, never inserted
	ASSERT_EQ(insert(a), 0);
	cxipi_registry_remove(reg_, twin);
	expect_range(60, 4, a);
	// Also harmless where no leaf exists yet.
	cxipi_resv *far = per_cpu(70000, 4);
	cxipi_registry_remove(reg_, far);
	expect_range(70000, 4, nullptr);
}

// ---- failures ----------------------------------------------------------------

TEST_F(Registry, LeafAllocationFailureIsEnomemWithoutPartialPublication)
{
	cxipi_resv *a = per_cpu(250, 10); // 250..259: leaves 0 and 1
	test_env::fail_nth(2); // leaf 0 is made, leaf 1 is not
	EXPECT_EQ(insert(a), -CXIPI_ENOMEM);
	EXPECT_EQ(test_env::failures(), 1);
	expect_range(250, 10, nullptr);
	// The same insert succeeds once memory is back.
	ASSERT_EQ(insert(a), 0);
	expect_range(250, 10, a);
}

TEST_F(Registry, FirstLeafAllocationFailureIsEnomem)
{
	Mask sd(8);
	sd.set(1);
	cxipi_resv *s = resv(CXIPI_KIND_SINGLE, 3000, sd);
	test_env::fail_nth(1);
	EXPECT_EQ(insert(s), -CXIPI_ENOMEM);
	EXPECT_EQ(lookup(3000), nullptr);
	ASSERT_EQ(insert(s), 0);
	EXPECT_EQ(lookup(3000), s);
}

TEST_F(Registry, EnomemDoesNotDisturbExistingEntries)
{
	cxipi_resv *a = per_cpu(200, 4);
	ASSERT_EQ(insert(a), 0);
	Mask wide(256);
	wide.set_range(0, 200);
	cxipi_resv *b = resv(CXIPI_KIND_PER_CPU, 204, wide); // 204..403
	test_env::fail_nth(1);
	EXPECT_EQ(insert(b), -CXIPI_ENOMEM);
	expect_range(200, 4, a);
	expect_range(204, 200, nullptr);
}

TEST_F(Registry, VirqAtOrPastTwoToTheTwentyIsErange)
{
	Mask sd(8);
	sd.set(0);
	cxipi_resv *s = resv(CXIPI_KIND_SINGLE, kMaxVirq, sd);
	EXPECT_EQ(insert(s), -CXIPI_ERANGE);
	cxipi_resv *p = per_cpu(kMaxVirq + 5, 2);
	EXPECT_EQ(insert(p), -CXIPI_ERANGE);
	cxipi_resv *huge = per_cpu(UINT_MAX - 10, 2);
	EXPECT_EQ(insert(huge), -CXIPI_ERANGE);
}

TEST_F(Registry, RangeRunningPastTheLimitIsErangeAndPublishesNothing)
{
	cxipi_resv *p = per_cpu(kMaxVirq - 2, 4); // last two are too large
	EXPECT_EQ(insert(p), -CXIPI_ERANGE);
	EXPECT_EQ(lookup(kMaxVirq - 2), nullptr);
	EXPECT_EQ(lookup(kMaxVirq - 1), nullptr);
}

TEST_F(Registry, RangeEndingAtTheLastVirqFits)
{
	cxipi_resv *p = per_cpu(kMaxVirq - 4, 4);
	ASSERT_EQ(insert(p), 0);
	expect_range(kMaxVirq - 4, 4, p);
	Mask sd(8);
	sd.set(0);
	cxipi_resv *s = resv(CXIPI_KIND_SINGLE, kMaxVirq - 5, sd);
	ASSERT_EQ(insert(s), 0);
	EXPECT_EQ(lookup(kMaxVirq - 5), s);
}

// ---- memory ---------------------------------------------------------------------

TEST_F(Registry, DestroyFreesTheRegistryAndEveryLeaf)
{
	const long before = test_env::live(); // the registry itself
	EXPECT_EQ(before, 1);
	// Three reservations over four leaves.
	cxipi_resv *a = per_cpu(1 * kLeaf + 5, 4);
	cxipi_resv *b = per_cpu(3 * kLeaf - 2, 4); // leaves 2 and 3
	Mask sd(8);
	sd.set(2);
	cxipi_resv *s = resv(CXIPI_KIND_SINGLE, 4 * kLeaf + 7, sd);
	ASSERT_EQ(insert(a), 0);
	ASSERT_EQ(insert(b), 0);
	ASSERT_EQ(insert(s), 0);
	EXPECT_EQ(test_env::live(), before + 3 /* resvs */ + 4 /* leaves */);
	cxipi_registry_destroy(env(), reg_);
	reg_ = nullptr;
	EXPECT_EQ(test_env::live(), 3); // only the reservations are left
}

TEST_F(Registry, CreateFailsCleanlyWhenOutOfMemory)
{
	test_env::fail_nth(1);
	EXPECT_EQ(cxipi_registry_create(env()), nullptr);
	EXPECT_EQ(test_env::live(), 1); // the fixture's registry only
}

TEST_F(Registry, DestroyOfNullIsANoOp)
{
	cxipi_registry_destroy(env(), nullptr);
	EXPECT_EQ(test_env::live(), 1);
}

// ---- lock-free lookups ------------------------------------------------------------

TEST_F(Registry, ConcurrentLookupsSeeNothingOrTheOwningReservation)
{
	// A writer inserts and removes reservations over the same virqs while
	// readers look them up: a reader must only ever see NULL or a
	// reservation that really holds that virq.
	std::vector<cxipi_resv *> pool;
	for (unsigned i = 0; i < 8; i++)
		pool.push_back(per_cpu(500 + (i % 4) * 3, 1 + i % 5));
	std::atomic<bool> stop{false};
	std::atomic<long> bad{0};
	auto reader = [&] {
		while (!stop.load(std::memory_order_relaxed)) {
			for (unsigned v = 495; v < 525; v++) {
				cxipi_resv *r = cxipi_registry_lookup(reg_, v);
				if (!r)
					continue;
				const unsigned base = cxipi_resv_base(r);
				if (v < base || v >= base + cxipi_resv_nr_virqs(r))
					bad++;
			}
		}
	};
	std::thread readers[2] = {std::thread(reader), std::thread(reader)};
	for (int round = 0; round < 20000; round++) {
		cxipi_resv *r = pool[round % pool.size()];
		if (insert(r) == 0)
			cxipi_registry_remove(reg_, r);
	}
	stop = true;
	for (auto &t : readers)
		t.join();
	EXPECT_EQ(bad.load(), 0);
	for (unsigned v = 495; v < 525; v++)
		EXPECT_EQ(lookup(v), nullptr);
}
