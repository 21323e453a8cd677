// SPDX-License-Identifier: GPL-2.0
// The C boundary of the registry (registry.hpp).
#include "registry.hpp"

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
