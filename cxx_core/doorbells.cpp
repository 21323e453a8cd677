// SPDX-License-Identifier: GPL-2.0
// Per-CPU doorbell banks: one pending bit per hwirq, plus an "armed" word
// that makes sure exactly one kick is in flight per CPU, and the bank's
// counters; one domain-wide mask bit per hwirq; and, per hwirq, the CPU that
// drained it last.
//
// Ordering, stated against the kernel's model: every read-modify-write here
// is __ATOMIC_SEQ_CST, which on x86 and arm64 is at least as strong as the
// kernel's fully ordered value-returning atomics (atomic_fetch_or(),
// xchg()).  The protocol:
//   raise:   fetch_or(pending) ; if newly set: xchg(armed, 1) == 0 -> kick
//   drain:   xchg(armed, 0) ; per word: m = load(mask) ;
//            fetch_and(word, m) -> deliver the unmasked bits taken
//   unmask:  fetch_and(mask, ~bit) ; per CPU: bit pending and
//            xchg(armed, 1) == 0 -> kick
// A raise whose bit a drain has already taken finds armed == 0 only if the
// drain re-armed first, which costs one spurious kick, never a lost one; a
// raise whose bit the drain missed finds armed == 0 and kicks again.  A
// drain that saw the bit masked left it pending, and the unmask that
// follows finds it and kicks; a drain that saw it unmasked delivered it.
//
// The counters (raised, coalesced, delivered, taken, dropped) sit in the
// bank's first cache line, which every raise and drain writes anyway; they
// are relaxed atomic adds, so they order nothing and cost no lock.  Each
// pending bit that goes from 1 to 0 is counted once, by whoever cleared it,
// from the value its read-modify-write returned: once raises stop,
// raised == coalesced + delivered + taken + dropped + pending.
#include <cxipi/core.h>

#include "bitmap.hpp"
#include "handle.hpp"
#include "memory.hpp"

namespace cxipi
{
namespace
{

// A bank starts on its own cache line so that CPUs do not share lines.
constexpr unsigned kLineWords = 64 / sizeof(Word);
constexpr unsigned kNeverDelivered = ~0U;

// The words of a bank: the armed word, the counters, then the pending bits.
enum BankWord : unsigned {
	kArmed,
	kRaised,
	kCoalesced,
	kDelivered,
	kTaken,
	kDropped,
	kPending,
};

// Words holding one unsigned per hwirq, in 64-bit arithmetic.
constexpr size_t last_cpu_words(unsigned nr_hwirqs)
{
	return (static_cast<size_t>(nr_hwirqs) * sizeof(unsigned) +
		sizeof(Word) - 1) /
	       sizeof(Word);
}

constexpr unsigned round_up(unsigned n, unsigned to)
{
	return (n + to - 1) / to * to;
}

Word fetch_or(Word *w, Word bits)
{
	return __atomic_fetch_or(w, bits, __ATOMIC_SEQ_CST);
}

Word fetch_and(Word *w, Word bits)
{
	return __atomic_fetch_and(w, bits, __ATOMIC_SEQ_CST);
}

Word exchange(Word *w, Word value)
{
	return __atomic_exchange_n(w, value, __ATOMIC_SEQ_CST);
}

void count(Word *bank, BankWord counter, Word n = 1)
{
	__atomic_fetch_add(&bank[counter], n, __ATOMIC_RELAXED);
}

Word counted(const Word *bank, BankWord counter)
{
	return __atomic_load_n(&bank[counter], __ATOMIC_RELAXED);
}

} // namespace

class Doorbells
{
public:
	static Result<Doorbells *> create(const cxipi_env &env,
					  unsigned nr_cpus, unsigned nr_hwirqs)
	{
		if (nr_cpus == 0 || nr_hwirqs == 0)
			return Errc::invalid;
		const unsigned stride =
			round_up(kPending + words_for(nr_hwirqs), kLineWords);
		// 32-bit counts cannot overflow a 64-bit size; one spare
		// line lets the first bank start on a line boundary.
		const size_t words = static_cast<size_t>(nr_cpus) * stride +
				     kLineWords + words_for(nr_hwirqs) +
				     last_cpu_words(nr_hwirqs);
		auto made = create_with_tail<Doorbells>(
			env, array_bytes(words, sizeof(Word)));
		CXIPI_TRY(made);
		Doorbells *bells = made.value();
		bells->nr_cpus_ = nr_cpus;
		bells->nr_hwirqs_ = nr_hwirqs;
		bells->stride_ = stride;
		for (unsigned h = 0; h < nr_hwirqs; h++)
			bells->last_cpu()[h] = kNeverDelivered;
		return bells;
	}

