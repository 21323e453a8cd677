// SPDX-License-Identifier: GPL-2.0
// hwirq pool: contiguous first-fit claims, releases, bookkeeping.
#include <cxipi/core.h>

#include "test_env.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <vector>

namespace {

class HwirqPool : public EnvTest {
protected:
	void TearDown() override
	{
		cxipi_hwirq_pool_destroy(env(), pool_);
		EnvTest::TearDown();
	}

	void make(unsigned capacity)
	{
		pool_ = cxipi_hwirq_pool_create(env(), capacity);
		ASSERT_NE(pool_, nullptr);
	}
	// The first hwirq of a successful claim; fails the test otherwise.
	unsigned claim(unsigned count)
	{
		unsigned first = 0xdeadbeef;
		const int rc = cxipi_hwirq_pool_claim(pool_, count, &first);
		EXPECT_EQ(rc, 0) << "claim " << count;
		return rc == 0 ? first : UINT_MAX;
	}
	int try_claim(unsigned count, unsigned *first)
	{
		return cxipi_hwirq_pool_claim(pool_, count, first);
	}
	int release(unsigned first, unsigned count)
	{
		return cxipi_hwirq_pool_release(pool_, first, count);
	}
	unsigned free_count() { return cxipi_hwirq_pool_free_count(pool_); }

	cxipi_hwirq_pool *pool_ = nullptr;
};

} // namespace

TEST_F(HwirqPool, NewPoolIsAllFree)
{
	make(100);
	EXPECT_EQ(cxipi_hwirq_pool_capacity(pool_), 100u);
	EXPECT_EQ(free_count(), 100u);
	EXPECT_EQ(test_env::live(), 1);
}

TEST_F(HwirqPool, CreateFailsCleanlyWhenOutOfMemory)
{
	test_env::fail_nth(1);
	EXPECT_EQ(cxipi_hwirq_pool_create(env(), 64), nullptr);
	EXPECT_EQ(test_env::live(), 0);
}

TEST_F(HwirqPool, CreateWithZeroCapacityFails)
{
	EXPECT_EQ(cxipi_hwirq_pool_create(env(), 0), nullptr);
	EXPECT_EQ(test_env::live(), 0);
}

TEST_F(HwirqPool, DestroyOfNullIsANoOp)
{
	cxipi_hwirq_pool_destroy(env(), nullptr);
	EXPECT_EQ(test_env::live(), 0);
}

TEST_F(HwirqPool, ClaimsAreContiguousAndFirstFit)
{
	make(64);
	EXPECT_EQ(claim(3), 0u);
	EXPECT_EQ(claim(5), 3u);
	EXPECT_EQ(claim(1), 8u);
	EXPECT_EQ(free_count(), 64u - 9);
}

TEST_F(HwirqPool, ClaimCrossesWordBoundaries)
{
	make(1000);
	EXPECT_EQ(claim(70), 0u);
	EXPECT_EQ(claim(60), 70u);
	EXPECT_EQ(claim(200), 130u);
	EXPECT_EQ(free_count(), 1000u - 330);
	ASSERT_EQ(release(0, 70), 0);
	EXPECT_EQ(claim(64), 0u);
	EXPECT_EQ(claim(7), 330u); // 64..69 is too short
	EXPECT_EQ(claim(6), 64u);
}

TEST_F(HwirqPool, FirstFitTakesTheLowestRunThatFitsNotTheBestOne)
{
	make(32);
	ASSERT_EQ(claim(32), 0u);
	ASSERT_EQ(release(0, 5), 0); // run of 5 at 0
	ASSERT_EQ(release(10, 3), 0); // run of 3 at 10
	EXPECT_EQ(claim(3), 0u);
	EXPECT_EQ(claim(3), 10u);
	EXPECT_EQ(claim(2), 3u);
}

TEST_F(HwirqPool, ZeroCountClaimIsEinvalAndChangesNothing)
{
	make(16);
	unsigned first = 1234;
	EXPECT_EQ(try_claim(0, &first), -CXIPI_EINVAL);
	EXPECT_EQ(first, 1234u);
	EXPECT_EQ(free_count(), 16u);
	EXPECT_EQ(claim(1), 0u);
}

TEST_F(HwirqPool, ExhaustedPoolIsEnospc)
{
	make(16);
	EXPECT_EQ(claim(16), 0u);
	EXPECT_EQ(free_count(), 0u);
	unsigned first = 1234;
	EXPECT_EQ(try_claim(1, &first), -CXIPI_ENOSPC);
	EXPECT_EQ(first, 1234u);
	EXPECT_EQ(free_count(), 0u);
}

TEST_F(HwirqPool, ClaimLargerThanCapacityIsEnospc)
{
	make(16);
	unsigned first = 1234;
	EXPECT_EQ(try_claim(17, &first), -CXIPI_ENOSPC);
	EXPECT_EQ(try_claim(UINT_MAX, &first), -CXIPI_ENOSPC);
	EXPECT_EQ(first, 1234u);
	EXPECT_EQ(free_count(), 16u);
	EXPECT_EQ(claim(16), 0u);
}

