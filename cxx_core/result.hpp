// SPDX-License-Identifier: GPL-2.0
// Errors as values: the core reports failure through Status and Result<T>;
// the conversion to a negative errno happens once, at the C boundary.
#pragma once

#include <cxipi/core.h>

namespace cxipi
{

enum class Errc : int {
	none = 0,
	no_memory = CXIPI_ENOMEM,
	busy = CXIPI_EBUSY,
	invalid = CXIPI_EINVAL,
	no_space = CXIPI_ENOSPC,
	out_of_range = CXIPI_ERANGE,
};

class [[nodiscard]] Status
{
public:
	constexpr Status() = default;
	constexpr Status(Errc error) : error_(error) {}

	constexpr bool ok() const { return error_ == Errc::none; }
	constexpr Errc error() const { return error_; }
	constexpr int to_errno() const { return -static_cast<int>(error_); }

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
	constexpr T value() const { return value_; }

private:
	T value_{};
	Errc error_ = Errc::none;
};

} // namespace cxipi

// Propagate a failed Status or Result out of the enclosing function.
#define CXIPI_TRY(expr)                                                        \
	do {                                                                   \
		auto cxipi_try_result_ = (expr);                               \
		if (!cxipi_try_result_.ok())                                   \
			return cxipi_try_result_.error();                      \
	} while (0)
