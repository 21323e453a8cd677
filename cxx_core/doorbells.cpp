// SPDX-License-Identifier: GPL-2.0
// Per-CPU doorbell banks: one pending bit per hwirq, plus an "armed" word
// that makes sure exactly one kick is in flight per CPU.
//
// Ordering, stated against the kernel's model: every read-modify-write here
// is __ATOMIC_SEQ_CST, which on x86 and arm64 is at least as strong as the
// kernel's fully ordered value-returning atomics (atomic_fetch_or(),
// xchg()).  The protocol:
//   raise:  fetch_or(pending) ; if newly set: xchg(armed, 1) == 0 -> kick
//   drain:  xchg(armed, 0) ; for each word: xchg(word, 0) -> deliver bits
// A raise whose bit a drain has already taken finds armed == 0 only if the
// drain re-armed first, which costs one spurious kick, never a lost one; a
// raise whose bit the drain missed finds armed == 0 and kicks again.
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

constexpr unsigned round_up(unsigned n, unsigned to)
{
	return (n + to - 1) / to * to;
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
			round_up(1 + words_for(nr_hwirqs), kLineWords);
		// 32-bit counts cannot overflow a 64-bit size; one spare
		// line lets the first bank start on a line boundary.
		const size_t words =
			static_cast<size_t>(nr_cpus) * stride + kLineWords;
		auto made = create_with_tail<Doorbells>(
			env, array_bytes(words, sizeof(Word)));
		CXIPI_TRY(made);
		Doorbells *bells = made.value();
		bells->nr_cpus_ = nr_cpus;
		bells->nr_hwirqs_ = nr_hwirqs;
		bells->stride_ = stride;
		return bells;
	}

	Result<cxipi_raise> raise(unsigned cpu, unsigned hwirq)
	{
		if (cpu >= nr_cpus_ || hwirq >= nr_hwirqs_)
			return Errc::invalid;
		Word *bank = bank_of(cpu);
		const Word bit = bit_of(hwirq);
		Word *word = &pending(bank)[hwirq / kWordBits];
		if (__atomic_fetch_or(word, bit, __ATOMIC_SEQ_CST) & bit)
			return CXIPI_RAISE_COALESCED;
		if (__atomic_exchange_n(armed(bank), Word{ 1 },
					__ATOMIC_SEQ_CST))
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
		__atomic_exchange_n(armed(bank), Word{ 0 }, __ATOMIC_SEQ_CST);
		for (unsigned i = 0; i < words_for(nr_hwirqs_); i++) {
			Word taken = __atomic_exchange_n(
				&pending(bank)[i], Word{ 0 }, __ATOMIC_SEQ_CST);
			while (taken) {
				const unsigned bit = lowest_bit(taken);
				taken &= taken - 1;
				deliver(i * kWordBits + bit);
				delivered++;
			}
		}
		return delivered;
	}

	bool is_pending(unsigned cpu, unsigned hwirq) const
	{
		if (cpu >= nr_cpus_ || hwirq >= nr_hwirqs_)
			return false;
		const Word *word = &pending(bank_of(cpu))[hwirq / kWordBits];
		return __atomic_load_n(word, __ATOMIC_RELAXED) & bit_of(hwirq);
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
	static Word *armed(Word *bank) { return bank; }
	static Word *pending(Word *bank) { return bank + 1; }

	unsigned nr_cpus_ = 0;
	unsigned nr_hwirqs_ = 0;
	unsigned stride_ = 0;
	// Followed by the banks: per CPU, armed word then pending words.
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

} // extern "C"