	Result<cxipi_raise> raise(unsigned cpu, unsigned hwirq)
	{
		if (cpu >= nr_cpus_ || hwirq >= nr_hwirqs_)
			return Errc::invalid;
		Word *bank = bank_of(cpu);
		const Word bit = bit_of(hwirq);
		count(bank, kRaised);
		if (fetch_or(&pending(bank)[hwirq / kWordBits], bit) & bit) {
			count(bank, kCoalesced);
			return CXIPI_RAISE_COALESCED;
		}
		if (exchange(armed(bank), 1))
			return CXIPI_RAISE_QUEUED;
		return CXIPI_RAISE_KICK;
	}

	template <typename Deliver>
	unsigned drain(unsigned cpu, Deliver &&deliver)
	{
		if (cpu >= nr_cpus_)
			return 0;
		Word *bank = bank_of(cpu);
		unsigned delivered = 0;
		exchange(armed(bank), 0);
		for (unsigned i = 0; i < words_for(nr_hwirqs_); i++) {
			const Word keep =
				__atomic_load_n(&masked()[i], __ATOMIC_SEQ_CST);
			Word taken = fetch_and(&pending(bank)[i], keep) & ~keep;
			while (taken) {
				const unsigned hwirq =
					i * kWordBits + lowest_bit(taken);
				taken &= taken - 1;
				__atomic_store_n(&last_cpu()[hwirq], cpu,
						 __ATOMIC_RELAXED);
				deliver(hwirq);
				delivered++;
			}
		}
		if (delivered)
			count(bank, kDelivered, delivered);
		return delivered;
	}

	void mask(unsigned hwirq)
	{
		if (hwirq < nr_hwirqs_)
			fetch_or(&masked()[hwirq / kWordBits], bit_of(hwirq));
	}

	template <typename Kick> void unmask(unsigned hwirq, Kick &&kick)
	{
		if (hwirq >= nr_hwirqs_)
			return;
		fetch_and(&masked()[hwirq / kWordBits], ~bit_of(hwirq));
		for (unsigned cpu = 0; cpu < nr_cpus_; cpu++) {
			Word *bank = bank_of(cpu);
			if (is_pending(cpu, hwirq) && !exchange(armed(bank), 1))
				kick(cpu);
		}
	}

	Result<unsigned> last_cpu_of(unsigned hwirq) const
	{
		if (hwirq >= nr_hwirqs_)
			return Errc::invalid;
		const unsigned cpu =
			__atomic_load_n(&last_cpu()[hwirq], __ATOMIC_RELAXED);
		if (cpu == kNeverDelivered)
			return Errc::invalid;
		return cpu;
	}

	Result<bool> take(unsigned cpu, unsigned &hwirq)
	{
		if (cpu >= nr_cpus_)
			return Errc::invalid;
		Word *bank = bank_of(cpu);
		Word *words = pending(bank);
		for (unsigned i = 0; i < words_for(nr_hwirqs_); i++) {
			Word w = __atomic_load_n(&words[i], __ATOMIC_SEQ_CST);
			while (w) {
				const Word bit = w & -w;
				if (fetch_and(&words[i], ~bit) & bit) {
					count(bank, kTaken);
					hwirq = i * kWordBits + lowest_bit(bit);
					return true;
				}
				w = __atomic_load_n(&words[i],
						    __ATOMIC_SEQ_CST);
			}
		}
		return false;
	}

	Result<bool> ack(unsigned cpu, unsigned hwirq)
	{
		if (cpu >= nr_cpus_ || hwirq >= nr_hwirqs_)
			return Errc::invalid;
		Word *bank = bank_of(cpu);
		const Word bit = bit_of(hwirq);
		if (!(fetch_and(&pending(bank)[hwirq / kWordBits], ~bit) & bit))
			return false;
		count(bank, kTaken);
		return true;
	}

	void reset(unsigned hwirq)
	{
		if (hwirq >= nr_hwirqs_)
			return;
		mask(hwirq);
		const Word bit = bit_of(hwirq);
		for (unsigned cpu = 0; cpu < nr_cpus_; cpu++) {
			Word *bank = bank_of(cpu);
			if (fetch_and(&pending(bank)[hwirq / kWordBits], ~bit) &
			    bit)
				count(bank, kDropped);
		}
		__atomic_store_n(&last_cpu()[hwirq], kNeverDelivered,
				 __ATOMIC_RELAXED);
	}

