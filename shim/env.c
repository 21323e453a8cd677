// SPDX-License-Identifier: GPL-2.0
/*
 * The environment the C++ core runs in: memory comes from the slab (or
 * vmalloc for large tables), always zeroed, always fallible.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "cxipi.h"

static void *cxipi_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

const struct cxipi_env cxipi_env = {
	.zalloc = cxipi_zalloc,
	.free = kvfree,
};
