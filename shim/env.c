// SPDX-License-Identifier: GPL-2.0
/*
 * The environment the C++ core runs in: memory comes from the slab (or
 * vmalloc for large tables), always zeroed, always fallible.
 *
 * And the debug parameter fail_alloc, which makes the Nth allocation of
 * module init, or of each reservation, fail.  Every allocation cxipi makes
 * there goes through cxipi_alloc(): the core's (through this env), the
 * shim's kzalloc, kcalloc, alloc_percpu and zalloc_cpumask_var, the named
 * fwnode, the irq_domain, the virqs of a reservation, request_irq(), and the
 * kobjects and attribute groups under /sys/kernel/cxipi/.  debugfs is not
 * counted: cxipi works without it.  Reservations made at the same time
 * share one count.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "cxipi_shim.h"

unsigned int cxipi_fail_alloc;
module_param_named(fail_alloc, cxipi_fail_alloc, uint, 0644);
/* One string, which checkpatch wants and clang-format would split. */
/* clang-format off */
MODULE_PARM_DESC(fail_alloc,
		 "Debug: fail the Nth allocation (1-based) of module init or of each reservation; 0 = never");
/* clang-format on */

static atomic_t cxipi_allocs = ATOMIC_INIT(0);

/**
 * __cxipi_alloc_count_start() - count allocations from 1 again
 *
 * The slow path of cxipi_alloc_count_start(), when fail_alloc is set.
 */
void __cxipi_alloc_count_start(void)
{
	atomic_set(&cxipi_allocs, 0);
}

/**
 * __cxipi_alloc_fails() - count one allocation and say whether it fails
 * @where: the allocation site, for the log
 *
 * The slow path of cxipi_alloc_fails(), when fail_alloc is set.
 *
 * Return: true for allocation number fail_alloc since the count started.
 */
bool __cxipi_alloc_fails(unsigned long where)
{
	unsigned int n = atomic_inc_return(&cxipi_allocs);

	if (n != READ_ONCE(cxipi_fail_alloc))
		return false;
	pr_info("fail_alloc: failing allocation %u at %pS\n", n, (void *)where);
	return true;
}

/*
 * The core returns these errno values (cxx_core/include/cxipi/core.h) and
 * the shim hands them on to callers as the kernel's: a core whose numbers
 * drift from this kernel's does not build.
 */
static_assert(CXIPI_EAGAIN == EAGAIN);
static_assert(CXIPI_ENOMEM == ENOMEM);
static_assert(CXIPI_EBUSY == EBUSY);
static_assert(CXIPI_EINVAL == EINVAL);
static_assert(CXIPI_ENOSPC == ENOSPC);
static_assert(CXIPI_ERANGE == ERANGE);
static_assert(CXIPI_EPROTO == EPROTO);

/* The module's env keeps no state of its own: @ctx is NULL. */
static void *cxipi_zalloc(void *ctx, size_t size)
{
	return cxipi_alloc(kvzalloc(size, GFP_KERNEL), NULL);
}

static void cxipi_free(void *ctx, const void *ptr)
{
	kvfree(ptr);
}

const struct cxipi_env cxipi_env = {
	.ctx = NULL,
	.zalloc = cxipi_zalloc,
	.free = cxipi_free,
};
