// SPDX-License-Identifier: GPL-2.0
// The core's atomic operations: the few it needs, named after the kernel's
// and documented against the kernel's memory model (LKMM:
// tools/memory-model/Documentation, Documentation/atomic_t.txt), not C++11's.
// Every access to memory that another CPU may touch at the same time goes
// through here; nothing else in the core uses an __atomic builtin.
//
// The kernel's orderings, and how each is had from GCC's and Clang's
// builtins:
//
//  relaxed        READ_ONCE(), WRITE_ONCE(), atomic_long_add(),
//                 atomic_long_or(), atomic_long_fetch_and_relaxed():
//                 __ATOMIC_RELAXED.  Single-copy atomic, never torn, fused
//                 or re-read; orders nothing against other locations.
//  acquire        smp_load_acquire(), atomic_long_fetch_and_acquire():
//                 __ATOMIC_ACQUIRE.  Later accesses stay after it.
//  release        smp_store_release(), atomic_long_fetch_or_release():
//                 __ATOMIC_RELEASE.  Earlier accesses stay before it.
//  fully ordered  xchg(), atomic_long_fetch_and(): value-returning RMWs,
//                 which the kernel defines as if smp_mb() came before and
//                 after them.  __ATOMIC_SEQ_CST alone is NOT that: it orders
//                 the RMW against other seq_cst operations, not plain or
//                 relaxed accesses around it, and GCC on arm64 (no LSE,
//                 -mno-outline-atomics, as the kernel builds) emits
//                 ldaxr/stlxr with no barrier, which lets an access after
//                 the RMW be seen before the store-exclusive and before an
//                 access ahead of the RMW: the reordering that Linux's
//                 commit 8e86f0b409a4 ("arm64: atomics: fix use of acquire
//                 + release for full barrier semantics") fixed in the
//                 kernel's own atomics.  So a fully ordered RMW here is the
//                 seq_cst builtin followed by mb_after_rmw(): on arm64,
//                 ldaxr/stlxr/dmb ish, the kernel's ldxr/stlxr/dmb ish with
//                 an acquire that the dmb makes redundant.  The release half
//                 keeps earlier accesses before the RMW's store (as in the
//                 kernel's), and the dmb keeps everything before it before
//                 everything after it.
//
// Counters and masks use long words (Word, unsigned long) like the kernel's
// atomic_long_t, and the last-delivered CPU an unsigned int; the templates
// take any type the builtins accept.
#pragma once

namespace cxipi
{

// Parameters of type Same<T>::type take their type from the pointer alone,
// so that a literal (0, 1, nullptr) converts to it.
template <typename T> struct Same {
	using type = T;
};

// smp_mb__after_atomic() for the value-returning RMWs below: what turns a
// seq_cst RMW into a fully ordered one.  x86's locked instructions (XCHG,
// LOCK OR/AND, LOCK CMPXCHG) are full barriers by themselves, so there, as
// in the kernel, it only stops the compiler; elsewhere it is a full fence
// (arm64: dmb ish).  (This also keeps thread fences out of the host's
// ThreadSanitizer build on x86: GCC's TSan does not model them, -Wtsan.)
inline void mb_after_rmw()
{
#if defined(__x86_64__) || defined(__i386__)
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

// smp_rmb(): earlier loads stay before later loads.  x86 never reorders
// loads with loads, so there, as in the kernel, it only stops the compiler
// (and keeps a thread fence out of the host's TSan build, as above);
// elsewhere it is a load fence (arm64: dmb ishld).
inline void rmb()
{
#if defined(__x86_64__) || defined(__i386__)
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#else
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
#endif
}

// smp_wmb(): earlier stores stay before later stores.  x86 never reorders
// stores with stores: a compiler barrier there, a store fence elsewhere
// (arm64: dmb ishst; GCC's release fence is dmb ish, which includes it).
inline void wmb()
{
#if defined(__x86_64__) || defined(__i386__)
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#else
	__atomic_thread_fence(__ATOMIC_RELEASE);
#endif
}

// READ_ONCE(): one load, not torn, not repeated, not ordered.  Usable in
// constant evaluation, where there is nothing to race with.
template <typename T> constexpr T read_once(const T *where)
{
	if (__builtin_is_constant_evaluated())
		return *where;
	return __atomic_load_n(where, __ATOMIC_RELAXED);
}

// WRITE_ONCE(): one store, not torn, not ordered.
template <typename T>
constexpr void write_once(T *where, typename Same<T>::type value)
{
	if (__builtin_is_constant_evaluated())
		*where = value;
	else
		__atomic_store_n(where, value, __ATOMIC_RELAXED);
}

// smp_load_acquire(): later accesses stay after it.
template <typename T> T load_acquire(const T *where)
{
	return __atomic_load_n(where, __ATOMIC_ACQUIRE);
}

// smp_store_release(): earlier accesses stay before it.
template <typename T> void store_release(T *where, typename Same<T>::type value)
{
	__atomic_store_n(where, value, __ATOMIC_RELEASE);
}

// atomic_long_add(): a counter; orders nothing.
template <typename T> void add_relaxed(T *where, typename Same<T>::type n)
{
	__atomic_fetch_add(where, n, __ATOMIC_RELAXED);
}

// atomic_long_or(): set bits; orders nothing.
template <typename T> void or_relaxed(T *where, typename Same<T>::type bits)
{
	__atomic_fetch_or(where, bits, __ATOMIC_RELAXED);
}

// atomic_long_fetch_or_release(): set bits, return the old word; earlier
// accesses stay before the store.
template <typename T> T fetch_or_release(T *where, typename Same<T>::type bits)
{
	return __atomic_fetch_or(where, bits, __ATOMIC_RELEASE);
}

// atomic_long_fetch_and_relaxed(): keep @bits, return the old word.  Still
// atomic: of two RMWs clearing one bit, exactly one sees it set.
template <typename T> T fetch_and_relaxed(T *where, typename Same<T>::type bits)
{
	return __atomic_fetch_and(where, bits, __ATOMIC_RELAXED);
}

// atomic_long_fetch_and_acquire(): keep @bits, return the old word; later
// accesses stay after the load.
template <typename T> T fetch_and_acquire(T *where, typename Same<T>::type bits)
{
	return __atomic_fetch_and(where, bits, __ATOMIC_ACQUIRE);
}

// atomic_long_fetch_and(): keep @bits, return the old word; fully ordered.
template <typename T>
T fetch_and_fully_ordered(T *where, typename Same<T>::type bits)
{
	const T old = __atomic_fetch_and(where, bits, __ATOMIC_SEQ_CST);
	mb_after_rmw();
	return old;
}

// xchg(): store @value, return the old one; fully ordered.
template <typename T>
T xchg_fully_ordered(T *where, typename Same<T>::type value)
{
	const T old = __atomic_exchange_n(where, value, __ATOMIC_SEQ_CST);
	mb_after_rmw();
	return old;
}

} // namespace cxipi
