// SPDX-License-Identifier: GPL-2.0
#include "reservation.hpp"

namespace cxipi
{

enum cxipi_reserve_check check_reservation(Kind kind, BitsView dest,
					   BitsView possible,
					   cxipi_reserve_plan &plan)
{
	if (!dest.subset_of(possible))
		return CXIPI_RESERVE_NOT_POSSIBLE;
	const unsigned weight = dest.weight();
	if (weight == 0)
		return CXIPI_RESERVE_EMPTY;
	if (kind == Kind::per_cpu && dest.has_hole())
		return CXIPI_RESERVE_HOLE;

	plan.weight = weight;
	plan.offset = dest.first();
	plan.nr_virqs = kind == Kind::per_cpu ? weight : 1;
	return CXIPI_RESERVE_OK;
}

Result<Reservation *> Reservation::create(const cxipi_env &env, Kind kind,
					  unsigned base_virq, BitsView dest)
{
	cxipi_reserve_plan plan{};
	if (kind != Kind::per_cpu && kind != Kind::single)
		return Errc::invalid;
	if (base_virq == 0 ||
	    check_reservation(kind, dest, dest, plan) != CXIPI_RESERVE_OK)
		return Errc::invalid;
	unsigned last_virq = 0;
	if (__builtin_add_overflow(base_virq, plan.nr_virqs - 1, &last_virq))
		return Errc::out_of_range;

	Reservation *resv = CXIPI_TRY(create_with_tail<Reservation>(
		env, array_bytes(dest.word_count(), sizeof(Word))));
	resv->kind_ = kind;
	resv->base_ = base_virq;
	resv->nr_virqs_ = plan.nr_virqs;
	resv->offset_ = plan.offset;
	resv->nbits_ = dest.size();
	BitsSpan(resv->words(), dest.size()).copy_from(dest);
	return resv;
}

} // namespace cxipi

using cxipi::BitsView;
using cxipi::from_handle;
using cxipi::Kind;
using cxipi::Reservation;

extern "C" {

enum cxipi_reserve_check cxipi_reserve_check(enum cxipi_domain_kind kind,
					     const unsigned long *dest,
					     const unsigned long *possible,
					     unsigned int nbits,
					     struct cxipi_reserve_plan *plan)
{
	return cxipi::check_reservation(static_cast<Kind>(kind),
					BitsView(dest, nbits),
					BitsView(possible, nbits), *plan);
}

struct cxipi_resv *cxipi_resv_create(const struct cxipi_env *env,
				     enum cxipi_domain_kind kind,
				     unsigned int base_virq,
				     const unsigned long *dest,
				     unsigned int nbits)
{
	return cxipi::handle_or_null<cxipi_resv>(
		Reservation::create(*env, static_cast<Kind>(kind), base_virq,
				    BitsView(dest, nbits)));
}

void cxipi_resv_free(const struct cxipi_env *env, struct cxipi_resv *resv)
{
	if (resv)
		cxipi::destroy(*env, from_handle(resv));
}

size_t cxipi_resv_footprint(unsigned int nbits)
{
	return cxipi::bytes_with_tail<Reservation>(cxipi::array_bytes(
		cxipi::words_for(nbits), sizeof(cxipi::Word)));
}

enum cxipi_domain_kind cxipi_resv_kind(const struct cxipi_resv *resv)
{
	return static_cast<enum cxipi_domain_kind>(from_handle(resv)->kind());
}

unsigned int cxipi_resv_base(const struct cxipi_resv *resv)
{
	return from_handle(resv)->base();
}

unsigned int cxipi_resv_nr_virqs(const struct cxipi_resv *resv)
{
	return from_handle(resv)->nr_virqs();
}

const unsigned long *cxipi_resv_targets(const struct cxipi_resv *resv)
{
	return from_handle(resv)->target_words();
}

unsigned int cxipi_resv_virq_of(const struct cxipi_resv *resv, unsigned int cpu)
{
	return from_handle(resv)->virq_of(cpu);
}

unsigned int cxipi_resv_layout_virq(const struct cxipi_resv *resv,
				    unsigned int cpu)
{
	return from_handle(resv)->layout_virq(cpu);
}

void cxipi_resv_set_doorbells(struct cxipi_resv *resv, void *owner,
			      unsigned int hwirq_base)
{
	from_handle(resv)->set_doorbells(owner, hwirq_base);
}

void *cxipi_resv_doorbell_owner(const struct cxipi_resv *resv)
{
	return from_handle(resv)->doorbell_owner();
}

unsigned int cxipi_resv_layout_doorbell(const struct cxipi_resv *resv,
					unsigned int cpu)
{
	return from_handle(resv)->layout_doorbell(cpu);
}

void *cxipi_resv_doorbell_of(const struct cxipi_resv *resv, unsigned int cpu,
			     unsigned int *hwirq)
{
	return from_handle(resv)->doorbell_of(cpu, *hwirq);
}

void cxipi_resv_fan_out(
	const struct cxipi_resv *resv, const unsigned long *mask,
	void (*send)(void *ctx, unsigned int cpu, unsigned int virq), void *ctx)
{
	const Reservation *r = from_handle(resv);
	r->fan_out(BitsView(mask, r->targets().size()),
		   [&](unsigned cpu, unsigned virq) { send(ctx, cpu, virq); });
}

enum cxipi_send_via cxipi_route_single(bool chip_has_single, bool chip_has_mask)
{
	if (chip_has_single)
		return CXIPI_SEND_SINGLE;
	return chip_has_mask ? CXIPI_SEND_MASK : CXIPI_SEND_NONE;
}

enum cxipi_send_via cxipi_route_mask(bool chip_has_single, bool chip_has_mask)
{
	if (chip_has_mask)
		return CXIPI_SEND_MASK;
	return chip_has_single ? CXIPI_SEND_SINGLE : CXIPI_SEND_NONE;
}

int cxipi_resv_check_mask(const struct cxipi_resv *resv,
			  const unsigned long *mask)
{
	const Reservation *r = from_handle(resv);
	return r->covers(BitsView(mask, r->targets().size())) ? 0 :
								-CXIPI_EINVAL;
}

} // extern "C"
