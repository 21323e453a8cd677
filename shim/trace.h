/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of cxipi, system "cxipi": the IPI API (reserve, destroy,
 * send) and the doorbells under it (raise, latch, deliver).  Enable them in
 * /sys/kernel/tracing/events/cxipi/ or with perf -e 'cxipi:*'.  shim/trace.c
 * creates them; other files include this header for the trace_cxipi_*
 * calls, which cost a static branch while the event is off.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM cxipi

#if !defined(_CXIPI_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CXIPI_TRACE_H

#include <linux/cpumask.h>
#include <linux/tracepoint.h>

#include "compat.h"
#include "cxipi_shim.h"

/*
 * clang-format cannot lay out the TRACE_EVENT() language; the events follow
 * checkpatch.  CPU masks are copied into the event and printed as lists.
 */
/* clang-format off */
TRACE_DEFINE_ENUM(CXIPI_RAISE_COALESCED);
TRACE_DEFINE_ENUM(CXIPI_RAISE_QUEUED);
TRACE_DEFINE_ENUM(CXIPI_RAISE_KICK);

/* A reservation made: @nr_virqs virqs from @virq, for @targets. */
TRACE_EVENT(cxipi_reserve,
	    TP_PROTO(const char *domain, unsigned int virq,
		     unsigned int nr_virqs, const struct cpumask *targets),
	    TP_ARGS(domain, virq, nr_virqs, targets),
	    TP_STRUCT__entry(__string(domain, domain)
			     __field(unsigned int, virq)
			     __field(unsigned int, nr_virqs)
			     __cpumask(targets)),
	    TP_fast_assign(cxipi_assign_str(domain, domain);
			   __entry->virq = virq;
			   __entry->nr_virqs = nr_virqs;
			   __assign_cpumask(targets, cpumask_bits(targets));),
	    TP_printk("domain=%s virq=%u nr_virqs=%u targets=%*pbl",
		      __get_str(domain), __entry->virq, __entry->nr_virqs,
		      __get_dynamic_array_len(targets) * 8,
		      __get_dynamic_array(targets))
);

/* CPUs removed from the reservation of @virq; @remaining targets are left. */
TRACE_EVENT(cxipi_destroy,
	    TP_PROTO(unsigned int virq, const struct cpumask *removed,
		     int remaining),
	    TP_ARGS(virq, removed, remaining),
	    TP_STRUCT__entry(__field(unsigned int, virq)
			     __cpumask(removed)
			     __field(int, remaining)),
	    TP_fast_assign(__entry->virq = virq;
			   __assign_cpumask(removed, cpumask_bits(removed));
			   __entry->remaining = remaining;),
	    TP_printk("virq=%u removed=%*pbl remaining=%d", __entry->virq,
		      __get_dynamic_array_len(removed) * 8,
		      __get_dynamic_array(removed), __entry->remaining)
);

/* ipi_send_single() and its variants, with what they returned. */
TRACE_EVENT(cxipi_send,
	    TP_PROTO(unsigned int virq, unsigned int cpu, int ret),
	    TP_ARGS(virq, cpu, ret),
	    TP_STRUCT__entry(__field(unsigned int, virq)
			     __field(unsigned int, cpu)
			     __field(int, ret)),
	    TP_fast_assign(__entry->virq = virq;
			   __entry->cpu = cpu;
			   __entry->ret = ret;),
	    TP_printk("virq=%u cpu=%u ret=%d", __entry->virq, __entry->cpu,
		      __entry->ret)
);

/*
 * ipi_send_mask() and its variants.  A NULL mask is the caller's bug: the
 * send fails, untraced.
 */
