// SPDX-License-Identifier: GPL-2.0
// irq_destroy_ipi() as the core sees it: cxipi_registry_remove_targets()
// removes the CPUs of dest from a reservation and unpublishes the virqs
// that no longer carry an IPI (contract D2, D3, D6).
#include <cxipi/core.h>

#include "test_env.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace {

class PartialDestroy : public EnvTest {
protected:
	void TearDown() override
	{
		cxipi_registry_destroy(env(), reg_);
		for (cxipi_resv *r : resvs_)
			cxipi_resv_free(env(), r);
		EnvTest::TearDown();
	}

	void SetUp() override
	{
		EnvTest::SetUp();
		reg_ = cxipi_registry_create(env());
		ASSERT_NE(reg_, nullptr);
	}

	// A reservation, inserted into the registry, freed at the end.
	cxipi_resv *reserve(cxipi_domain_kind kind, unsigned base,
			    const Mask &dest)
	{
		cxipi_resv *r = cxipi_resv_create(env(), kind, base, dest.data(),
						  dest.nbits());
		EXPECT_NE(r, nullptr);
		if (!r)
			return nullptr;
		resvs_.push_back(r);
		EXPECT_EQ(cxipi_registry_insert(env(), reg_, r), 0);
		return r;
	}
	int remove(cxipi_resv *r, const Mask &dest)
	{
		return cxipi_registry_remove_targets(reg_, r, dest.data());
	}
	cxipi_resv *lookup(unsigned virq)
	{
		return cxipi_registry_lookup(reg_, virq);
	}
	// The reservation's targets, as a set of CPUs.
	static std::set<unsigned> targets(const cxipi_resv *r, unsigned nbits)
	{
		const unsigned long *w = cxipi_resv_targets(r);
		std::set<unsigned> s;
		for (unsigned c = 0; c < nbits; c++)
			if (w[c / 64] >> (c % 64) & 1)
				s.insert(c);
		return s;
	}
	static std::set<unsigned> set_of(const Mask &m)
	{
		std::set<unsigned> s;
		for (unsigned c = 0; c < m.nbits(); c++)
			if (m.test(c))
				s.insert(c);
		return s;
	}
	// Every target resolves through its virq, every non-target of the
	// PER_CPU layout [offset, offset + span) resolves to nothing.
	void expect_per_cpu_state(cxipi_resv *r, unsigned base, unsigned offset,
				  unsigned span, const std::set<unsigned> &left)
	{
		for (unsigned c = offset; c < offset + span; c++) {
			SCOPED_TRACE(testing::Message() << "cpu " << c);
			const unsigned virq = base + c - offset;
			EXPECT_EQ(cxipi_resv_layout_virq(r, c), virq);
			if (left.count(c)) {
				EXPECT_EQ(cxipi_resv_virq_of(r, c), virq);
				EXPECT_EQ(lookup(virq), r);
			} else {
				EXPECT_EQ(cxipi_resv_virq_of(r, c), 0u);
				EXPECT_EQ(lookup(virq), nullptr);
			}
		}
	}

	cxipi_registry *reg_ = nullptr;
	std::vector<cxipi_resv *> resvs_;
};

} // namespace

// ---- PER_CPU (D2, D6) ------------------------------------------------------

TEST_F(PartialDestroy, PerCpuRemovesExactlyTheCpusOfADestWithHoles)
{
	// CPUs 10..79 (crossing a word) on virqs 1000..1069 (crossing a leaf).
	Mask dest(256);
	dest.set_range(10, 70);
	cxipi_resv *r = reserve(CXIPI_KIND_PER_CPU, 1000, dest);
	ASSERT_NE(r, nullptr);

	Mask gone(256); // holes everywhere, across the word boundary
	gone.set(11).set(13).set(40).set(63).set(64).set(79);
	EXPECT_EQ(remove(r, gone), 70 - 6);

	std::set<unsigned> left = set_of(dest);
	for (unsigned c : set_of(gone))
		left.erase(c);
	EXPECT_EQ(targets(r, 256), left);
	expect_per_cpu_state(r, 1000, 10, 70, left);
	// Nothing outside the reservation appeared.
	EXPECT_EQ(lookup(999), nullptr);
	EXPECT_EQ(lookup(1070), nullptr);
}

