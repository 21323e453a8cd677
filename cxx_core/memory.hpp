// SPDX-License-Identifier: GPL-2.0
// Explicit, fallible allocation through the environment the shim hands in.
// There is no global operator new in the core: every object is built in
// memory that cxipi_env::zalloc returned, and a NULL there is a Result error.
#pragma once

#include <cxipi/core.h>

#include "result.hpp"

namespace cxipi
{

struct Placement {
};

} // namespace cxipi

// A placement form of our own, so that no <new> is needed and none collides.
inline void *operator new(size_t, void *where, cxipi::Placement) noexcept
{
	return where;
}

namespace cxipi
{

// The base of every class whose objects create_with_tail() makes: such an
// object owns bytes past its end (its trailing storage), which only the
// allocation it was built in has.  A copy or a move would take the fixed
// part without the tail that its accessors read and write, so neither
// compiles; and since the destructor is protected, nobody deletes one
// through this base.
class TrailingStorage
{
public:
	TrailingStorage(const TrailingStorage &) = delete;
	TrailingStorage(TrailingStorage &&) = delete;
	TrailingStorage &operator=(const TrailingStorage &) = delete;
	TrailingStorage &operator=(TrailingStorage &&) = delete;

protected:
	TrailingStorage() = default;
	~TrailingStorage() = default;
};

// Whether objects of T can be copied or moved in any way (the builtins
// behind std::is_copy_constructible and friends, which the freestanding
// core has no <type_traits> for).
template <typename T>
inline constexpr bool kCopyableOrMovable = __is_constructible(T, const T &) ||
					   __is_constructible(T, T &&) ||
					   __is_assignable(T &, const T &) ||
					   __is_assignable(T &, T &&);

// @bytes of zeroed memory from @env, or NULL.
inline void *zalloc(const cxipi_env &env, size_t bytes)
{
	return env.zalloc(env.ctx, bytes);
}

// Give memory from zalloc() back to @env; NULL is a no-op.
inline void release(const cxipi_env &env, const void *memory)
{
	env.free(env.ctx, memory);
}

// Trailing storage starts here, aligned for any scalar it may hold.
template <typename T>
inline constexpr size_t kTailOffset = (sizeof(T) + alignof(long double) - 1) /
				      alignof(long double) *
				      alignof(long double);

// Bytes for a T followed by @extra bytes of trailing storage, or 0 when the
// sum overflows.
template <typename T> constexpr size_t bytes_with_tail(size_t extra)
{
	size_t total = 0;
	if (__builtin_add_overflow(kTailOffset<T>, extra, &total))
		return 0;
	return total;
}

// Build a T in zeroed memory with @extra trailing bytes.  T's constructor
// must not fail; anything fallible happens after construction.
template <typename T>
Result<T *> create_with_tail(const cxipi_env &env, size_t extra)
{
	static_assert(__is_base_of(TrailingStorage, T),
		      "objects with trailing storage derive from "
		      "TrailingStorage");
	static_assert(
		!kCopyableOrMovable<T>,
		"objects with trailing storage cannot be copied or moved");
	const size_t bytes = bytes_with_tail<T>(extra);
	if (bytes == 0)
		return Errc::no_memory;
	void *memory = zalloc(env, bytes);
	if (!memory)
		return Errc::no_memory;
	return new (memory, Placement{}) T();
}

// Objects made by create_with_tail are trivially destructible by design.
template <typename T> void destroy(const cxipi_env &env, T *object)
{
	static_assert(__has_trivial_destructor(T), "core objects own no "
						   "resources beyond their "
						   "memory");
	release(env, object);
}

// Pointer to the trailing storage of an object from create_with_tail.
template <typename Tail, typename T> Tail *tail_of(T *object)
{
	static_assert(kTailOffset<T> % alignof(Tail) == 0);
	return reinterpret_cast<Tail *>(reinterpret_cast<char *>(object) +
					kTailOffset<T>);
}

template <typename Tail, typename T> const Tail *tail_of(const T *object)
{
	static_assert(kTailOffset<T> % alignof(Tail) == 0);
	return reinterpret_cast<const Tail *>(
		reinterpret_cast<const char *>(object) + kTailOffset<T>);
}

// n * size without overflow, or 0.
constexpr size_t array_bytes(size_t n, size_t size)
{
	size_t total = 0;
	if (__builtin_mul_overflow(n, size, &total))
		return 0;
	return total;
}

} // namespace cxipi
