// SPDX-License-Identifier: GPL-2.0
// The books of the doorbell banks: each raise is counted, and each pending
// doorbell that goes is counted once, as delivered, taken or dropped, so
// that raised == coalesced + delivered + taken + dropped + pending.  Alone,
// then under concurrent raisers, drainers, a coprocessor endpoint and
// resets, where the books must also match what the threads saw.
#include <cxipi/core.h>

#include "doorbells_test.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <climits>
#include <random>
#include <thread>
#include <vector>

namespace
{

using Stats = cxipi_doorbell_stats;

class DoorbellStats : public DoorbellsTest
{
protected:
	Stats stats(unsigned cpu)
	{
		Stats s;
		EXPECT_EQ(cxipi_doorbells_stats(bells_, cpu, &s), 0);
		return s;
	}
	unsigned drain(unsigned cpu)
	{
		return drain_bank(
			bells_, cpu, [](void *, unsigned) {}, nullptr);
	}
	static void expect_balanced(const Stats &s)
	{
		EXPECT_EQ(s.raised, s.coalesced + s.delivered + s.taken +
					    s.dropped + s.pending)
			<< "raised " << s.raised << " coalesced " << s.coalesced
			<< " delivered " << s.delivered << " taken " << s.taken
			<< " dropped " << s.dropped << " pending " << s.pending;
	}
};

// The fields of a Stats, for comparing two of them in one line.
std::vector<unsigned long> fields(const Stats &s)
{
	return { s.raised, s.coalesced, s.delivered,
		 s.taken,  s.dropped,	s.pending };
}

using Fields = std::vector<unsigned long>;

} // namespace

// ---- one at a time
// ------------------------------------------------------------

TEST_F(DoorbellStats, NewBanksHaveEmptyBooks)
{
	make(3, 130);
	for (unsigned c = 0; c < 3; c++)
		EXPECT_EQ(fields(stats(c)), (Fields{ 0, 0, 0, 0, 0, 0 }));
}

TEST_F(DoorbellStats, StatsOfABadCpuIsEinvalAndWritesNothing)
{
	make(2, 16);
	Stats s = { 1, 2, 3, 4, 5, 6 };
	EXPECT_EQ(cxipi_doorbells_stats(bells_, 2, &s), -CXIPI_EINVAL);
	EXPECT_EQ(cxipi_doorbells_stats(bells_, UINT_MAX, &s), -CXIPI_EINVAL);
	EXPECT_EQ(fields(s), (Fields{ 1, 2, 3, 4, 5, 6 }));
}

TEST_F(DoorbellStats, RaisesCountAndASecondRaiseOfAPendingDoorbellCoalesces)
{
	make(2, 100);
	cxipi_doorbells_raise(bells_, 1, 3);
	cxipi_doorbells_raise(bells_, 1, 70);
	cxipi_doorbells_raise(bells_, 1, 3);
	cxipi_doorbells_raise(bells_, 1, 3);
	EXPECT_EQ(fields(stats(1)), (Fields{ 4, 2, 0, 0, 0, 2 }));
	EXPECT_EQ(fields(stats(0)), (Fields{ 0, 0, 0, 0, 0, 0 }));
}

TEST_F(DoorbellStats, OutOfRangeRaisesAreNotCounted)
{
	make(2, 16);
	EXPECT_EQ(cxipi_doorbells_raise(bells_, 2, 0), -CXIPI_EINVAL);
	EXPECT_EQ(cxipi_doorbells_raise(bells_, 0, 16), -CXIPI_EINVAL);
	EXPECT_EQ(cxipi_doorbells_raise(bells_, UINT_MAX, UINT_MAX),
		  -CXIPI_EINVAL);
	EXPECT_EQ(fields(stats(0)), (Fields{ 0, 0, 0, 0, 0, 0 }));
	EXPECT_EQ(fields(stats(1)), (Fields{ 0, 0, 0, 0, 0, 0 }));
}

