// SPDX-License-Identifier: GPL-2.0
/*
 * cxipi_client_kunit: cxipi_client's cases as the KUnit suite
 * "cxipi_client", built from the same case files where the kernel has
 * CONFIG_KUNIT.  KUnit runs the suite when the module loads; its KTAP goes
 * to the kernel log and to /sys/kernel/debug/kunit/cxipi_client/results.
 *
 * Each kunit_case runs the case of the same name through ccl_run_case(),
 * as the plain module does: a non-zero return is KUNIT_FAIL() (the "# ..."
 * lines before it say why), a skip is kunit_mark_skipped().  The list below
 * must name the table's cases in its order; suite init checks that it does.
 */
#include "client.h"

#include <kunit/test.h>
#include <linux/module.h>

static const struct ccl_case *ccl_find(const char *name)
{
	const struct ccl_case *c;

	for (c = ccl_next_case(NULL); c; c = ccl_next_case(c))
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void ccl_kunit_run(struct kunit *test)
{
	const struct ccl_case *c = ccl_find(test->name);
	const char *skip;
	int ret;

	if (!c) {
		KUNIT_FAIL(test, "no case %s in cxipi_client's table",
			   test->name);
		return;
	}
	ret = ccl_run_case(c, &skip);
	if (ret)
		KUNIT_FAIL(test, "%s returned %d (see the \"# %s:\" lines)",
			   c->name, ret, c->name);
	else if (skip)
		kunit_mark_skipped(test, "%s", skip);
}

#define CCL_KUNIT_CASE(fn)                                                     \
	{                                                                      \
		.run_case = ccl_kunit_run, .name = #fn                         \
	}

static struct kunit_case ccl_kunit_cases[] = {
	CCL_KUNIT_CASE(lookup),
	CCL_KUNIT_CASE(bad_virqs),
	CCL_KUNIT_CASE(reserve_args),
	CCL_KUNIT_CASE(percpu_sends),
	CCL_KUNIT_CASE(percpu_from_irq),
	CCL_KUNIT_CASE(percpu_mask_contexts),
	CCL_KUNIT_CASE(percpu_masked),
	CCL_KUNIT_CASE(percpu_partial_destroy),
	CCL_KUNIT_CASE(percpu_chip),
	CCL_KUNIT_CASE(single),
	CCL_KUNIT_CASE(single_exhaustion),
	CCL_KUNIT_CASE(fallbacks),
	CCL_KUNIT_CASE(coproc),
	CCL_KUNIT_CASE(race_send_destroy),
	CCL_KUNIT_CASE(race_destroy_destroy),
	CCL_KUNIT_CASE(kernel_api),
	{}
};

/* The list above and the table: the same cases in the same order. */
static int ccl_kunit_init(struct kunit_suite *suite)
{
	const struct kunit_case *k = ccl_kunit_cases;
	const struct ccl_case *c;

	for (c = ccl_next_case(NULL); c; c = ccl_next_case(c), k++) {
		if (!k->name || strcmp(k->name, c->name)) {
			pr_info("# the KUnit list has %s where the table has %s\n",
				k->name ?: "nothing", c->name);
			return -EINVAL;
		}
	}
	if (k->name) {
		pr_info("# the KUnit list has %s, the table does not\n",
			k->name);
		return -EINVAL;
	}
	return 0;
}

static struct kunit_suite ccl_kunit_suite = {
	.name = "cxipi_client",
	.suite_init = ccl_kunit_init,
	.test_cases = ccl_kunit_cases,
};

kunit_test_suite(ccl_kunit_suite);

MODULE_DESCRIPTION("cxipi_client's cases as a KUnit suite");
MODULE_AUTHOR("The cxipi developers");
MODULE_LICENSE("GPL");
