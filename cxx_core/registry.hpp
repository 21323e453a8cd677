// SPDX-License-Identifier: GPL-2.0
// virq -> reservation, for any IPI domain, looked up without a lock.
//
// A two-level radix table: a fixed directory of leaf pointers, leaves of
// kLeafSize reservation pointers made on first use and kept until the
// registry goes.  Readers use acquire loads; writers (serialized by the
// caller) publish with release stores, so a reader sees either nothing or a
// fully built reservation.  Freeing a removed reservation is the caller's
// business after a grace period.
#pragma once

#include <cxipi/core.h>

#include "atomic.hpp"
#include "handle.hpp"
#include "memory.hpp"
#include "reservation.hpp"

namespace cxipi
{

class Registry : TrailingStorage
{
	static constexpr unsigned kLeafShift = 8;
	static constexpr unsigned kLeafSize = 1U << kLeafShift;
	// Upstream's largest irq number space (x86, NR_CPUS=8192) is below
	// 2^20.
	static constexpr unsigned kMaxVirq = 1U << 20;
	static constexpr unsigned kDirectorySize = kMaxVirq >> kLeafShift;

	struct Leaf {
		Reservation *slot[kLeafSize];
	};

public:
	static Result<Registry *> create(const cxipi_env &env)
	{
		return create_with_tail<Registry>(env, 0);
	}

	void destroy(const cxipi_env &env)
	{
		for (Leaf *leaf : directory_)
			release(env, leaf);
		cxipi::destroy(env, this);
	}

	Status insert(const cxipi_env &env, Reservation *resv);

	void remove(const Reservation *resv)
	{
		for_each_virq(resv, [&](unsigned virq) { unmap(virq, resv); });
	}

	// Remove @mask's CPUs from @resv and unpublish the virqs that go.
	Result<unsigned> remove_targets(Reservation *resv, BitsView mask);

	Reservation *any() const
	{
		for (const Leaf *leaf : directory_) {
			if (!leaf)
				continue;
			for (Reservation *resv : leaf->slot)
				if (resv)
					return resv;
		}
		return nullptr;
	}

	Reservation *lookup(unsigned virq) const
	{
		if (virq >= kMaxVirq)
			return nullptr;
		const Leaf *leaf =
			load_acquire(&directory_[virq >> kLeafShift]);
		if (!leaf)
			return nullptr;
		return load_acquire(&leaf->slot[virq & (kLeafSize - 1)]);
	}

private:
	template <typename Fn>
	static void for_each_virq(const Reservation *resv, Fn &&fn)
	{
		if (resv->kind() == Kind::single) {
			fn(resv->base());
			return;
		}
		const BitsView targets = resv->targets();
		for (unsigned cpu = targets.first(); cpu < targets.size();
		     cpu = targets.next_set(cpu + 1))
			fn(resv->virq_of(cpu));
	}

	void unmap(unsigned virq, const Reservation *resv)
	{
		if (virq < kMaxVirq && leaf_of(virq) && *slot(virq) == resv)
			store_release(slot(virq), nullptr);
	}

	Leaf *leaf_of(unsigned virq) const
	{
		return directory_[virq >> kLeafShift];
	}

	Reservation **slot(unsigned virq)
	{
		return &leaf_of(virq)->slot[virq & (kLeafSize - 1)];
	}

	Status make_leaf(const cxipi_env &env, unsigned virq)
	{
		if (leaf_of(virq))
			return Status();
		Leaf *leaf = static_cast<Leaf *>(zalloc(env, sizeof(Leaf)));
		if (!leaf)
			return Errc::no_memory;
		store_release(&directory_[virq >> kLeafShift], leaf);
		return Status();
	}

	Leaf *directory_[kDirectorySize] = {};
};

} // namespace cxipi

template <> struct cxipi::ObjectOf<cxipi_registry> {
	using type = cxipi::Registry;
};