TEST_F(DoorbellStats, DrainCountsWhatItDeliversAndNotWhatStaysMasked)
{
	make(1, 200);
	for (unsigned h : { 0u, 63u, 64u, 150u, 199u })
		cxipi_doorbells_raise(bells_, 0, h);
	cxipi_doorbells_mask(bells_, 64);
	EXPECT_EQ(drain(0), 4u);
	EXPECT_EQ(fields(stats(0)), (Fields{ 5, 0, 4, 0, 0, 1 }));
	EXPECT_EQ(drain(0), 0u);
	EXPECT_EQ(stats(0).delivered, 4u);
	cxipi_doorbells_unmask(
		bells_, 64, [](void *, unsigned) {}, nullptr);
	EXPECT_EQ(drain(0), 1u);
	EXPECT_EQ(fields(stats(0)), (Fields{ 5, 0, 5, 0, 0, 0 }));
}

TEST_F(DoorbellStats, TakeAndAckCountAsTakenOnlyWhenSomethingWasPending)
{
	make(2, 80);
	unsigned hwirq = 0;
	cxipi_doorbells_raise(bells_, 1, 5);
	cxipi_doorbells_raise(bells_, 1, 77);
	EXPECT_EQ(cxipi_doorbells_take(bells_, 1, &hwirq), 1);
	EXPECT_EQ(hwirq, 5u);
	EXPECT_EQ(cxipi_doorbells_ack(bells_, 1, 5), 0); // already taken
	EXPECT_EQ(cxipi_doorbells_ack(bells_, 1, 77), 1);
	EXPECT_EQ(cxipi_doorbells_take(bells_, 1, &hwirq), 0);
	EXPECT_EQ(cxipi_doorbells_ack(bells_, 1, 80), -CXIPI_EINVAL);
	EXPECT_EQ(cxipi_doorbells_take(bells_, 2, &hwirq), -CXIPI_EINVAL);
	EXPECT_EQ(fields(stats(1)), (Fields{ 2, 0, 0, 2, 0, 0 }));
}

TEST_F(DoorbellStats, ResetDropsWhatIsPendingOnEachCpuAndNothingElse)
{
	make(3, 70);
	cxipi_doorbells_raise(bells_, 0, 66);
	cxipi_doorbells_raise(bells_, 2, 66);
	cxipi_doorbells_raise(bells_, 2, 65);
	cxipi_doorbells_reset(bells_, 66);
	cxipi_doorbells_reset(bells_, 66); // nothing left to drop
	cxipi_doorbells_reset(bells_, 1); // never raised
	cxipi_doorbells_reset(bells_, 70); // out of range: ignored
	EXPECT_EQ(fields(stats(0)), (Fields{ 1, 0, 0, 0, 1, 0 }));
	EXPECT_EQ(fields(stats(1)), (Fields{ 0, 0, 0, 0, 0, 0 }));
	EXPECT_EQ(fields(stats(2)), (Fields{ 2, 0, 0, 0, 1, 1 }));
}

TEST_F(DoorbellStats, DropClearsOneCpuOnlyAndCountsWhatWasPending)
{
	make(3, 70);
	cxipi_doorbells_raise(bells_, 0, 66);
	cxipi_doorbells_raise(bells_, 1, 66);
	cxipi_doorbells_raise(bells_, 2, 66);
	cxipi_doorbells_raise(bells_, 2, 65);
	cxipi_doorbells_drop(bells_, 2, 66);
	EXPECT_FALSE(cxipi_doorbells_pending(bells_, 2, 66));
	EXPECT_TRUE(cxipi_doorbells_pending(bells_, 2, 65));
	EXPECT_TRUE(cxipi_doorbells_pending(bells_, 0, 66));
	EXPECT_TRUE(cxipi_doorbells_pending(bells_, 1, 66));
	cxipi_doorbells_drop(bells_, 2, 66); // nothing left to drop
	cxipi_doorbells_drop(bells_, 1, 3); // never raised
	cxipi_doorbells_drop(bells_, 3, 66); // out of range: ignored
	cxipi_doorbells_drop(bells_, 0, 70);
	cxipi_doorbells_drop(bells_, UINT_MAX, 66);
	cxipi_doorbells_drop(bells_, 0, UINT_MAX);
	EXPECT_EQ(fields(stats(0)), (Fields{ 1, 0, 0, 0, 0, 1 }));
	EXPECT_EQ(fields(stats(1)), (Fields{ 1, 0, 0, 0, 0, 1 }));
	EXPECT_EQ(fields(stats(2)), (Fields{ 2, 0, 0, 0, 1, 1 }));
	EXPECT_EQ(drain(0), 1u);
	EXPECT_EQ(drain(2), 1u); // 65 only
	EXPECT_EQ(fields(stats(2)), (Fields{ 2, 0, 1, 0, 1, 0 }));
}

