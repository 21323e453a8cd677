/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernels cxipi builds against differ, the difference is decided
 * here, and only here, from what scripts/compat-probes.sh found in the
 * kernel (shim/probes/) rather than from its version.
 */
#ifndef _CXIPI_COMPAT_H
#define _CXIPI_COMPAT_H

#include "compat_probes.h"

/* A trace event's string field, copied from the source __string() named. */
#ifdef CXIPI_HAVE_ASSIGN_STR_DST_ONLY
#define cxipi_assign_str(field, src) __assign_str(field)
#else
#define cxipi_assign_str(field, src) __assign_str(field, src)
#endif

#endif /* _CXIPI_COMPAT_H */
