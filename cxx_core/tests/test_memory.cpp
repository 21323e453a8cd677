// SPDX-License-Identifier: GPL-2.0
// memory.hpp and result.hpp: fallible allocation through cxipi_env, the
// core's own placement new next to the standard one, errors as values.
#include <new> // must coexist with the core's placement operator new

#include "memory.hpp"
#include "result.hpp"

#include "test_env.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <type_traits>

namespace {

struct Small : cxipi::TrailingStorage {
	unsigned a = 7;
};

// sizeof 20: a tail of words right after it is misaligned
struct FiveInts : cxipi::TrailingStorage {
	unsigned v[5] = {1, 2, 3, 4, 5};
};

class Memory : public EnvTest {};

cxipi::Status fails_with(cxipi::Errc e)
{
	return e;
}

cxipi::Status propagate(cxipi::Errc e, bool *reached_end)
{
	CXIPI_TRY(fails_with(e));
	*reached_end = true;
	return cxipi::Status();
}

cxipi::Result<int> make_result(bool ok)
{
	if (!ok)
		return cxipi::Errc::no_space;
	return 41;
}

cxipi::Status propagate_result(bool ok, int *out)
{
	*out = CXIPI_TRY(make_result(ok)) + 1;
	return cxipi::Status();
}

// CXIPI_TRY yields the value, so it nests and chains.
cxipi::Result<int> add_results(bool first_ok, bool second_ok)
{
	const int a = CXIPI_TRY(make_result(first_ok));
	return a + CXIPI_TRY(make_result(second_ok));
}

// A function whose argument is the value read from a Result: a trap here
// must happen before the call.
void use(int value)
{
	std::fprintf(stderr, "used %d\n", value);
}

} // namespace

TEST(MemoryArithmetic, BytesWithTailAddsTheTailAndCatchesOverflow)
{
	constexpr size_t head = cxipi::kTailOffset<Small>;
	EXPECT_GE(head, sizeof(Small));
	EXPECT_EQ(head % alignof(long double), 0u);
	EXPECT_EQ(cxipi::bytes_with_tail<Small>(0), head);
	EXPECT_EQ(cxipi::bytes_with_tail<Small>(100), head + 100);
	EXPECT_EQ(cxipi::bytes_with_tail<Small>(SIZE_MAX), 0u);
	EXPECT_EQ(cxipi::bytes_with_tail<Small>(SIZE_MAX - head + 1), 0u);
	EXPECT_EQ(cxipi::bytes_with_tail<Small>(SIZE_MAX - head), SIZE_MAX);
}

TEST(MemoryArithmetic, ArrayBytesMultipliesAndCatchesOverflow)
{
	EXPECT_EQ(cxipi::array_bytes(0, 8), 0u);
	EXPECT_EQ(cxipi::array_bytes(128, 8), 1024u);
	EXPECT_EQ(cxipi::array_bytes(SIZE_MAX / 8 + 1, 8), 0u);
	EXPECT_EQ(cxipi::array_bytes(SIZE_MAX / 8, 8), SIZE_MAX / 8 * 8);
}

TEST_F(Memory, CreateWithTailConstructsInZeroedMemory)
{
	auto made = cxipi::create_with_tail<Small>(test_env::env, 64);
	ASSERT_TRUE(made.ok());
	Small *s = made.value();
	EXPECT_EQ(s->a, 7u); // constructed
	EXPECT_EQ(test_env::state().last_size.load(),
		  cxipi::kTailOffset<Small> + 64);
	const unsigned char *tail = cxipi::tail_of<unsigned char>(s);
	EXPECT_EQ(tail,
		  reinterpret_cast<unsigned char *>(s) + cxipi::kTailOffset<Small>);
	for (int i = 0; i < 64; i++)
		ASSERT_EQ(tail[i], 0) << i; // zeroed
	EXPECT_EQ(test_env::live(), 1);
	cxipi::destroy(test_env::env, s);
	EXPECT_EQ(test_env::live(), 0);
}

TEST_F(Memory, CreateWithTailReportsNoMemory)
{
	test_env::fail_nth(1);
	auto made = cxipi::create_with_tail<Small>(test_env::env, 8);
	EXPECT_FALSE(made.ok());
	EXPECT_EQ(made.error(), cxipi::Errc::no_memory);
	EXPECT_EQ(test_env::failures(), 1);
}

TEST_F(Memory, CreateWithTailRefusesAnOverflowingSizeWithoutAllocating)
{
	auto made = cxipi::create_with_tail<Small>(test_env::env, SIZE_MAX);
	EXPECT_FALSE(made.ok());
	EXPECT_EQ(made.error(), cxipi::Errc::no_memory);
	EXPECT_EQ(test_env::calls(), 0);
}

TEST_F(Memory, TailOfWordsIsAlignedForWords)
{
	// Core objects put arrays of unsigned long right after themselves
	// (Reservation, HwirqPool, Doorbells); the tail must be aligned for
	// its type or every access to it is undefined behaviour.
	auto made = cxipi::create_with_tail<FiveInts>(test_env::env,
						      4 * sizeof(unsigned long));
	ASSERT_TRUE(made.ok());
	const auto address = reinterpret_cast<uintptr_t>(
		cxipi::tail_of<unsigned long>(made.value()));
	EXPECT_EQ(address % alignof(unsigned long), 0u)
		<< "sizeof(FiveInts) = " << sizeof(FiveInts);
	cxipi::destroy(test_env::env, made.value());
}

// Each callback gets the env's context pointer back, unchanged.
struct OwnHeap {
	int zallocs = 0;
	int frees = 0;
	void *last_freed = nullptr;
};

