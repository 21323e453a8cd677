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

class Reservation
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

	// The virq carrying an IPI to @cpu, or 0 when @cpu is no target.
	unsigned virq_of(unsigned cpu) const
	{
		if (!targets().test(cpu))
			return 0;
		return kind_ == Kind::single ? base_ : base_ + cpu - offset_;
	}

	// Every CPU of @mask is a target: one pass over the words, no
	// early read past the shorter of the two masks.
	bool covers(BitsView mask) const { return mask.subset_of(targets()); }

private:
	const Word *words() const { return tail_of<Word>(this); }
	Word *words() { return tail_of<Word>(this); }

	Kind kind_ = Kind::per_cpu;
	unsigned base_ = 0;
	unsigned nr_virqs_ = 0;
	unsigned offset_ = 0;
	unsigned nbits_ = 0;
	// Followed by words_for(nbits_) words of target mask.
};

} // namespace cxipi

template <> struct cxipi::ObjectOf<cxipi_resv> {
	using type = cxipi::Reservation;
};
