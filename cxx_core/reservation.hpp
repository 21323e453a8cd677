// SPDX-License-Identifier: GPL-2.0
// A reservation: the virqs irq_reserve_ipi() handed out, and their targets.
#pragma once

#include <cxipi/core.h>

#include "bitmap.hpp"
#include "handle.hpp"
#include "memory.hpp"

namespace cxipi
{

enum class Kind { per_cpu = CXIPI_KIND_PER_CPU, single = CXIPI_KIND_SINGLE };

// The checks of irq_reserve_ipi() that look at masks, in the contract's
// order; the domain check is the shim's, since only it can see a domain.
enum cxipi_reserve_check check_reservation(Kind kind, BitsView dest,
					   BitsView possible,
					   cxipi_reserve_plan &plan);

class Reservation : TrailingStorage
{
public:
	static Result<Reservation *> create(const cxipi_env &env, Kind kind,
					    unsigned base_virq, BitsView dest);

	Kind kind() const { return kind_; }
	unsigned base() const { return base_; }
	unsigned nr_virqs() const { return nr_virqs_; }
	unsigned offset() const { return offset_; }
	BitsView targets() const { return BitsView(words(), nbits_); }
	const Word *target_words() const { return words(); }

	// The virq the layout gives @cpu, target or not (cpu >= offset).
	unsigned layout_virq(unsigned cpu) const
	{
		return kind_ == Kind::single ? base_ : base_ + cpu - offset_;
	}

	// A provider whose hwirqs follow the virqs' layout: @owner rings
	// them, the hwirq of virq v being @hwirq_base + v - base.
	void set_doorbells(void *owner, unsigned hwirq_base)
	{
		owner_ = owner;
		hwirq_base_ = hwirq_base;
	}
	void *doorbell_owner() const { return owner_; }
	unsigned layout_doorbell(unsigned cpu) const
	{
		return hwirq_base_ + (layout_virq(cpu) - base_);
	}
	// The owner and the doorbell of target @cpu; nullptr when @cpu is no
	// target or no owner rings the reservation.
	void *doorbell_of(unsigned cpu, unsigned &hwirq) const
	{
		if (!owner_ || !targets().test(cpu))
			return nullptr;
		hwirq = layout_doorbell(cpu);
		return owner_;
	}

	// The virq carrying an IPI to @cpu, or 0 when @cpu is no target.
	unsigned virq_of(unsigned cpu) const
	{
		return targets().test(cpu) ? layout_virq(cpu) : 0;
	}

	// Call @fn(cpu, virq) for each CPU of @mask, which must be covered.
	template <typename Fn> void fan_out(BitsView mask, Fn &&fn) const
	{
		for (unsigned i = 0; i < mask.word_count(); i++) {
			Word w = mask.word(i);
			while (w) {
				const unsigned cpu =
					i * kWordBits + lowest_bit(w);
				w &= w - 1;
				fn(cpu, layout_virq(cpu));
			}
		}
	}

	// Drop the CPUs of @mask from the targets; the caller has checked
	// that they are targets and serializes writers.
	void drop_targets(BitsView mask)
	{
		BitsSpan(words(), nbits_).clear_all_of(mask);
	}

	// Every CPU of @mask is a target: one pass over the words, no
	// early read past the shorter of the two masks.
	bool covers(BitsView mask) const { return mask.subset_of(targets()); }

private:
	const Word *words() const { return tail_of<Word>(this); }
	Word *words() { return tail_of<Word>(this); }

	void *owner_ = nullptr;
	Kind kind_ = Kind::per_cpu;
	unsigned base_ = 0;
	unsigned hwirq_base_ = 0;
	unsigned nr_virqs_ = 0;
	unsigned offset_ = 0;
	unsigned nbits_ = 0;
	// Followed by words_for(nbits_) words of target mask.
};

} // namespace cxipi

template <> struct cxipi::ObjectOf<cxipi_resv> {
	using type = cxipi::Reservation;
};
