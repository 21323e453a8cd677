// SPDX-License-Identifier: GPL-2.0
// Per-CPU doorbell banks: one pending bit per hwirq, an "in_flight" word,
// set exactly while a kick is in flight to the CPU (so that at most one
// is), and the bank's counters; one domain-wide mask bit per hwirq; and,
// per hwirq, the CPU that drained it last.
//
// The protocol, each step named for the pairings below (atomic.hpp says what
// each ordering means in the kernel's memory model, LKMM):
//
//   raise(cpu, h)  R1  old = fetch_or_release(pending, bit)
//                      old has the bit: COALESCED
//                  R2  xchg_fully_ordered(in_flight, 1):
//                      1 -> QUEUED, 0 -> KICK
//   drain(cpu)     D1  xchg_fully_ordered(in_flight, 0)
//                  then per pending word:
//                  D0  read_once(pending): skip the word when it is 0
//                  D2  keep = read_once(mask); skip the word when every
//                      bit D0 saw is masked
//                  D3  fetch_and_acquire(pending, keep): deliver the
//                      unmasked bits it cleared
//   unmask(h)      U1  fetch_and_fully_ordered(mask, ~bit)
//                  then per CPU:
//                  U2  load_acquire(pending) has the bit, and
//                  U3  xchg_fully_ordered(in_flight, 1) == 0: kick that CPU
//   take, ack      T1  fetch_and_acquire(pending, ~bit): the caller's when
//                      the old word has the bit
//   mask(h)        M1  or_relaxed(mask, bit)
//   reset, drop    X1  fetch_and_relaxed(pending, ~bit)
//
// A kick is the shim's (smp_call_function_single_async() to another CPU,
// irq_work_queue() to itself), and its callback drains.  in_flight is set
// by the R2 or U3 that kicks, or by K1, and cleared by the drain that the
// kick runs, or by K0 when the kick is not sent or will not drain: it is
// set exactly while a kick is in flight, so a kick is never sent twice at
// once.
//
//   claim_kick(cpu)   K1  xchg_fully_ordered(in_flight, 1) == 0: kick it
//   cancel_kick(cpu)  K0  xchg_fully_ordered(in_flight, 0)
//
// The pairings: what each guarantee relies on.
//
// P1  A raiser's earlier stores reach the handler.  R1's release pairs with
//     D3's (and T1's) acquire.  A coalesced raise reaches the D3 that clears
//     the bit through the chain of RMWs on the pending word (a release
//     sequence), as in ipi-mux's send that finds its bit already set.
// P2  Raise vs drain: no lost kick.  When R2 finds in_flight set, the drain
// that
//     clears it comes after R2 in in_flight's order: its D1 reads R2's store or
//     a later RMW's (all fully ordered), so R1 -> R2 -> D1 -> D3 is a chain
//     of release and acquire, and D3 finds R1's bit.  When R2 finds in_flight
//     clear, the raise kicks.  Relies on R2 keeping R1 before its store and
//     on D1 keeping D3 after its load.
// P3  Unmask vs drain: a latched doorbell is delivered once after unmask.
//     The same chain, U1 -> U3 -> D1 -> D2: when U3 finds in_flight set, the
//     drain that clears it sees the mask clear; when U3 finds it clear, the
//     unmask kicks, once per CPU where the doorbell is latched.
// P4  Raise vs unmask vs drain (store buffering): a doorbell raised while
//     it is being unmasked.  The drain that follows the raise reads the mask
//     (D2), and the unmask reads pending (U2): at least one must see the
//     other side's store, or the doorbell stays latched with no kick.  Each
//     side writes one location and then reads the other, which takes a full
//     barrier on both sides: U1's, between U1 and U2; and D1's, between D1
//     and D2, which R2 -> D1 extends back to R1 (the kernel's strong fences
//     are cumulative: they order what the CPU has observed, too).  Release
//     and acquire alone allow both reads to see the old values.
// P5  A kick that meets a locked CSD (-EBUSY; the shim drops it).
//     smp_call_function_single_async() reads the CSD's lock flag after R2
//     (or U3) returned 0.  LOCK means an earlier kick's callback has not
//     started: kernel/smp.c unlocks an async CSD, with a release store,
//     before it calls the callback, and the callback drains.  When that
//     drain's D1 comes after R2 in in_flight's order, P2 applies and it
//     delivers R1's bit.  When it came before, R2 read its 0 (or a later
//     drain's on the same CPU), and D1's release and R2's acquire put the
//     unlock before the raiser's read of the flag, which then could not have
//     seen LOCK. So -EBUSY loses no doorbell and never leaves in_flight set
//     with no kick in flight.  This is why R2 and U3 are fully ordered rather
//     than release only: their load must stay before the flag's.
// P6  Take, ack, drain, reset and drop: each doorbell consumed exactly once.
//     Every clear of a pending bit is an RMW that returns the old word, and
//     the RMWs of one word are totally ordered, each reading the one before:
//     the one whose old word has the bit consumed it, and counts it.
//     Atomicity only; no barrier.
//
// Where no barrier is needed, and why:
//  - D0: it follows D1's barrier, like D2, so by P2 it sees every bit
//    whose raise found in_flight set; a bit it misses was set by a raise
//    whose R2 comes after D1 and so kicks again.  A word D0 reads as 0, or
//    as masked bits only, has nothing this drain must deliver, and
//    skipping its RMW changes no pairing: D3 is still the one that takes
//    a doorbell (P1, P6).  A raise that lands between D0 and D3 is taken
//    by D3 when D3 runs, and otherwise by the drain its own kick brings.
//  - M1: a drain that read the mask just before it delivers the doorbell,
//    whatever M1's ordering; the flow handler then finds the irq disabled
//    (under desc->lock) and leaves it pending for the replay (retrigger).
//  - X1: exactly once by P6; the caller keeps raises of that doorbell away
//    with its own synchronization, which orders the rest.
//  - D2: it follows D1's barrier, like ipi-mux's atomic_read() after
//    smp_mb__after_atomic(), and D3's store depends on its value.
//  - U2: it follows U1's barrier, and U3's orders it before the kick; its
//    acquire is for the other callers of cxipi_doorbells_pending() (P1).
//  - The last-draining CPU: WRITE_ONCE() before delivery, READ_ONCE() from
//    the retrigger; both happen around the irq's desc->lock, which orders
//    them.
//
// The books.  A raise costs at most two locked RMWs, R1 and R2, and R2
// only when R1 set the bit; so a raise counts nothing unless it coalesced.
// Each pending bit that goes from 1 to 0 is counted once, by whoever
// cleared it, from the value its RMW returned (P6): "delivered" by the
// drain, which only the bank's own CPU runs, one at a time (in hard-irq
// context), so it is a plain READ_ONCE/WRITE_ONCE increment of a word that
// one CPU owns; "taken" and "dropped", off the fast paths, with relaxed
// atomic adds.  "coalesced" is a relaxed atomic add by the raiser, in the
// line R1 has just written, and only when R1 found the bit set: R1 and it
// are that raise's two RMWs.  Every raise that returns sets a bit or
// coalesces, so the raises are counted without a counter of their own:
// raised = coalesced + delivered + taken + dropped + pending, and the
// callers' own counts of what they rang (the stress test's) check it.
#pragma once

