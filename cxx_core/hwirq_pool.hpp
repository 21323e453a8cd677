// SPDX-License-Identifier: GPL-2.0
// The hwirq numbers of one provider domain: contiguous claims, first fit,
// every released hwirq reusable.  Callers serialize (the shim's mutex).
#pragma once

#include <cxipi/core.h>

#include "bitmap.hpp"
#include "handle.hpp"
#include "memory.hpp"

namespace cxipi
{

class HwirqPool : TrailingStorage
{
public:
	static Result<HwirqPool *> create(const cxipi_env &env,
					  unsigned capacity)
	{
		if (capacity == 0)
			return Errc::invalid;
		HwirqPool *pool = CXIPI_TRY(create_with_tail<HwirqPool>(
			env, array_bytes(words_for(capacity), sizeof(Word))));
		pool->capacity_ = capacity;
		pool->free_ = capacity;
		return pool;
	}

	Result<unsigned> claim(unsigned count)
	{
		if (count == 0)
			return Errc::invalid;
		if (count > free_)
			return Errc::no_space;
		const BitsSpan used = map();
		unsigned start = used.next_clear(0);
		while (start < capacity_) {
			const unsigned end = used.next_set(start);
			if (end - start >= count) {
				BitsSpan(words(), capacity_)
					.set_range(start, count);
				free_ -= count;
				return start;
			}
			start = used.next_clear(end);
		}
		return Errc::no_space;
	}

	Status release(unsigned first, unsigned count)
	{
		if (count == 0 || first >= capacity_ ||
		    count > capacity_ - first)
			return Errc::invalid;
		BitsSpan used = map();
		for (unsigned hwirq = first; hwirq < first + count; hwirq++)
			if (!used.test(hwirq))
				return Errc::invalid;
		used.clear_range(first, count);
		free_ += count;
		return Status();
	}

	unsigned free_count() const { return free_; }
	unsigned capacity() const { return capacity_; }

private:
	Word *words() { return tail_of<Word>(this); }
	BitsSpan map() { return BitsSpan(words(), capacity_); }

	unsigned capacity_ = 0;
	unsigned free_ = 0;
	// Followed by words_for(capacity_) words: bit set = hwirq in use.
};

} // namespace cxipi

template <> struct cxipi::ObjectOf<cxipi_hwirq_pool> {
	using type = cxipi::HwirqPool;
};
