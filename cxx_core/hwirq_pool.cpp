// SPDX-License-Identifier: GPL-2.0
// The C boundary of the hwirq pool (hwirq_pool.hpp).
#include "hwirq_pool.hpp"

using cxipi::HwirqPool;

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
