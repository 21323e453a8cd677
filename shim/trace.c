// SPDX-License-Identifier: GPL-2.0
/*
 * The one place cxipi's trace events (shim/trace.h) are instantiated.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
