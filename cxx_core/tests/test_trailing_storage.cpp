// SPDX-License-Identifier: GPL-2.0
// The core's objects with trailing storage (create_with_tail): a copy or a
// move would leave the tail behind, so none may compile.  These are
// compile-time checks; the test below only names them in the report.
#include "doorbells.hpp"
#include "hwirq_pool.hpp"
#include "memory.hpp"
#include "registry.hpp"
#include "reservation.hpp"

#include <gtest/gtest.h>

#include <type_traits>

namespace {

template <typename T>
constexpr bool kPinned = !std::is_copy_constructible_v<T> &&
			 !std::is_move_constructible_v<T> &&
			 !std::is_copy_assignable_v<T> &&
			 !std::is_move_assignable_v<T>;

static_assert(kPinned<cxipi::Reservation>);
static_assert(kPinned<cxipi::Registry>);
static_assert(kPinned<cxipi::HwirqPool>);
static_assert(kPinned<cxipi::Doorbells>);

// The core's own trait, which create_with_tail() asserts, agrees.
static_assert(!cxipi::kCopyableOrMovable<cxipi::Reservation>);
static_assert(!cxipi::kCopyableOrMovable<cxipi::Registry>);
static_assert(!cxipi::kCopyableOrMovable<cxipi::HwirqPool>);
static_assert(!cxipi::kCopyableOrMovable<cxipi::Doorbells>);
struct Plain {
	int a;
};
static_assert(cxipi::kCopyableOrMovable<Plain>);

// Still what the C boundary relies on: built in place, freed as bytes.
static_assert(std::is_trivially_destructible_v<cxipi::Reservation>);
static_assert(std::is_trivially_destructible_v<cxipi::Registry>);
static_assert(std::is_trivially_destructible_v<cxipi::HwirqPool>);
static_assert(std::is_trivially_destructible_v<cxipi::Doorbells>);

} // namespace

TEST(TrailingStorage, CoreObjectsCannotBeCopiedOrMoved)
{
	EXPECT_TRUE(kPinned<cxipi::Reservation>);
	EXPECT_TRUE(kPinned<cxipi::Registry>);
	EXPECT_TRUE(kPinned<cxipi::HwirqPool>);
	EXPECT_TRUE(kPinned<cxipi::Doorbells>);
}
