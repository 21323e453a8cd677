// SPDX-License-Identifier: GPL-2.0
// The fixture of the doorbell tests: one set of banks per test, made with
// make() and destroyed (and checked for leaks) at teardown.
#ifndef CXIPI_TESTS_DOORBELLS_TEST_HPP
#define CXIPI_TESTS_DOORBELLS_TEST_HPP

#include <cxipi/core.h>

#include "drain_bank.hpp"
#include "test_env.hpp"

#include <gtest/gtest.h>

class DoorbellsTest : public EnvTest
{
protected:
	void TearDown() override
	{
		cxipi_doorbells_destroy(env(), bells_);
		EnvTest::TearDown();
	}

	void make(unsigned nr_cpus, unsigned nr_hwirqs)
	{
		bells_ = cxipi_doorbells_create(env(), nr_cpus, nr_hwirqs);
		ASSERT_NE(bells_, nullptr);
		nr_cpus_ = nr_cpus;
		nr_hwirqs_ = nr_hwirqs;
	}
	int raise(unsigned cpu, unsigned hwirq)
	{
		return cxipi_doorbells_raise(bells_, cpu, hwirq);
	}
	bool pending(unsigned cpu, unsigned hwirq)
	{
		return cxipi_doorbells_pending(bells_, cpu, hwirq);
	}

	cxipi_doorbells *bells_ = nullptr;
	unsigned nr_cpus_ = 0, nr_hwirqs_ = 0;
};

#endif // CXIPI_TESTS_DOORBELLS_TEST_HPP