TEST_F(HwirqPool, FragmentedPoolIsEnospcThoughEnoughAreFree)
{
	make(16);
	for (unsigned i = 0; i < 16; i++)
		ASSERT_EQ(claim(1), i);
	for (unsigned i = 0; i < 16; i += 2)
		ASSERT_EQ(release(i, 1), 0);
	EXPECT_EQ(free_count(), 8u);
	unsigned first = 1234;
	EXPECT_EQ(try_claim(2, &first), -CXIPI_ENOSPC);
	EXPECT_EQ(first, 1234u);
	EXPECT_EQ(free_count(), 8u);
	EXPECT_EQ(claim(1), 0u);
	EXPECT_EQ(claim(1), 2u);
}

TEST_F(HwirqPool, FreeRunAtTheEndIsUsedAndNothingPastCapacity)
{
	make(65);
	ASSERT_EQ(claim(60), 0u);
	unsigned first = 0;
	EXPECT_EQ(try_claim(6, &first), -CXIPI_ENOSPC);
	EXPECT_EQ(claim(5), 60u); // 60..64, the last hwirq included
	EXPECT_EQ(free_count(), 0u);
	EXPECT_EQ(try_claim(1, &first), -CXIPI_ENOSPC);
	ASSERT_EQ(release(64, 1), 0);
	EXPECT_EQ(claim(1), 64u);
}

TEST_F(HwirqPool, ReleasedRangesAreReused)
{
	make(16);
	EXPECT_EQ(claim(4), 0u);
	EXPECT_EQ(claim(4), 4u);
	ASSERT_EQ(release(0, 4), 0);
	EXPECT_EQ(free_count(), 12u);
	EXPECT_EQ(claim(2), 0u);
	EXPECT_EQ(claim(3), 8u); // 2..3 is too short
	EXPECT_EQ(claim(2), 2u);
	EXPECT_EQ(free_count(), 16u - 4 - 2 - 3 - 2);
}

TEST_F(HwirqPool, DoubleReleaseIsEinvalAndChangesNothing)
{
	make(16);
	ASSERT_EQ(claim(4), 0u);
	ASSERT_EQ(release(0, 4), 0);
	EXPECT_EQ(free_count(), 16u);
	EXPECT_EQ(release(0, 4), -CXIPI_EINVAL);
	EXPECT_EQ(free_count(), 16u);
	EXPECT_EQ(claim(16), 0u);
}

TEST_F(HwirqPool, ReleasePartlyFreeRangeIsEinvalAndChangesNothing)
{
	make(16);
	ASSERT_EQ(claim(8), 0u);
	ASSERT_EQ(release(2, 2), 0);
	EXPECT_EQ(free_count(), 10u);
	EXPECT_EQ(release(0, 5), -CXIPI_EINVAL); // 2 and 3 are free
	EXPECT_EQ(free_count(), 10u);
	// 0, 1 and 4..7 are still claimed: the only short run is 2..3.
	EXPECT_EQ(claim(2), 2u);
	EXPECT_EQ(claim(1), 8u);
	EXPECT_EQ(release(0, 2), 0);
	EXPECT_EQ(release(4, 4), 0);
}

TEST_F(HwirqPool, ReleaseOutOfRangeOrZeroCountIsEinval)
{
	make(16);
	ASSERT_EQ(claim(16), 0u);
	EXPECT_EQ(release(0, 0), -CXIPI_EINVAL);
	EXPECT_EQ(release(16, 1), -CXIPI_EINVAL);
	EXPECT_EQ(release(15, 2), -CXIPI_EINVAL);
	EXPECT_EQ(release(1, UINT_MAX), -CXIPI_EINVAL);
	EXPECT_EQ(release(UINT_MAX, 1), -CXIPI_EINVAL);
	EXPECT_EQ(free_count(), 0u);
	EXPECT_EQ(release(15, 1), 0);
	EXPECT_EQ(free_count(), 1u);
}

TEST_F(HwirqPool, NeverClaimedHwirqCannotBeReleased)
{
	make(16);
	EXPECT_EQ(release(3, 1), -CXIPI_EINVAL);
	EXPECT_EQ(free_count(), 16u);
}

TEST_F(HwirqPool, RandomClaimsAndReleasesMatchAFirstFitModel)
{
	const unsigned cap = 300;
	make(cap);
	std::vector<bool> used(cap, false);
	struct Range {
		unsigned first, count;
	};
	std::vector<Range> held;
	unsigned model_free = cap;
	std::mt19937 rng(42);
	for (int step = 0; step < 20000; step++) {
		if (held.empty() || rng() % 3) {
			const unsigned count = 1 + rng() % 24;
			// The model: lowest run of @count free hwirqs.
			unsigned want = UINT_MAX;
			for (unsigned s = 0, run = 0; s < cap; s++) {
				run = used[s] ? 0 : run + 1;
				if (run == count) {
					want = s + 1 - count;
					break;
				}
			}
			unsigned first = 0;
			const int rc = try_claim(count, &first);
			if (want == UINT_MAX) {
				ASSERT_EQ(rc, -CXIPI_ENOSPC) << "step " << step;
				continue;
			}
			ASSERT_EQ(rc, 0) << "step " << step;
			ASSERT_EQ(first, want) << "step " << step;
			for (unsigned h = first; h < first + count; h++)
				used[h] = true;
			model_free -= count;
			held.push_back({first, count});
		} else {
			const size_t i = rng() % held.size();
			const Range r = held[i];
			held.erase(held.begin() + i);
			ASSERT_EQ(release(r.first, r.count), 0);
			for (unsigned h = r.first; h < r.first + r.count; h++)
				used[h] = false;
			model_free += r.count;
		}
		ASSERT_EQ(free_count(), model_free) << "step " << step;
	}
}
