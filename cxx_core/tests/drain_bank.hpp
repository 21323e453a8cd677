// SPDX-License-Identifier: GPL-2.0
// A whole drain through the C boundary, the loop the shim runs: begin,
// then each word with doorbells to deliver, lowest hwirq first.  Returns
// how many were delivered.
#pragma once

#include <cxipi/core.h>

inline unsigned drain_bank(struct cxipi_doorbells *bells, unsigned int cpu,
			   void (*deliver)(void *ctx, unsigned int hwirq),
			   void *ctx)
{
	const unsigned int word_bits = sizeof(unsigned long) * 8;
	unsigned int delivered = 0;

	cxipi_doorbells_drain_begin(bells, cpu);
	for (unsigned int word = 0;; word++) {
		unsigned long bits =
			cxipi_doorbells_drain_next(bells, cpu, &word);
		if (!bits)
			return delivered;
		for (; bits; bits &= bits - 1, delivered++)
			deliver(ctx, word * word_bits + __builtin_ctzl(bits));
	}
}