TRACE_EVENT_CONDITION(cxipi_send_mask,
		      TP_PROTO(unsigned int virq, const struct cpumask *dest,
			       int ret),
		      TP_ARGS(virq, dest, ret),
		      TP_CONDITION(dest),
		      TP_STRUCT__entry(__field(unsigned int, virq)
				       __cpumask(dest)
				       __field(int, ret)),
		      TP_fast_assign(__entry->virq = virq;
				     __assign_cpumask(dest, cpumask_bits(dest));
				     __entry->ret = ret;),
		      TP_printk("virq=%u cpus=%*pbl ret=%d", __entry->virq,
				__get_dynamic_array_len(dest) * 8,
				__get_dynamic_array(dest), __entry->ret)
);

/*
 * The doorbell events take the provider domain and read its name only when
 * the event is on: a disabled event costs its static branch alone.
 */

/* A doorbell raised at @cpu: coalesced, queued behind a kick, or a kick. */
TRACE_EVENT(cxipi_raise,
	    TP_PROTO(const struct cxipi_domain *dom, unsigned int cpu,
		     unsigned int hwirq, int result),
	    TP_ARGS(dom, cpu, hwirq, result),
	    TP_STRUCT__entry(__string(domain, dom->name)
			     __field(unsigned int, cpu)
			     __field(unsigned int, hwirq)
			     __field(int, result)),
	    TP_fast_assign(cxipi_assign_str(domain, dom->name);
			   __entry->cpu = cpu;
			   __entry->hwirq = hwirq;
			   __entry->result = result;),
	    TP_printk("domain=%s cpu=%u hwirq=%u result=%s", __get_str(domain),
		      __entry->cpu, __entry->hwirq,
		      __print_symbolic(__entry->result,
				       { CXIPI_RAISE_COALESCED, "coalesced" },
				       { CXIPI_RAISE_QUEUED, "queued" },
				       { CXIPI_RAISE_KICK, "kick" }))
);

/*
 * The CPUs a fan-out kicks with one batch of cross-CPU calls
 * (smp_call_function_many()), rather than one call each.
 */
TRACE_EVENT(cxipi_kick_batch,
	    TP_PROTO(const struct cxipi_domain *dom,
		     const struct cpumask *cpus),
	    TP_ARGS(dom, cpus),
	    TP_STRUCT__entry(__string(domain, dom->name)
			     __cpumask(cpus)),
	    TP_fast_assign(cxipi_assign_str(domain, dom->name);
			   __assign_cpumask(cpus, cpumask_bits(cpus));),
	    TP_printk("domain=%s cpus=%*pbl", __get_str(domain),
		      __get_dynamic_array_len(cpus) * 8,
		      __get_dynamic_array(cpus))
);

/* A doorbell handed to its virq's flow handler, on the CPU it rang. */
TRACE_EVENT(cxipi_deliver,
	    TP_PROTO(const struct cxipi_domain *dom, unsigned int hwirq),
	    TP_ARGS(dom, hwirq),
	    TP_STRUCT__entry(__string(domain, dom->name)
			     __field(unsigned int, cpu)
			     __field(unsigned int, hwirq)),
	    TP_fast_assign(cxipi_assign_str(domain, dom->name);
			   __entry->cpu = smp_processor_id();
			   __entry->hwirq = hwirq;),
	    TP_printk("domain=%s cpu=%u hwirq=%u", __get_str(domain),
		      __entry->cpu, __entry->hwirq)
);

/* A doorbell raised at a CPU that is not online: it stays latched. */
TRACE_EVENT(cxipi_latch,
	    TP_PROTO(const struct cxipi_domain *dom, unsigned int cpu,
		     unsigned int hwirq),
	    TP_ARGS(dom, cpu, hwirq),
	    TP_STRUCT__entry(__string(domain, dom->name)
			     __field(unsigned int, cpu)
			     __field(unsigned int, hwirq)),
	    TP_fast_assign(cxipi_assign_str(domain, dom->name);
			   __entry->cpu = cpu;
			   __entry->hwirq = hwirq;),
	    TP_printk("domain=%s cpu=%u hwirq=%u", __get_str(domain),
		      __entry->cpu, __entry->hwirq)
);
/* clang-format on */

#endif /* _CXIPI_TRACE_H */

/* Outside the guard: define_trace.h reads this header again. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
