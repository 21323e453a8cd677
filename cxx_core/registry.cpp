// SPDX-License-Identifier: GPL-2.0
// The C boundary of the registry (registry.hpp), and what of it is defined
// out of line.
#include "registry.hpp"

namespace cxipi
{

// Defined here, not in the class: an inline function that the compiler
// keeps out of line goes in a COMDAT group, which the module cannot have
// (scripts/check-core-objects.sh says why).
Status Registry::insert(const cxipi_env &env, Reservation *resv)
{
	const BitsView targets = resv->targets();
	// Make every leaf and check every slot before publishing any,
	// so a failure leaves the table as it was.
	for (unsigned cpu = targets.first(); cpu < targets.size();
	     cpu = targets.next_set(cpu + 1)) {
		const unsigned virq = resv->virq_of(cpu);
		if (virq >= kMaxVirq)
			return Errc::out_of_range;
		CXIPI_TRY(make_leaf(env, virq));
		if (*slot(virq))
			return Errc::busy;
		if (resv->kind() == Kind::single)
			break;
	}
	for_each_virq(resv,
		      [&](unsigned virq) { store_release(slot(virq), resv); });
	return Status();
}

// Remove @mask's CPUs from @resv and unpublish the virqs that go.
Result<unsigned> Registry::remove_targets(Reservation *resv, BitsView mask)
{
	if (mask.empty() || !resv->covers(mask))
		return Errc::invalid;
	const unsigned remaining = resv->targets().weight() - mask.weight();
	if (resv->kind() == Kind::per_cpu)
		resv->fan_out(mask, [&](unsigned, unsigned virq) {
			unmap(virq, resv);
		});
	else if (remaining == 0)
		unmap(resv->base(), resv);
	resv->drop_targets(mask);
	return remaining;
}

} // namespace cxipi

using cxipi::Registry;

using cxipi::from_handle;
using cxipi::to_handle;

extern "C" {

struct cxipi_registry *cxipi_registry_create(const struct cxipi_env *env)
{
	return cxipi::handle_or_null<cxipi_registry>(Registry::create(*env));
}

void cxipi_registry_destroy(const struct cxipi_env *env,
			    struct cxipi_registry *reg)
{
	if (reg)
		from_handle(reg)->destroy(*env);
}

int cxipi_registry_insert(const struct cxipi_env *env,
			  struct cxipi_registry *reg, struct cxipi_resv *resv)
{
	return from_handle(reg)->insert(*env, from_handle(resv)).to_errno();
}

void cxipi_registry_remove(struct cxipi_registry *reg,
			   const struct cxipi_resv *resv)
{
	from_handle(reg)->remove(from_handle(resv));
}

int cxipi_registry_remove_targets(struct cxipi_registry *reg,
				  struct cxipi_resv *resv,
				  const unsigned long *dest)
{
	cxipi::Reservation *r = from_handle(resv);
	return cxipi::value_or_errno(from_handle(reg)->remove_targets(
		r, cxipi::BitsView(dest, r->targets().size())));
}

struct cxipi_resv *cxipi_registry_any(const struct cxipi_registry *reg)
{
	return to_handle<cxipi_resv>(from_handle(reg)->any());
}

struct cxipi_resv *cxipi_registry_lookup(const struct cxipi_registry *reg,
					 unsigned int virq)
{
	return to_handle<cxipi_resv>(from_handle(reg)->lookup(virq));
}

} // extern "C"