#include <cxipi/core.h>

#include "atomic.hpp"
#include "bitmap.hpp"
#include "handle.hpp"
#include "memory.hpp"

namespace cxipi
{

class Doorbells : TrailingStorage
{
	// A bank starts on its own cache line so that CPUs do not share lines.
	static constexpr unsigned kLineWords = 64 / sizeof(Word);
	static constexpr unsigned kNeverDelivered = ~0U;

	// The words of a bank: the kick-in-flight word, the counters, then the
	// pending bits.
	enum BankWord : unsigned {
		kKickInFlight,
		kCoalesced,
		kDelivered,
		kTaken,
		kDropped,
		kPending,
	};

	// Words holding one unsigned per hwirq, in 64-bit arithmetic.
	static constexpr size_t last_cpu_words(unsigned nr_hwirqs)
	{
		return (static_cast<size_t>(nr_hwirqs) * sizeof(unsigned) +
			sizeof(Word) - 1) /
		       sizeof(Word);
	}

	static constexpr unsigned round_up(unsigned n, unsigned to)
	{
		return (n + to - 1) / to * to;
	}

	static void count(Word *bank, BankWord counter, Word n = 1)
	{
		add_relaxed(&bank[counter], n);
	}

	// Only the bank's own CPU counts this one: no RMW needed.
	static void count_owned(Word *bank, BankWord counter, Word n)
	{
		write_once(&bank[counter], read_once(&bank[counter]) + n);
	}