TEST(MemoryEnv, CallbacksGetTheContextPointerBack)
{
	OwnHeap heap;
	const cxipi_env env = {
		.ctx = &heap,
		.zalloc =
			[](void *ctx, size_t size) {
				static_cast<OwnHeap *>(ctx)->zallocs++;
				return std::calloc(1, size);
			},
		.free =
			[](void *ctx, const void *ptr) {
				auto *h = static_cast<OwnHeap *>(ctx);
				h->frees++;
				h->last_freed = const_cast<void *>(ptr);
				std::free(h->last_freed);
			},
	};
	auto made = cxipi::create_with_tail<Small>(env, 16);
	ASSERT_TRUE(made.ok());
	EXPECT_EQ(heap.zallocs, 1);
	cxipi::destroy(env, made.value());
	EXPECT_EQ(heap.frees, 1);
	EXPECT_EQ(heap.last_freed, made.value());

	// And through the C boundary.
	cxipi_hwirq_pool *pool = cxipi_hwirq_pool_create(&env, 8);
	ASSERT_NE(pool, nullptr);
	EXPECT_EQ(heap.zallocs, 2);
	cxipi_hwirq_pool_destroy(&env, pool);
	EXPECT_EQ(heap.frees, 2);
}

TEST(MemoryPlacement, CorePlacementNewAndStandardPlacementNewCoexist)
{
	alignas(Small) unsigned char a[sizeof(Small)], b[sizeof(Small)];
	Small *x = new (a, cxipi::Placement{}) Small();
	Small *y = new (static_cast<void *>(b)) Small(); // <new>'s own
	EXPECT_EQ(static_cast<void *>(x), static_cast<void *>(a));
	EXPECT_EQ(static_cast<void *>(y), static_cast<void *>(b));
	EXPECT_EQ(x->a, 7u);
	EXPECT_EQ(y->a, 7u);
}

// ---- result.hpp ---------------------------------------------------------------

TEST(Result, StatusMapsErrorsToNegativeErrno)
{
	EXPECT_TRUE(cxipi::Status().ok());
	EXPECT_EQ(cxipi::Status().to_errno(), 0);
	EXPECT_EQ(cxipi::Status(cxipi::Errc::no_memory).to_errno(),
		  -CXIPI_ENOMEM);
	EXPECT_EQ(cxipi::Status(cxipi::Errc::busy).to_errno(), -CXIPI_EBUSY);
	EXPECT_EQ(cxipi::Status(cxipi::Errc::invalid).to_errno(),
		  -CXIPI_EINVAL);
	EXPECT_EQ(cxipi::Status(cxipi::Errc::no_space).to_errno(),
		  -CXIPI_ENOSPC);
	EXPECT_EQ(cxipi::Status(cxipi::Errc::out_of_range).to_errno(),
		  -CXIPI_ERANGE);
	EXPECT_FALSE(cxipi::Status(cxipi::Errc::busy).ok());
}

TEST(Result, ErrnoValuesMatchTheHostLibc)
{
	EXPECT_EQ(CXIPI_ENOMEM, ENOMEM);
	EXPECT_EQ(CXIPI_EBUSY, EBUSY);
	EXPECT_EQ(CXIPI_EINVAL, EINVAL);
	EXPECT_EQ(CXIPI_ENOSPC, ENOSPC);
	EXPECT_EQ(CXIPI_ERANGE, ERANGE);
}

TEST(Result, ResultCarriesAValueOrAnError)
{
	auto good = make_result(true);
	ASSERT_TRUE(good.ok());
	EXPECT_EQ(good.value(), 41);
	EXPECT_TRUE(good.status().ok());
	auto bad = make_result(false);
	EXPECT_FALSE(bad.ok());
	EXPECT_EQ(bad.error(), cxipi::Errc::no_space);
	EXPECT_EQ(bad.status().to_errno(), -CXIPI_ENOSPC);
}

TEST(Result, TryReturnsTheFirstErrorAndContinuesOnSuccess)
{
	bool reached = false;
	EXPECT_EQ(propagate(cxipi::Errc::busy, &reached).error(),
		  cxipi::Errc::busy);
	EXPECT_FALSE(reached);
	EXPECT_TRUE(propagate(cxipi::Errc::none, &reached).ok());
	EXPECT_TRUE(reached);

	int out = 0;
	EXPECT_EQ(propagate_result(false, &out).error(),
		  cxipi::Errc::no_space);
	EXPECT_EQ(out, 0);
	EXPECT_TRUE(propagate_result(true, &out).ok());
	EXPECT_EQ(out, 42);
}

TEST(Result, TryYieldsTheValue)
{
	EXPECT_EQ(add_results(true, true).value(), 82);
	EXPECT_EQ(add_results(false, true).error(), cxipi::Errc::no_space);
	EXPECT_EQ(add_results(true, false).error(), cxipi::Errc::no_space);
}

TEST(Result, ValueOrErrnoGivesTheValueOrTheNegativeErrno)
{
	EXPECT_EQ(cxipi::value_or_errno(make_result(true)), 41);
	EXPECT_EQ(cxipi::value_or_errno(make_result(false)), -CXIPI_ENOSPC);
}

// The value of an error is not a quiet T{}: the process stops.
TEST(ResultDeathTest, ValueOfAnErrorTraps)
{
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	const auto bad = make_result(false);
	EXPECT_DEATH(use(bad.value()), "");
	const cxipi::Status failed(cxipi::Errc::busy);
	EXPECT_DEATH(failed.value(), "");
	// And no trap when there is a value.
	EXPECT_EQ(make_result(true).value(), 41);
	cxipi::Status().value();
}
