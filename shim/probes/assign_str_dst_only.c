// SPDX-License-Identifier: GPL-2.0
/*
 * Compiles where a trace event's __assign_str() takes only the field, the
 * source being the one given to __string() (Linux 6.10 and later).  The
 * double expansion makes the preprocessor check the macro's arity without
 * compiling what it expands to.
 */
#include <linux/trace_events.h>
#include <trace/stages/stage6_event_callback.h>

#define cxipi_probe_text(x) #x
#define cxipi_probe_expand(x) cxipi_probe_text(x)

static const char cxipi_probe[] __maybe_unused =
	cxipi_probe_expand(__assign_str(field));
