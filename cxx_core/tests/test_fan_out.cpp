// SPDX-License-Identifier: GPL-2.0
// The send paths: cxipi_resv_fan_out() (a mask send looped over CPUs) and
// the chip routes of __ipi_send_single()/__ipi_send_mask() (contract D5).
#include <cxipi/core.h>

#include "test_env.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace {

using Visit = std::pair<unsigned, unsigned>; // (cpu, virq)
using Visits = std::vector<Visit>;

class FanOut : public EnvTest {
protected:
	void TearDown() override
	{
		for (cxipi_resv *r : resvs_)
			cxipi_resv_free(env(), r);
		EnvTest::TearDown();
	}
	cxipi_resv *create(cxipi_domain_kind kind, unsigned base,
			   const Mask &dest)
	{
		cxipi_resv *r = cxipi_resv_create(env(), kind, base, dest.data(),
						  dest.nbits());
		EXPECT_NE(r, nullptr);
		if (r)
			resvs_.push_back(r);
		return r;
	}
	static Visits fan_out(const cxipi_resv *r, const Mask &mask)
	{
		Visits v;
		cxipi_resv_fan_out(
			r, mask.data(),
			[](void *ctx, unsigned cpu, unsigned virq) {
				static_cast<Visits *>(ctx)->emplace_back(cpu,
									 virq);
			},
			&v);
		return v;
	}
	// What the contract says a fan-out of @mask must visit, lowest first.
	static Visits expected(const Mask &mask, bool per_cpu, unsigned base,
			       unsigned offset)
	{
		Visits v;
		for (unsigned c = 0; c < mask.nbits(); c++)
			if (mask.test(c))
				v.emplace_back(c, per_cpu ? base + c - offset
							  : base);
		return v;
	}

	std::vector<cxipi_resv *> resvs_;
};

} // namespace

TEST_F(FanOut, PerCpuVisitsExactlyTheMaskLowestFirstWithBasePlusCpuMinusOffset)
{
	Mask dest(192);
	dest.set_range(40, 100); // 40..139
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 3000, dest);
	ASSERT_NE(r, nullptr);
	Mask mask(192);
	mask.set(139).set(40).set(63).set(64).set(100).set(127).set(128);
	ASSERT_EQ(cxipi_resv_check_mask(r, mask.data()), 0);
	const Visits got = fan_out(r, mask);
	EXPECT_EQ(got, (Visits{{40, 3000},
			       {63, 3023},
			       {64, 3024},
			       {100, 3060},
			       {127, 3087},
			       {128, 3088},
			       {139, 3099}}));
}

TEST_F(FanOut, SingleVisitsExactlyTheMaskLowestFirstWithTheBase)
{
	Mask dest(130);
	dest.set(0).set(5).set(64).set(65).set(129);
	cxipi_resv *r = create(CXIPI_KIND_SINGLE, 77, dest);
	ASSERT_NE(r, nullptr);
	Mask mask(130);
	mask.set(129).set(5).set(64);
	ASSERT_EQ(cxipi_resv_check_mask(r, mask.data()), 0);
	EXPECT_EQ(fan_out(r, mask), (Visits{{5, 77}, {64, 77}, {129, 77}}));
	EXPECT_EQ(fan_out(r, dest), expected(dest, false, 77, 0));
}

TEST_F(FanOut, EmptyMaskVisitsNothing)
{
	Mask dest(64);
	dest.set_range(0, 64);
	for (auto kind : {CXIPI_KIND_PER_CPU, CXIPI_KIND_SINGLE}) {
		cxipi_resv *r = create(kind, 10, dest);
		ASSERT_NE(r, nullptr);
		EXPECT_TRUE(fan_out(r, Mask(64)).empty()) << kind;
	}
}

TEST_F(FanOut, GarbagePastNbitsIsNotVisited)
{
	Mask dest(70);
	dest.set_range(0, 70);
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 1, dest);
	ASSERT_NE(r, nullptr);
	Mask mask(70);
	mask.set(69).set_garbage();
	EXPECT_EQ(fan_out(r, mask), (Visits{{69, 70}}));
}

