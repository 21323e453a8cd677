// SPDX-License-Identifier: GPL-2.0
// The hwirq numbers of one provider domain: contiguous claims, first fit,
// every released hwirq reusable.  Callers serialize (the shim's mutex).
#include <cxipi/core.h>

#include "bitmap.hpp"
#include "handle.hpp"
#include "memory.hpp"

namespace cxipi
{

class HwirqPool
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

using cxipi::HwirqPool;

template <> struct cxipi::ObjectOf<cxipi_hwirq_pool> {
	using type = HwirqPool;
};

using cxipi::from_handle;

extern "C" {

struct cxipi_hwirq_pool *cxipi_hwirq_pool_create(const struct cxipi_env *env,
						 unsigned int capacity)
{
	return cxipi::handle_or_null<cxipi_hwirq_pool>(
		HwirqPool::create(*env, capacity));
}

void cxipi_hwirq_pool_destroy(const struct cxipi_env *env,
			      struct cxipi_hwirq_pool *pool)
{
	if (pool)
		cxipi::destroy(*env, from_handle(pool));
}

int cxipi_hwirq_pool_claim(struct cxipi_hwirq_pool *pool, unsigned int count,
			   unsigned int *first)
{
	auto claimed = from_handle(pool)->claim(count);
	if (!claimed.ok())
		return claimed.status().to_errno();
	*first = claimed.value();
	return 0;
}

int cxipi_hwirq_pool_release(struct cxipi_hwirq_pool *pool, unsigned int first,
			     unsigned int count)
{
	return from_handle(pool)->release(first, count).to_errno();
}

unsigned int cxipi_hwirq_pool_free_count(const struct cxipi_hwirq_pool *pool)
{
	return from_handle(pool)->free_count();
}

unsigned int cxipi_hwirq_pool_capacity(const struct cxipi_hwirq_pool *pool)
{
	return from_handle(pool)->capacity();
}

} // extern "C"