TEST_F(PartialDestroy, PerCpuReturnsTheRemainingCountAndUnpublishesAllAtZero)
{
	Mask dest(64);
	dest.set_range(0, 8);
	cxipi_resv *r = reserve(CXIPI_KIND_PER_CPU, 40, dest);
	ASSERT_NE(r, nullptr);
	Mask a(64), b(64), c(64);
	a.set(0).set(7);
	b.set(2).set(3).set(5);
	c.set(1).set(4).set(6);
	EXPECT_EQ(remove(r, a), 6);
	EXPECT_EQ(remove(r, b), 3);
	expect_per_cpu_state(r, 40, 0, 8, {1, 4, 6});
	EXPECT_EQ(remove(r, c), 0);
	expect_per_cpu_state(r, 40, 0, 8, {});
	EXPECT_TRUE(targets(r, 64).empty());
}

TEST_F(PartialDestroy, PerCpuEveryRemainingVirqStillResolvesIncludingAfterTheBaseGoes)
{
	// D6: any virq of the reservation names it, not just the base; removing
	// the first CPU (whose virq is the base) must not orphan the others.
	Mask dest(128);
	dest.set_range(60, 12); // 60..71, virqs 500..511
	cxipi_resv *r = reserve(CXIPI_KIND_PER_CPU, 500, dest);
	ASSERT_NE(r, nullptr);
	Mask first(128);
	first.set(60);
	EXPECT_EQ(remove(r, first), 11);
	EXPECT_EQ(lookup(500), nullptr);
	for (unsigned v = 501; v < 512; v++)
		EXPECT_EQ(lookup(v), r) << "virq " << v;
	// A later destroy through any surviving virq finds the same
	// reservation, and its layout has not moved.
	cxipi_resv *via_last = lookup(511);
	ASSERT_EQ(via_last, r);
	Mask more(128);
	more.set(61).set(71);
	EXPECT_EQ(remove(via_last, more), 9);
	std::set<unsigned> left;
	for (unsigned c = 62; c < 71; c++)
		left.insert(c);
	expect_per_cpu_state(r, 500, 60, 12, left);
}

TEST_F(PartialDestroy, LayoutVirqOfARemovedCpuStaysBasePlusCpuMinusOffset)
{
	Mask dest(200);
	dest.set_range(100, 50);
	cxipi_resv *r = reserve(CXIPI_KIND_PER_CPU, 7000, dest);
	ASSERT_NE(r, nullptr);
	Mask gone(200);
	gone.set(100).set(127).set(128).set(149);
	EXPECT_EQ(remove(r, gone), 46);
	for (unsigned c : {100u, 127u, 128u, 149u}) {
		EXPECT_EQ(cxipi_resv_virq_of(r, c), 0u) << c;
		EXPECT_EQ(cxipi_resv_layout_virq(r, c), 7000 + c - 100) << c;
	}
	// The base and the count of the original reservation are unchanged.
	EXPECT_EQ(cxipi_resv_base(r), 7000u);
	EXPECT_EQ(cxipi_resv_nr_virqs(r), 50u);
}

TEST_F(PartialDestroy, RemovedCpusFailTheSendCheckAndTheOthersPass)
{
	Mask dest(64);
	dest.set_range(4, 6); // 4..9
	cxipi_resv *r = reserve(CXIPI_KIND_PER_CPU, 20, dest);
	ASSERT_NE(r, nullptr);
	Mask gone(64);
	gone.set(6);
	ASSERT_EQ(remove(r, gone), 5);
	Mask with_removed(64), without(64);
	with_removed.set(5).set(6);
	without.set(4).set(5).set(7).set(8).set(9);
	EXPECT_EQ(cxipi_resv_check_mask(r, with_removed.data()), -CXIPI_EINVAL);
	EXPECT_EQ(cxipi_resv_check_mask(r, gone.data()), -CXIPI_EINVAL);
	EXPECT_EQ(cxipi_resv_check_mask(r, without.data()), 0);
}