	static Word counted(const Word *bank, BankWord counter)
	{
		return read_once(&bank[counter]);
	}

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
		Doorbells *bells = CXIPI_TRY(create_with_tail<Doorbells>(
			env, array_bytes(words, sizeof(Word))));
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
		// R1: pairs with D3 and T1 (P1).
		const Word old = fetch_or_release(
			&pending(bank)[hwirq / kWordBits], bit);
		if (old & bit) {
			count(bank, kCoalesced);
			return CXIPI_RAISE_COALESCED;
		}
		// R2: pairs with D1 (P2, P4) and with the CSD's unlock (P5).
		if (xchg_fully_ordered(in_flight(bank), 1))
			return CXIPI_RAISE_QUEUED;
		return CXIPI_RAISE_KICK;
	}

	// A drain, in the steps that the shim runs itself so that it calls its
	// handlers directly: drain_begin(), then drain_next() until it returns
	// 0.  Only @cpu drains its bank, one drain at a time.
	void drain_begin(unsigned cpu)
	{
		// D1: pairs with R2 (P2, P5) and U3 (P3); its barrier is one
		// of the two that P4 needs.
		if (cpu < nr_cpus_)
			xchg_fully_ordered(in_flight(bank_of(cpu)), 0);
	}

	// The doorbells of the first word from @word on that has any to
	// deliver, taken: bit b is hwirq word * kWordBits + b, and @word is
	// set to that word.  0 when no word has any, @word then past the last.
	Word drain_next(unsigned cpu, unsigned &word);

	template <typename Deliver>
	unsigned drain(unsigned cpu, Deliver &&deliver)
	{
		unsigned delivered = 0;
		drain_begin(cpu);
		for (unsigned word = 0;; word++) {
			Word taken = drain_next(cpu, word);
			if (!taken)
				return delivered;
			for (; taken; taken &= taken - 1, delivered++)
				deliver(word * kWordBits + lowest_bit(taken));
		}
	}

	void mask(unsigned hwirq)
	{
		// M1: no barrier needed (see the top of this file).
		if (hwirq < nr_hwirqs_)
			or_relaxed(&masked()[hwirq / kWordBits], bit_of(hwirq));
	}

	template <typename Kick> void unmask(unsigned hwirq, Kick &&kick)
	{
		if (hwirq >= nr_hwirqs_)
			return;
		// U1: its barrier is the other one that P4 needs.
		fetch_and_fully_ordered(&masked()[hwirq / kWordBits],
					~bit_of(hwirq));
		for (unsigned cpu = 0; cpu < nr_cpus_; cpu++) {
			Word *bank = bank_of(cpu);
			// U2 (P4), then U3: pairs with D1 (P3) and with the
			// CSD's unlock (P5).
			if (is_pending(cpu, hwirq) &&
			    !xchg_fully_ordered(in_flight(bank), 1))
				kick(cpu);
		}
	}