TEST_F(DoorbellStats, DropLeavesTheMaskAndTheLastDrainingCpuAlone)
{
	make(2, 8);
	cxipi_doorbells_raise(bells_, 1, 5);
	EXPECT_EQ(drain(1), 1u);
	ASSERT_EQ(cxipi_doorbells_last_cpu(bells_, 5), 1);
	cxipi_doorbells_mask(bells_, 5);
	cxipi_doorbells_raise(bells_, 0, 5);
	cxipi_doorbells_raise(bells_, 1, 5);
	cxipi_doorbells_drop(bells_, 0, 5);
	EXPECT_EQ(cxipi_doorbells_last_cpu(bells_, 5), 1);
	// Still masked: a new raise at CPU 0 latches, and drains leave it.
	cxipi_doorbells_raise(bells_, 0, 5);
	EXPECT_EQ(drain(0), 0u);
	EXPECT_EQ(drain(1), 0u);
	EXPECT_TRUE(cxipi_doorbells_pending(bells_, 0, 5));
	EXPECT_TRUE(cxipi_doorbells_pending(bells_, 1, 5));
	EXPECT_EQ(fields(stats(0)), (Fields{ 2, 0, 0, 0, 1, 1 }));
	EXPECT_EQ(fields(stats(1)), (Fields{ 2, 0, 1, 0, 0, 1 }));
}

TEST_F(DoorbellStats, DropDoesNotCancelAKickUnderWay)
{
	// The kick in flight still comes and drains: a raise after the
	// drop queues behind it instead of kicking twice.
	make(1, 8);
	EXPECT_EQ(cxipi_doorbells_raise(bells_, 0, 3), CXIPI_RAISE_KICK);
	cxipi_doorbells_drop(bells_, 0, 3);
	EXPECT_EQ(cxipi_doorbells_raise(bells_, 0, 3), CXIPI_RAISE_QUEUED);
	EXPECT_EQ(drain(0), 1u);
	EXPECT_EQ(fields(stats(0)), (Fields{ 2, 0, 1, 0, 1, 0 }));
	EXPECT_EQ(cxipi_doorbells_raise(bells_, 0, 3), CXIPI_RAISE_KICK);
}

TEST_F(DoorbellStats, ConcurrentDropsDrainsAndTakesConsumeEachDoorbellOnce)
{
	// CPU 0 is drained, CPU 1 taken; both are dropped from at once.
	// Each doorbell is cleared once, by one of them, and counted there.
	make(2, 70);
	constexpr unsigned kRaises = 50000;
	std::atomic<bool> stop{ false };
	std::atomic<unsigned long> set{ 0 };
	// (The consumers yield, so that doorbells stay pending a while.)
	std::thread drainer([&] {
		while (!stop.load()) {
			drain(0);
			std::this_thread::yield();
		}
	});
	std::thread taker([&] {
		unsigned h;
		while (!stop.load()) {
			cxipi_doorbells_take(bells_, 1, &h);
			std::this_thread::yield();
		}
	});
	std::atomic<unsigned long> drops{ 0 };
	std::thread dropper([&] {
		std::mt19937 rng(11);
		while (!stop.load()) {
			cxipi_doorbells_drop(bells_, rng() % 2, rng() % 4 + 62);
			drops++;
		}
	});
	// Raise until a drop has found a doorbell pending, too: threads start
	// late, and on a loaded machine the consumers may win every race for
	// a long while.  (The books are read while they move; only whether a
	// drop counted matters here.)
	std::mt19937 rng(12);
	unsigned long raises = 0;
	bool dropped_seen = false;
	for (; raises < kRaises || ((drops.load() < 10000 || !dropped_seen) &&
				    raises < 1000 * kRaises);
	     raises++) {
		if (raises % 1024 == 0)
			dropped_seen = stats(0).dropped + stats(1).dropped > 0;
		if (cxipi_doorbells_raise(bells_, rng() % 2, rng() % 4 + 62) !=
		    CXIPI_RAISE_COALESCED)
			set++;
	}
	stop.store(true);
	drainer.join();
	taker.join();
	dropper.join();
	unsigned long consumed = 0, raised = 0, coalesced = 0, dropped = 0;
	for (unsigned c = 0; c < 2; c++) {
		const Stats s = stats(c);
		expect_balanced(s);
		raised += s.raised;
		coalesced += s.coalesced;
		dropped += s.dropped;
		consumed += s.delivered + s.taken + s.dropped + s.pending;
	}
	EXPECT_EQ(raised, raises);
	EXPECT_EQ(coalesced, raises - set.load());
	EXPECT_EQ(consumed, set.load());
	EXPECT_GT(dropped, 0u);
}

