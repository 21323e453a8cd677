/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cxipi's in-kernel API, for drivers built against cxipi.ko.
 *
 * The generic IPI functions are declared by <linux/irq.h> and
 * <linux/irqdomain.h> under their upstream names; on kernels that do not
 * build kernel/irq/ipi.c, cxipi exports them under those names too.  The
 * cxipi_ names below work on every kernel.
 */
#ifndef CXIPI_H
#define CXIPI_H

#include <linux/cpumask.h>
#include <linux/irqdomain.h>
#include <linux/types.h>

int cxipi_irq_reserve_ipi(struct irq_domain *domain,
			  const struct cpumask *dest);
int cxipi_irq_destroy_ipi(unsigned int irq, const struct cpumask *dest);
void cxipi_destroy_barrier(void);
irq_hw_number_t cxipi_ipi_get_hwirq(unsigned int irq, unsigned int cpu);
int cxipi___ipi_send_single(struct irq_desc *desc, unsigned int cpu);
int cxipi___ipi_send_mask(struct irq_desc *desc, const struct cpumask *dest);
int cxipi_ipi_send_single(unsigned int virq, unsigned int cpu);
int cxipi_ipi_send_mask(unsigned int virq, const struct cpumask *dest);

struct irq_domain *cxipi_domain_get(const char *name);
size_t cxipi_resv_bytes(unsigned int nr_virqs);

/* The coprocessor side of cxipi's provider domains. */
int cxipi_coproc_take(struct irq_domain *domain, unsigned int cpu,
		      irq_hw_number_t *hwirq);
int cxipi_coproc_ack(struct irq_domain *domain, unsigned int cpu,
		     irq_hw_number_t hwirq);
bool cxipi_coproc_pending(struct irq_domain *domain, unsigned int cpu,
			  irq_hw_number_t hwirq);
int cxipi_coproc_raise(struct irq_domain *domain, unsigned int cpu,
		       irq_hw_number_t hwirq);
unsigned long cxipi_bank_raised(struct irq_domain *domain, unsigned int cpu);

#endif /* CXIPI_H */
