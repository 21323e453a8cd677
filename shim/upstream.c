// SPDX-License-Identifier: GPL-2.0
/*
 * The generic IPI API under its upstream names, for kernels that do not
 * build kernel/irq/ipi.c (CONFIG_GENERIC_IRQ_IPI unset, as on x86), so that
 * a driver written for the upstream API links against cxipi.ko unchanged.
 * Where the kernel has its own, only the cxipi_ names exist.
 */
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/module.h>

#include "cxipi_shim.h"

#ifndef CONFIG_GENERIC_IRQ_IPI

/**
 * irq_reserve_ipi() - set up an IPI to a destination cpumask
 * @domain: IPI domain
 * @dest: CPUs that can receive the IPI
 *
 * See cxipi_irq_reserve_ipi().
 *
 * Return: the first virq, or -errno.
 */
int irq_reserve_ipi(struct irq_domain *domain, const struct cpumask *dest)
{
	return cxipi_irq_reserve_ipi(domain, dest);
}
EXPORT_SYMBOL_GPL(irq_reserve_ipi);

/**
 * irq_destroy_ipi() - remove CPUs from an IPI reservation
 * @irq: any virq of the reservation
 * @dest: CPUs which should have the IPI removed
 *
 * See cxipi_irq_destroy_ipi().
 *
 * Return: 0 or -errno.
 */
int irq_destroy_ipi(unsigned int irq, const struct cpumask *dest)
{
	return cxipi_irq_destroy_ipi(irq, dest);
}
EXPORT_SYMBOL_GPL(irq_destroy_ipi);

/**
 * ipi_get_hwirq() - the hwirq associated with an IPI to a CPU
 * @irq: any virq of a reservation
 * @cpu: the target CPU
 *
 * See cxipi_ipi_get_hwirq().
 *
 * Return: the hwirq, or INVALID_HWIRQ.
 */
irq_hw_number_t ipi_get_hwirq(unsigned int irq, unsigned int cpu)
{
	return cxipi_ipi_get_hwirq(irq, cpu);
}
EXPORT_SYMBOL_GPL(ipi_get_hwirq);

/**
 * __ipi_send_single() - send an IPI to one CPU, by descriptor
 * @desc: descriptor of any virq of a reservation
 * @cpu: destination CPU
 *
 * See cxipi___ipi_send_single().
 *
 * Return: 0 or -EINVAL.
 */
int __ipi_send_single(struct irq_desc *desc, unsigned int cpu)
{
	return cxipi___ipi_send_single(desc, cpu);
}
EXPORT_SYMBOL_GPL(__ipi_send_single);

/**
 * __ipi_send_mask() - send an IPI to several CPUs, by descriptor
 * @desc: descriptor of any virq of a reservation
 * @dest: destination CPUs
 *
 * See cxipi___ipi_send_mask().
 *
 * Return: 0 or -EINVAL.
 */
int __ipi_send_mask(struct irq_desc *desc, const struct cpumask *dest)
{
	return cxipi___ipi_send_mask(desc, dest);
}
EXPORT_SYMBOL_GPL(__ipi_send_mask);

/**
 * ipi_send_single() - send an IPI to one CPU
 * @virq: any virq of a reservation
 * @cpu: destination CPU
 *
 * See cxipi_ipi_send_single().
 *
 * Return: 0 or -EINVAL.
 */
int ipi_send_single(unsigned int virq, unsigned int cpu)
{
	return cxipi_ipi_send_single(virq, cpu);
}
EXPORT_SYMBOL_GPL(ipi_send_single);

/**
 * ipi_send_mask() - send an IPI to several CPUs
 * @virq: any virq of a reservation
 * @dest: destination CPUs
 *
 * See cxipi_ipi_send_mask().
 *
 * Return: 0 or -EINVAL.
 */
int ipi_send_mask(unsigned int virq, const struct cpumask *dest)
{
	return cxipi_ipi_send_mask(virq, dest);
}
EXPORT_SYMBOL_GPL(ipi_send_mask);

#endif /* CONFIG_GENERIC_IRQ_IPI */