TEST_F(DoorbellStats, CountersDoNotDisturbThePendingBitsOfAWideBank)
{
	// 1000 hwirqs: the pending words of a bank span several lines.
	make(2, 1000);
	for (unsigned h = 0; h < 1000; h += 7)
		cxipi_doorbells_raise(bells_, 1, h);
	Stats s = stats(1);
	EXPECT_EQ(s.raised, 143u);
	EXPECT_EQ(s.pending, 143u);
	for (unsigned h = 0; h < 1000; h++)
		EXPECT_EQ(cxipi_doorbells_pending(bells_, 1, h), h % 7 == 0);
	EXPECT_EQ(drain(1), 143u);
	EXPECT_EQ(fields(stats(1)), (Fields{ 143, 0, 143, 0, 0, 0 }));
	EXPECT_EQ(fields(stats(0)), (Fields{ 0, 0, 0, 0, 0, 0 }));
}

TEST_F(DoorbellStats, EveryMixOfOperationsKeepsTheBooksBalanced)
{
	make(2, 130);
	std::mt19937 rng(7);
	unsigned hwirq;
	for (unsigned i = 0; i < 20000; i++) {
		const unsigned cpu = rng() % 2, h = rng() % 130;
		switch (rng() % 8) {
		case 0:
			drain(cpu);
			break;
		case 1:
			cxipi_doorbells_take(bells_, cpu, &hwirq);
			break;
		case 2:
			cxipi_doorbells_ack(bells_, cpu, h);
			break;
		case 3:
			if (rng() % 8 == 0)
				cxipi_doorbells_reset(bells_, h);
			break;
		case 4:
			cxipi_doorbells_mask(bells_, h);
			break;
		case 5:
			cxipi_doorbells_unmask(
				bells_, h, [](void *, unsigned) {}, nullptr);
			break;
		default:
			cxipi_doorbells_raise(bells_, cpu, h);
		}
		if (i % 1000 == 0)
			for (unsigned c = 0; c < 2; c++)
				expect_balanced(stats(c));
	}
	for (unsigned c = 0; c < 2; c++)
		expect_balanced(stats(c));
}

// ---- concurrently
// -------------------------------------------------------------- Raisers on
// every CPU; a drainer per Linux CPU (0-2); CPU 3 is a coprocessor whose
// endpoint takes and acknowledges; a resetter clears a hwirq everywhere and
// unmasks it, as the shim does when a virq comes. Each thread tallies what it
// did from the return values it got; at the end the books must equal those
// tallies, and balance.

namespace
{

constexpr unsigned kCpus = 4;
constexpr unsigned kCoproc = 3;
constexpr unsigned kHwirqs = 70;
constexpr unsigned kRaisers = 3;
constexpr unsigned kRaisesEach = 100000;

struct PerCpu {
	unsigned long raised[kCpus] = {};
	unsigned long coalesced[kCpus] = {};
};

} // namespace