TEST_F(FanOut, PerCpuOver8192BitMasks)
{
	Mask dest(8192);
	dest.set_range(1, 8191); // offset 1: every virq is base + cpu - 1
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 50000, dest);
	ASSERT_NE(r, nullptr);
	Mask mask(8192);
	for (unsigned c = 1; c < 8192; c += 3)
		mask.set(c);
	mask.set(8191).set(4095).set(4096);
	ASSERT_EQ(cxipi_resv_check_mask(r, mask.data()), 0);
	EXPECT_EQ(fan_out(r, mask), expected(mask, true, 50000, 1));
	EXPECT_EQ(fan_out(r, dest), expected(dest, true, 50000, 1));
}

TEST_F(FanOut, SingleOver8192BitMasks)
{
	Mask dest(8192);
	for (unsigned c = 0; c < 8192; c += 2)
		dest.set(c);
	dest.set(8191);
	cxipi_resv *r = create(CXIPI_KIND_SINGLE, 9, dest);
	ASSERT_NE(r, nullptr);
	Mask mask(8192);
	for (unsigned c = 0; c < 8192; c += 6)
		mask.set(c);
	mask.set(8191);
	ASSERT_EQ(cxipi_resv_check_mask(r, mask.data()), 0);
	EXPECT_EQ(fan_out(r, mask), expected(mask, false, 9, 0));
}

TEST_F(FanOut, ContextIsPassedThroughToEverySend)
{
	Mask dest(8);
	dest.set_range(2, 3);
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 100, dest);
	ASSERT_NE(r, nullptr);
	struct Ctx {
		int magic = 0x5a5a;
		unsigned calls = 0;
	} ctx;
	cxipi_resv_fan_out(
		r, dest.data(),
		[](void *c, unsigned, unsigned) {
			auto *p = static_cast<Ctx *>(c);
			EXPECT_EQ(p->magic, 0x5a5a);
			p->calls++;
		},
		&ctx);
	EXPECT_EQ(ctx.calls, 3u);
}

TEST_F(FanOut, FanOutAfterPartialDestroyUsesTheUnchangedLayout)
{
	cxipi_registry *reg = cxipi_registry_create(env());
	ASSERT_NE(reg, nullptr);
	Mask dest(64);
	dest.set_range(8, 8); // 8..15
	cxipi_resv *r = create(CXIPI_KIND_PER_CPU, 400, dest);
	ASSERT_NE(r, nullptr);
	ASSERT_EQ(cxipi_registry_insert(env(), reg, r), 0);
	Mask gone(64);
	gone.set(8).set(11);
	ASSERT_EQ(cxipi_registry_remove_targets(reg, r, gone.data()), 6);
	Mask left(64);
	left.set(9).set(10).set(12).set(15);
	ASSERT_EQ(cxipi_resv_check_mask(r, left.data()), 0);
	EXPECT_EQ(fan_out(r, left),
		  (Visits{{9, 401}, {10, 402}, {12, 404}, {15, 407}}));
	cxipi_registry_destroy(env(), reg);
}

// ---- routes (D5) -----------------------------------------------------------------

TEST(SendRoute, SingleSendUsesSingleWhenTheChipHasIt)
{
	EXPECT_EQ(cxipi_route_single(true, false), CXIPI_SEND_SINGLE);
	EXPECT_EQ(cxipi_route_single(true, true), CXIPI_SEND_SINGLE);
}

TEST(SendRoute, SingleSendFallsBackToMaskOfOneCpu)
{
	EXPECT_EQ(cxipi_route_single(false, true), CXIPI_SEND_MASK);
}

TEST(SendRoute, SingleSendWithNeitherCallbackIsNone)
{
	EXPECT_EQ(cxipi_route_single(false, false), CXIPI_SEND_NONE);
}

TEST(SendRoute, MaskSendUsesMaskWhenTheChipHasIt)
{
	EXPECT_EQ(cxipi_route_mask(false, true), CXIPI_SEND_MASK);
	EXPECT_EQ(cxipi_route_mask(true, true), CXIPI_SEND_MASK);
}

TEST(SendRoute, MaskSendFallsBackToSingleForEachCpu)
{
	EXPECT_EQ(cxipi_route_mask(true, false), CXIPI_SEND_SINGLE);
}

TEST(SendRoute, MaskSendWithNeitherCallbackIsNone)
{
	EXPECT_EQ(cxipi_route_mask(false, false), CXIPI_SEND_NONE);
}