TEST_F(PartialDestroy, PerCpuOf8192CpusRemovingEveryOtherCpu)
{
	Mask dest(8192);
	dest.fill();
	cxipi_resv *r = reserve(CXIPI_KIND_PER_CPU, 200000, dest);
	ASSERT_NE(r, nullptr);
	Mask odd(8192);
	for (unsigned c = 1; c < 8192; c += 2)
		odd.set(c);
	EXPECT_EQ(remove(r, odd), 4096);
	for (unsigned c = 0; c < 8192; c++) {
		const unsigned virq = 200000 + c;
		ASSERT_EQ(lookup(virq), c % 2 ? nullptr : r) << c;
		ASSERT_EQ(cxipi_resv_virq_of(r, c), c % 2 ? 0u : virq) << c;
	}
}

TEST_F(PartialDestroy, RemoveTargetsDoesNotUnpublishAnotherReservationsVirq)
{
	// A reservation that was never inserted (or lost its slot) must not
	// evict the owner of the same virqs.
	Mask dest(64);
	dest.set_range(0, 4);
	cxipi_resv *owner = reserve(CXIPI_KIND_PER_CPU, 300, dest);
	ASSERT_NE(owner, nullptr);
	cxipi_resv *twin = cxipi_resv_create(env(), CXIPI_KIND_PER_CPU, 300,
					     dest.data(), dest.nbits());
	ASSERT_NE(twin, nullptr);
	resvs_.push_back(twin);
	Mask gone(64);
	gone.set(1).set(2);
	EXPECT_EQ(remove(twin, gone), 2);
	for (unsigned v = 300; v < 304; v++)
		EXPECT_EQ(lookup(v), owner) << v;
}

// ---- invalid dest: -EINVAL, nothing changed ---------------------------------------

TEST_F(PartialDestroy, EmptyDestIsEinvalAndChangesNothingForBothKinds)
{
	Mask dest(100);
	dest.set_range(20, 10);
	cxipi_resv *p = reserve(CXIPI_KIND_PER_CPU, 50, dest);
	Mask sd(100);
	sd.set(3).set(70).set(99);
	cxipi_resv *s = reserve(CXIPI_KIND_SINGLE, 90, sd);
	ASSERT_NE(p, nullptr);
	ASSERT_NE(s, nullptr);

	Mask empty(100), garbage_only(100);
	garbage_only.set_garbage(); // bits past nbits are no CPUs
	for (const Mask *m : {&empty, &garbage_only}) {
		EXPECT_EQ(remove(p, *m), -CXIPI_EINVAL);
		EXPECT_EQ(remove(s, *m), -CXIPI_EINVAL);
	}
	EXPECT_EQ(targets(p, 100), set_of(dest));
	EXPECT_EQ(targets(s, 100), set_of(sd));
	expect_per_cpu_state(p, 50, 20, 10, set_of(dest));
	EXPECT_EQ(lookup(90), s);
}

TEST_F(PartialDestroy, DestNotASubsetOfTheTargetsIsEinvalAndChangesNothing)
{
	Mask dest(130);
	dest.set_range(64, 10); // 64..73
	cxipi_resv *p = reserve(CXIPI_KIND_PER_CPU, 2000, dest);
	ASSERT_NE(p, nullptr);

	Mask outside(130), straddling(130), far(130);
	outside.set(63);
	straddling.set(64).set(65).set(74); // two targets and one not
	far.set(64).set(129);
	for (const Mask *m : {&outside, &straddling, &far})
		EXPECT_EQ(remove(p, *m), -CXIPI_EINVAL);
	EXPECT_EQ(targets(p, 130), set_of(dest));
	expect_per_cpu_state(p, 2000, 64, 10, set_of(dest));

	// A CPU already removed is no longer a target either.
	Mask once(130);
	once.set(66);
	ASSERT_EQ(remove(p, once), 9);
	Mask again(130);
	again.set(66).set(67);
	EXPECT_EQ(remove(p, again), -CXIPI_EINVAL);
	std::set<unsigned> left = set_of(dest);
	left.erase(66);
	EXPECT_EQ(targets(p, 130), left);
	expect_per_cpu_state(p, 2000, 64, 10, left);
}

TEST_F(PartialDestroy, SingleDestNotASubsetIsEinvalAndChangesNothing)
{
	Mask sd(64);
	sd.set(1).set(4).set(9);
	cxipi_resv *s = reserve(CXIPI_KIND_SINGLE, 77, sd);
	ASSERT_NE(s, nullptr);
	Mask hole(64);
	hole.set(4).set(5); // 5 lies in a hole of the targets
	EXPECT_EQ(remove(s, hole), -CXIPI_EINVAL);
	EXPECT_EQ(targets(s, 64), set_of(sd));
	EXPECT_EQ(lookup(77), s);
}