TEST_F(DoorbellStats, ConcurrentRaisesDrainsTakesAndResetsBalanceTheBooks)
{
	make(kCpus, kHwirqs);
	PerCpu raisers_saw[kRaisers];
	std::atomic<unsigned long> delivered[kCpus] = {};
	std::atomic<unsigned long> taken{ 0 };
	std::atomic<unsigned> raisers_left{ kRaisers };

	struct DrainCount {
		std::atomic<unsigned long> *n;
		static void deliver(void *ctx, unsigned)
		{
			static_cast<DrainCount *>(ctx)->n->fetch_add(
				1, std::memory_order_relaxed);
		}
	};

	std::vector<std::thread> threads;
	for (unsigned r = 0; r < kRaisers; r++)
		threads.emplace_back([&, r] {
			std::mt19937 rng(100 + r);
			for (unsigned i = 0; i < kRaisesEach; i++) {
				// Few hwirqs, so that raises coalesce too.
				const unsigned cpu = rng() % kCpus,
					       h = rng() % 8 * 9;
				const int got =
					cxipi_doorbells_raise(bells_, cpu, h);
				EXPECT_GE(got, 0);
				raisers_saw[r].raised[cpu]++;
				if (got == CXIPI_RAISE_COALESCED)
					raisers_saw[r].coalesced[cpu]++;
			}
			raisers_left.fetch_sub(1, std::memory_order_release);
		});
	for (unsigned c = 0; c < kCpus; c++) {
		if (c == kCoproc)
			continue;
		threads.emplace_back([&, c] {
			DrainCount count{ &delivered[c] };
			while (raisers_left.load(std::memory_order_acquire))
				if (!drain_bank(bells_, c,
							   DrainCount::deliver,
							   &count))
					std::this_thread::yield();
		});
	}
	threads.emplace_back([&] {
		std::mt19937 rng(3);
		unsigned hwirq;
		while (raisers_left.load(std::memory_order_acquire)) {
			const int got =
				rng() % 2 ?
					cxipi_doorbells_take(bells_, kCoproc,
							     &hwirq) :
					cxipi_doorbells_ack(bells_, kCoproc,
							    rng() % 8 * 9);
			EXPECT_GE(got, 0);
			if (got > 0)
				taken.fetch_add(got, std::memory_order_relaxed);
		}
	});
	threads.emplace_back([&] {
		std::mt19937 rng(4);
		while (raisers_left.load(std::memory_order_acquire)) {
			// As a virq comes: reset, then request_irq() unmasks.
			const unsigned h = rng() % 8 * 9;
			cxipi_doorbells_reset(bells_, h);
			cxipi_doorbells_unmask(
				bells_, h, [](void *, unsigned) {}, nullptr);
			std::this_thread::yield();
		}
	});
	for (auto &t : threads)
		t.join();

	for (unsigned c = 0; c < kCpus; c++) {
		SCOPED_TRACE(testing::Message() << "CPU " << c);
		unsigned long raised = 0, coalesced = 0;
		for (auto &saw : raisers_saw) {
			raised += saw.raised[c];
			coalesced += saw.coalesced[c];
		}
		const Stats s = stats(c);
		EXPECT_EQ(s.raised, raised);
		EXPECT_EQ(s.coalesced, coalesced);
		EXPECT_EQ(s.delivered, delivered[c].load());
		EXPECT_EQ(s.taken, c == kCoproc ? taken.load() : 0);
		expect_balanced(s);
	}
	// A reset masks until its unmask: raises of that window may still be
	// latched.  Unmask and drain them: balanced, with nothing pending.
	for (unsigned h = 0; h < kHwirqs; h++)
		cxipi_doorbells_unmask(
			bells_, h, [](void *, unsigned) {}, nullptr);
	for (unsigned c = 0; c < kCpus; c++) {
		if (c == kCoproc) {
			unsigned hwirq;
			while (cxipi_doorbells_take(bells_, c, &hwirq) == 1)
				;
		} else {
			drain(c);
		}
		const Stats s = stats(c);
		EXPECT_EQ(s.pending, 0u) << "CPU " << c;
		expect_balanced(s);
	}
	// Whether the resets above found something pending is up to the
	// scheduler; here one surely does, on every CPU.
	for (unsigned c = 0; c < kCpus; c++)
		cxipi_doorbells_raise(bells_, c, 1);
	cxipi_doorbells_reset(bells_, 1);
	for (unsigned c = 0; c < kCpus; c++) {
		const Stats s = stats(c);
		EXPECT_GT(s.dropped, 0u) << "CPU " << c;
		EXPECT_EQ(s.pending, 0u) << "CPU " << c;
		expect_balanced(s);
	}
}
