// SPDX-License-Identifier: GPL-2.0
// A cxipi_env for host tests: calloc/free underneath, a count of live
// allocations, and a switch that makes the Nth next allocation fail.
//
// The state is reached through the env's context pointer (one State per
// env: test_env::env's is state()); the EnvTest fixture resets it before
// each test and checks after each test that every allocation made through
// the env was freed.
#pragma once

#include <cxipi/core.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace test_env {

struct State {
	std::atomic<long> live{0}; // zalloc'ed and not yet freed
	std::atomic<long> calls{0}; // zalloc calls, failed ones included
	std::atomic<long> failures{0}; // zalloc calls that returned NULL
	std::atomic<long> fail_at{0}; // fail call number fail_at; 0: never
	std::atomic<long> frees_of_null{0};
	std::atomic<size_t> last_size{0};
};

inline State &state()
{
	static State s;
	return s;
}

inline void reset()
{
	State &s = state();
	s.live = 0;
	s.calls = 0;
	s.failures = 0;
	s.fail_at = 0;
	s.frees_of_null = 0;
	s.last_size = 0;
}

// Make the @n-th zalloc call from now fail (1: the very next one).
inline void fail_nth(long n)
{
	state().fail_at = state().calls.load() + n;
}

inline long live() { return state().live.load(); }
inline long calls() { return state().calls.load(); }
inline long failures() { return state().failures.load(); }

inline void *zalloc(void *ctx, size_t size)
{
	State &s = *static_cast<State *>(ctx);
	const long call = ++s.calls;
	s.last_size = size;
	if (call == s.fail_at.load()) {
		++s.failures;
		return nullptr;
	}
	// Never 0 bytes: calloc(1, 0) may return NULL or a unique pointer.
	void *p = std::calloc(1, size ? size : 1);
	if (p)
		++s.live;
	return p;
}

inline void release(void *ctx, const void *ptr)
{
	State &s = *static_cast<State *>(ctx);
	if (!ptr) {
		++s.frees_of_null;
		return;
	}
	--s.live;
	std::free(const_cast<void *>(ptr));
}

inline const cxipi_env env = {.ctx = &state(), .zalloc = zalloc,
			      .free = release};

} // namespace test_env

// Fixture for every test that goes through a cxipi_env: fresh counters, and
// no leak at the end.
class EnvTest : public ::testing::Test {
protected:
	void SetUp() override { test_env::reset(); }
	void TearDown() override
	{
		EXPECT_EQ(test_env::live(), 0)
			<< "allocations made through cxipi_env were not freed";
	}

	const cxipi_env *env() const { return &test_env::env; }
};

// A CPU mask in the kernel's layout (words of unsigned long) with helpers
// to build it.  Bits past nbits can be set deliberately to model garbage.
class Mask {
public:
	static constexpr unsigned kBits = sizeof(unsigned long) * 8;

	explicit Mask(unsigned nbits)
		: nbits_(nbits), words_(nbits / kBits + (nbits % kBits != 0))
	{
		if (words_.empty())
			words_.push_back(0); // so data() is never NULL
	}

	unsigned nbits() const { return nbits_; }
	unsigned word_count() const
	{
		return nbits_ / kBits + (nbits_ % kBits != 0);
	}

	Mask &set(unsigned bit)
	{
		words_.at(bit / kBits) |= 1UL << (bit % kBits);
		return *this;
	}
	Mask &clear(unsigned bit)
	{
		words_.at(bit / kBits) &= ~(1UL << (bit % kBits));
		return *this;
	}
	// Bits [first, first + count).
	Mask &set_range(unsigned first, unsigned count)
	{
		for (unsigned b = first; b < first + count; b++)
			set(b);
		return *this;
	}
	Mask &fill()
	{
		return set_range(0, nbits_);
	}
	// Set every bit of the last word at and past nbits (garbage that a
	// correct reader ignores).  No-op when nbits is a multiple of 64.
	Mask &set_garbage()
	{
		if (nbits_ % kBits)
			words_.back() |= ~0UL << (nbits_ % kBits);
		return *this;
	}
	bool test(unsigned bit) const
	{
		return bit < nbits_ && (words_[bit / kBits] >> (bit % kBits) & 1);
	}
	unsigned weight() const
	{
		unsigned n = 0;
		for (unsigned b = 0; b < nbits_; b++)
			n += test(b);
		return n;
	}

	const unsigned long *data() const { return words_.data(); }
	unsigned long *data() { return words_.data(); }
	std::vector<unsigned long> &words() { return words_; }

private:
	unsigned nbits_;
	std::vector<unsigned long> words_;
};
