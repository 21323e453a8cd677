// SPDX-License-Identifier: GPL-2.0
// The C boundary of the doorbell banks (doorbells.hpp), and what of them
// is defined out of line.
#include "doorbells.hpp"

namespace cxipi
{

// Out of the class, so that it is not a COMDAT group's
// (scripts/check-core-objects.sh).
Word Doorbells::drain_next(unsigned cpu, unsigned &word)
{
	if (cpu >= nr_cpus_)
		return 0;
	// Hoisted: the atomics below would make the compiler reload
	// them, and a drain runs in hard-irq context.
	Word *const bank = bank_of(cpu);
	Word *const words = pending(bank);
	const Word *const masks = masked();
	const unsigned nr_words = words_for(nr_hwirqs_);
	for (unsigned i = word; i < nr_words; i++) {
		// D0: no RMW for a word with nothing to deliver.
		const Word seen = read_once(&words[i]);
		if (!seen)
			continue;
		// D2: ordered after D1 by D1's barrier (P3, P4).
		const Word keep = read_once(&masks[i]);
		if (!(seen & ~keep))
			continue;
		// D3: pairs with R1 (P1); exactly once (P6).
		const Word taken = fetch_and_acquire(&words[i], keep) & ~keep;
		if (!taken)
			continue;
		unsigned *const last = &last_cpu()[i * kWordBits];
		Word n = 0;
		for (Word bits = taken; bits; bits &= bits - 1, n++)
			note_delivery(&last[lowest_bit(bits)], cpu);
		count_owned(bank, kDelivered, n);
		word = i;
		return taken;
	}
	word = nr_words;
	return 0;
}

} // namespace cxipi

using cxipi::Doorbells;

using cxipi::from_handle;

extern "C" {

struct cxipi_doorbells *cxipi_doorbells_create(const struct cxipi_env *env,
					       unsigned int nr_cpus,
					       unsigned int nr_hwirqs)
{
	return cxipi::handle_or_null<cxipi_doorbells>(
		Doorbells::create(*env, nr_cpus, nr_hwirqs));
}

void cxipi_doorbells_destroy(const struct cxipi_env *env,
			     struct cxipi_doorbells *bells)
{
	if (bells)
		cxipi::destroy(*env, from_handle(bells));
}

int cxipi_doorbells_raise(struct cxipi_doorbells *bells, unsigned int cpu,
			  unsigned int hwirq)
{
	return cxipi::value_or_errno(from_handle(bells)->raise(cpu, hwirq));
}

void cxipi_doorbells_drain_begin(struct cxipi_doorbells *bells,
				 unsigned int cpu)
{
	from_handle(bells)->drain_begin(cpu);
}

unsigned long cxipi_doorbells_drain_next(struct cxipi_doorbells *bells,
					 unsigned int cpu, unsigned int *word)
{
	return from_handle(bells)->drain_next(cpu, *word);
}

bool cxipi_doorbells_pending(const struct cxipi_doorbells *bells,
			     unsigned int cpu, unsigned int hwirq)
{
	return from_handle(bells)->is_pending(cpu, hwirq);
}

void cxipi_doorbells_mask(struct cxipi_doorbells *bells, unsigned int hwirq)
{
	from_handle(bells)->mask(hwirq);
}

void cxipi_doorbells_unmask(struct cxipi_doorbells *bells, unsigned int hwirq,
			    void (*kick)(void *ctx, unsigned int cpu),
			    void *ctx)
{
	from_handle(bells)->unmask(hwirq,
				   [&](unsigned cpu) { kick(ctx, cpu); });
}

bool cxipi_doorbells_claim_kick(struct cxipi_doorbells *bells, unsigned int cpu)
{
	return from_handle(bells)->claim_kick(cpu);
}

void cxipi_doorbells_cancel_kick(struct cxipi_doorbells *bells,
				 unsigned int cpu)
{
	from_handle(bells)->cancel_kick(cpu);
}

int cxipi_doorbells_last_cpu(const struct cxipi_doorbells *bells,
			     unsigned int hwirq)
{
	return cxipi::value_or_errno(from_handle(bells)->last_cpu_of(hwirq));
}

int cxipi_doorbells_take(struct cxipi_doorbells *bells, unsigned int cpu,
			 unsigned int *hwirq)
{
	return cxipi::value_or_errno(from_handle(bells)->take(cpu, *hwirq));
}

int cxipi_doorbells_ack(struct cxipi_doorbells *bells, unsigned int cpu,
			unsigned int hwirq)
{
	return cxipi::value_or_errno(from_handle(bells)->ack(cpu, hwirq));
}

void cxipi_doorbells_reset(struct cxipi_doorbells *bells, unsigned int hwirq)
{
	from_handle(bells)->reset(hwirq);
}

void cxipi_doorbells_drop(struct cxipi_doorbells *bells, unsigned int cpu,
			  unsigned int hwirq)
{
	from_handle(bells)->drop(cpu, hwirq);
}

int cxipi_doorbells_stats(const struct cxipi_doorbells *bells, unsigned int cpu,
			  struct cxipi_doorbell_stats *stats)
{
	return from_handle(bells)->stats(cpu, *stats).to_errno();
}

} // extern "C"