	bool is_pending(unsigned cpu, unsigned hwirq) const
	{
		if (cpu >= nr_cpus_ || hwirq >= nr_hwirqs_)
			return false;
		const Word *word = &pending(bank_of(cpu))[hwirq / kWordBits];
		return __atomic_load_n(word, __ATOMIC_SEQ_CST) & bit_of(hwirq);
	}

	Status stats(unsigned cpu, cxipi_doorbell_stats &stats) const
	{
		if (cpu >= nr_cpus_)
			return Errc::invalid;
		const Word *bank = bank_of(cpu);
		stats.raised = counted(bank, kRaised);
		stats.coalesced = counted(bank, kCoalesced);
		stats.delivered = counted(bank, kDelivered);
		stats.taken = counted(bank, kTaken);
		stats.dropped = counted(bank, kDropped);
		stats.pending = 0;
		for (unsigned i = 0; i < words_for(nr_hwirqs_); i++) {
			const Word w = __atomic_load_n(&pending(bank)[i],
						       __ATOMIC_RELAXED);
			stats.pending += popcount(w);
		}
		return Status();
	}

private:
	Word *storage() const
	{
		const Word *tail = tail_of<Word>(this);
		const auto address = reinterpret_cast<__UINTPTR_TYPE__>(tail);
		const auto aligned = (address + 63) &
				     ~static_cast<__UINTPTR_TYPE__>(63);
		return reinterpret_cast<Word *>(aligned);
	}
	Word *bank_of(unsigned cpu) const
	{
		return storage() + static_cast<size_t>(cpu) * stride_;
	}
	Word *masked() const
	{
		return storage() + static_cast<size_t>(nr_cpus_) * stride_;
	}
	unsigned *last_cpu() const
	{
		return reinterpret_cast<unsigned *>(masked() +
						    words_for(nr_hwirqs_));
	}
	static Word *armed(Word *bank) { return bank + kArmed; }
	static Word *pending(Word *bank) { return bank + kPending; }
	static const Word *pending(const Word *bank) { return bank + kPending; }

	unsigned nr_cpus_ = 0;
	unsigned nr_hwirqs_ = 0;
	unsigned stride_ = 0;
	// Followed by the banks (per CPU: armed word, counters, then pending
	// words), the mask words, and one last-draining CPU per hwirq.
};

} // namespace cxipi

using cxipi::Doorbells;

template <> struct cxipi::ObjectOf<cxipi_doorbells> {
	using type = Doorbells;
};

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
	auto raised = from_handle(bells)->raise(cpu, hwirq);
	return raised.ok() ? raised.value() : raised.status().to_errno();
}

unsigned int
cxipi_doorbells_drain(struct cxipi_doorbells *bells, unsigned int cpu,
		      void (*deliver)(void *ctx, unsigned int hwirq), void *ctx)
{
	return from_handle(bells)->drain(cpu, [&](unsigned hwirq) {
		deliver(ctx, hwirq);
	});
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

int cxipi_doorbells_last_cpu(const struct cxipi_doorbells *bells,
			     unsigned int hwirq)
{
	auto cpu = from_handle(bells)->last_cpu_of(hwirq);
	return cpu.ok() ? static_cast<int>(cpu.value()) :
			  cpu.status().to_errno();
}

int cxipi_doorbells_take(struct cxipi_doorbells *bells, unsigned int cpu,
			 unsigned int *hwirq)
{
	auto taken = from_handle(bells)->take(cpu, *hwirq);
	return taken.ok() ? taken.value() : taken.status().to_errno();
}

int cxipi_doorbells_ack(struct cxipi_doorbells *bells, unsigned int cpu,
			unsigned int hwirq)
{
	auto acked = from_handle(bells)->ack(cpu, hwirq);
	return acked.ok() ? acked.value() : acked.status().to_errno();
}

void cxipi_doorbells_reset(struct cxipi_doorbells *bells, unsigned int hwirq)
{
	from_handle(bells)->reset(hwirq);
}

int cxipi_doorbells_stats(const struct cxipi_doorbells *bells, unsigned int cpu,
			  struct cxipi_doorbell_stats *stats)
{
	return from_handle(bells)->stats(cpu, *stats).to_errno();
}

} // extern "C"