	Result<unsigned> last_cpu_of(unsigned hwirq) const
	{
		if (hwirq >= nr_hwirqs_)
			return Errc::invalid;
		const unsigned cpu = read_once(&last_cpu()[hwirq]);
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
			// A candidate only: T1's old word decides (P6).
			Word w = read_once(&words[i]);
			while (w) {
				const Word bit = w & -w;
				// T1: pairs with R1 (P1).
				if (fetch_and_acquire(&words[i], ~bit) & bit) {
					count(bank, kTaken);
					hwirq = i * kWordBits + lowest_bit(bit);
					return true;
				}
				w = read_once(&words[i]);
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
		// T1: pairs with R1 (P1); exactly once (P6).
		const Word old = fetch_and_acquire(
			&pending(bank)[hwirq / kWordBits], ~bit);
		if (!(old & bit))
			return false;
		count(bank, kTaken);
		return true;
	}

	void reset(unsigned hwirq)
	{
		if (hwirq >= nr_hwirqs_)
			return;
		mask(hwirq);
		for (unsigned cpu = 0; cpu < nr_cpus_; cpu++)
			drop(cpu, hwirq);
		write_once(&last_cpu()[hwirq], kNeverDelivered);
	}

	void drop(unsigned cpu, unsigned hwirq)
	{
		if (cpu >= nr_cpus_ || hwirq >= nr_hwirqs_)
			return;
		Word *bank = bank_of(cpu);
		const Word bit = bit_of(hwirq);
		// X1: exactly once (P6); no barrier needed (see the top).
		const Word old = fetch_and_relaxed(
			&pending(bank)[hwirq / kWordBits], ~bit);
		if (old & bit)
			count(bank, kDropped);
	}

	// K1: the kicks the shim sends of its own accord (a CPU that comes
	// online) claim in_flight like a raise's R2 (P2); K0: a kick that will
	// not drain gives it back (no CSD sent, or a CPU that is not Linux's).
	// Both fully ordered, as R2 and D1 (P5, and P7 in the shim).
	bool claim_kick(unsigned cpu)
	{
		return cpu < nr_cpus_ &&
		       !xchg_fully_ordered(in_flight(bank_of(cpu)), 1);
	}

	void cancel_kick(unsigned cpu)
	{
		if (cpu < nr_cpus_)
			xchg_fully_ordered(in_flight(bank_of(cpu)), 0);
	}

	bool is_pending(unsigned cpu, unsigned hwirq) const
	{
		if (cpu >= nr_cpus_ || hwirq >= nr_hwirqs_)
			return false;
		const Word *word = &pending(bank_of(cpu))[hwirq / kWordBits];
		// U2; for other callers, pairs with R1 (P1).
		return load_acquire(word) & bit_of(hwirq);
	}

	Status stats(unsigned cpu, cxipi_doorbell_stats &stats) const
	{
		if (cpu >= nr_cpus_)
			return Errc::invalid;
		const Word *bank = bank_of(cpu);
		stats.coalesced = counted(bank, kCoalesced);
		stats.delivered = counted(bank, kDelivered);
		stats.taken = counted(bank, kTaken);
		stats.dropped = counted(bank, kDropped);
		stats.pending = 0;
		for (unsigned i = 0; i < words_for(nr_hwirqs_); i++)
			stats.pending += popcount(read_once(&pending(bank)[i]));
		stats.raised = stats.coalesced + stats.delivered + stats.taken +
			       stats.dropped + stats.pending;
		return Status();
	}

private:
	// The last-draining CPU, written only when it changes, so that a
	// doorbell drained on the same CPU as before writes no shared line.
	static void note_delivery(unsigned *last, unsigned cpu)
	{
		if (read_once(last) != cpu)
			write_once(last, cpu);
	}

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
	static Word *in_flight(Word *bank) { return bank + kKickInFlight; }
	static Word *pending(Word *bank) { return bank + kPending; }
	static const Word *pending(const Word *bank) { return bank + kPending; }

	unsigned nr_cpus_ = 0;
	unsigned nr_hwirqs_ = 0;
	unsigned stride_ = 0;
	// Followed by the banks (per CPU: in_flight word, counters, then
	// pending words), the mask words, and one last-draining CPU per hwirq.
};

} // namespace cxipi

template <> struct cxipi::ObjectOf<cxipi_doorbells> {
	using type = cxipi::Doorbells;
};