// ---- SINGLE (D3) ---------------------------------------------------------------------

TEST_F(PartialDestroy, SingleStrictSubsetKeepsTheVirqAndOnlyShrinksTheTargets)
{
	Mask sd(200);
	sd.set(0).set(63).set(64).set(150).set(199);
	cxipi_resv *s = reserve(CXIPI_KIND_SINGLE, 4242, sd);
	ASSERT_NE(s, nullptr);
	Mask gone(200);
	gone.set(63).set(150);
	EXPECT_EQ(remove(s, gone), 3);
	EXPECT_EQ(lookup(4242), s);
	EXPECT_EQ(targets(s, 200), (std::set<unsigned>{0, 64, 199}));
	for (unsigned c = 0; c < 200; c++) {
		const bool target = c == 0 || c == 64 || c == 199;
		ASSERT_EQ(cxipi_resv_virq_of(s, c), target ? 4242u : 0u) << c;
		ASSERT_EQ(cxipi_resv_layout_virq(s, c), 4242u) << c;
	}
	EXPECT_EQ(cxipi_resv_nr_virqs(s), 1u);
}

TEST_F(PartialDestroy, SingleRemovingTheLastTargetsUnpublishesTheVirq)
{
	Mask sd(64);
	sd.set(2).set(30).set(40);
	cxipi_resv *s = reserve(CXIPI_KIND_SINGLE, 600, sd);
	ASSERT_NE(s, nullptr);
	Mask a(64), b(64);
	a.set(30);
	b.set(2).set(40);
	EXPECT_EQ(remove(s, a), 2);
	EXPECT_EQ(lookup(600), s);
	EXPECT_EQ(remove(s, b), 0);
	EXPECT_EQ(lookup(600), nullptr);
	EXPECT_TRUE(targets(s, 64).empty());
	EXPECT_EQ(cxipi_resv_virq_of(s, 2), 0u);
}

TEST_F(PartialDestroy, SingleRemovingEveryTargetAtOnceUnpublishesTheVirq)
{
	Mask sd(300);
	sd.set(5).set(299);
	cxipi_resv *s = reserve(CXIPI_KIND_SINGLE, 8, sd);
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(remove(s, sd), 0);
	EXPECT_EQ(lookup(8), nullptr);
}

TEST_F(PartialDestroy, SingleWithOneTargetLeftKeepsItsNeighboursVirqsAlone)
{
	// Neighbouring reservations share the leaf; partial and full removal
	// of one SINGLE reservation leave them published.
	Mask sd(64), pd(64);
	sd.set(0).set(1);
	pd.set_range(0, 2);
	cxipi_resv *left = reserve(CXIPI_KIND_PER_CPU, 98, pd); // 98, 99
	cxipi_resv *s = reserve(CXIPI_KIND_SINGLE, 100, sd);
	cxipi_resv *right = reserve(CXIPI_KIND_PER_CPU, 101, pd); // 101, 102
	ASSERT_TRUE(left && s && right);
	Mask one(64);
	one.set(0);
	EXPECT_EQ(remove(s, one), 1);
	EXPECT_EQ(lookup(100), s);
	Mask other(64);
	other.set(1);
	EXPECT_EQ(remove(s, other), 0);
	EXPECT_EQ(lookup(100), nullptr);
	EXPECT_EQ(lookup(98), left);
	EXPECT_EQ(lookup(99), left);
	EXPECT_EQ(lookup(101), right);
	EXPECT_EQ(lookup(102), right);
}

// ---- memory -----------------------------------------------------------------------------

TEST_F(PartialDestroy, RemoveTargetsNeitherAllocatesNorFrees)
{
	Mask dest(64);
	dest.set_range(0, 16);
	cxipi_resv *r = reserve(CXIPI_KIND_PER_CPU, 256, dest);
	ASSERT_NE(r, nullptr);
	const long live = test_env::live(), calls = test_env::calls();
	Mask gone(64);
	gone.set_range(0, 16);
	EXPECT_EQ(remove(r, gone), 0);
	EXPECT_EQ(test_env::live(), live);
	EXPECT_EQ(test_env::calls(), calls);
}
