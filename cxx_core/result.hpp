// SPDX-License-Identifier: GPL-2.0
// Errors as values: the core reports failure through Status and Result<T>;
// the conversion to a negative errno happens once, at the C boundary.
// Both are [[nodiscard]]: a call whose Status or Result is dropped does not
// compile (-Werror).
#pragma once

#include <cxipi/core.h>

namespace cxipi
{

enum class Errc : int {
	none = 0,
	again = CXIPI_EAGAIN,
	no_memory = CXIPI_ENOMEM,
	busy = CXIPI_EBUSY,
	invalid = CXIPI_EINVAL,
	no_space = CXIPI_ENOSPC,
	out_of_range = CXIPI_ERANGE,
	protocol = CXIPI_EPROTO,
};

// Reading the value of a Result that holds an error is a bug in the core
// itself (every caller tests ok() first, or goes through CXIPI_TRY), never
// bad input: stop right there, in every build.  In host tests, ASan and
// fuzzing that is a crash a death test can see.  In the kernel it is the
// same trap the kernel's own BUG() is made of (x86 ud2, arm64 brk), so an
// oops with a backtrace.  The alternative, going on with a made-up value
// (a NULL object, hwirq 0), would route interrupts wrongly or corrupt
// memory far from the bug, and a kernel-only "debug" switch would make the
// one build that matters the one that hides it.  It costs nothing where it
// cannot happen: after `if (!r.ok()) return ...;` the compiler knows the
// trap is unreachable and removes the test.
[[noreturn]] inline void value_of_an_error()
{
	__builtin_trap();
}

class [[nodiscard]] Status
{
public:
	constexpr Status() = default;
	constexpr Status(Errc error) : error_(error) {}

	constexpr bool ok() const { return error_ == Errc::none; }
	constexpr Errc error() const { return error_; }
	constexpr int to_errno() const { return -static_cast<int>(error_); }
	// A Status is a Result with no value: CXIPI_TRY yields nothing.
	constexpr void value() const
	{
		if (!ok())
			value_of_an_error();
	}

private:
	Errc error_ = Errc::none;
};

// A value or the reason there is none.  T must be default-constructible and
// trivially copyable (handles, indices): the core has no heavier values.
template <typename T> class [[nodiscard]] Result
{
public:
	constexpr Result(T value) : value_(value) {}
	constexpr Result(Errc error) : error_(error) {}

	constexpr bool ok() const { return error_ == Errc::none; }
	constexpr Errc error() const { return error_; }
	constexpr Status status() const { return Status(error_); }
	// The value; traps when there is none (see value_of_an_error()).
	constexpr T value() const
	{
		if (!ok())
			value_of_an_error();
		return value_;
	}

private:
	T value_{};
	Errc error_ = Errc::none;
};

// For the C boundary: a non-negative value as an int, or the negative
// errno of the error.
template <typename T> constexpr int value_or_errno(Result<T> result)
{
	return result.ok() ? static_cast<int>(result.value()) :
			     result.status().to_errno();
}

} // namespace cxipi

// The value of a Status or Result, or return its error from the enclosing
// function (which returns a Status or a Result):
//
//	Reservation *resv = CXIPI_TRY(create_with_tail<Reservation>(env, n));
//	CXIPI_TRY(make_leaf(env, virq));
//
// A GNU statement expression, which GCC and Clang both have.
#define CXIPI_TRY(expr)                                                        \
	({                                                                     \
		auto cxipi_try_result_ = (expr);                               \
		if (!cxipi_try_result_.ok())                                   \
			return cxipi_try_result_.error();                      \
		cxipi_try_result_.value();                                     \
	})
