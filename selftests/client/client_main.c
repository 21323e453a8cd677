// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_client: a test-only in-kernel client of the generic IPI API.
 *
 * Loading it runs every case of the table (client.h, client_lib.c): the
 * generic IPI API under its upstream names (irq_reserve_ipi(),
 * ipi_send_single(), ...), as a driver written for kernel/irq/ipi.c calls
 * it, against cxipi's provider domains and against provider domains of its
 * own.  From cxipi.h it uses only cxipi_domain_get(), the coprocessor
 * endpoints and the doorbell counters.
 *
 * The plan comes first ("cxipi_client: 1..N", N from the table); each
 * case logs one TAP line, "cxipi_client: ok N - name: description" or
 * "not ok", after "# name: ..." lines that say what went wrong.
 * selftests/client_test.sh turns them into a TAP stream.  Each case frees
 * what it made before it returns; when any case failed, init returns
 * -EINVAL after every case ran, so that the load fails (unless a case had
 * to keep a test domain, which pins the module).
 *
 * The cases need CPUs 0-3 online (the VM boots -smp 4,maxcpus=8), and a
 * CPU that is possible but not online for the coprocessor case.
 */
#include "client.h"

#include <linux/module.h>

static int __init ccl_init(void)
{
	unsigned int n = 0, passed = 0, failed = 0, skipped = 0;
	const struct ccl_case *c;
	const char *skip;

	pr_info("1..%u\n", ccl_nr_cases());
	for (c = ccl_next_case(NULL); c; c = ccl_next_case(c)) {
		n++;
		if (ccl_run_case(c, &skip)) {
			failed++;
			pr_info("not ok %u - %s: %s\n", n, c->name, c->desc);
		} else if (skip) {
			skipped++;
			pr_info("ok %u - %s: %s # SKIP %s\n", n, c->name,
				c->desc, skip);
		} else {
			passed++;
			pr_info("ok %u - %s: %s\n", n, c->name, c->desc);
		}
	}
	pr_info("# done: %u passed, %u failed, %u skipped\n", passed, failed,
		skipped);
	if (!failed)
		return 0;
	if (ccl_pinned) {
		pr_info("# a test domain still has virqs: staying loaded\n");
		return 0;
	}
	return -EINVAL;
}

static void __exit ccl_exit(void) {}

module_init(ccl_init);
module_exit(ccl_exit);

MODULE_DESCRIPTION("Test-only in-kernel client of cxipi's generic IPI API");
MODULE_AUTHOR("The cxipi developers");
MODULE_LICENSE("GPL");
