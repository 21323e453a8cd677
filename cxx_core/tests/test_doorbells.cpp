// SPDX-License-Identifier: GPL-2.0
// Doorbell banks: raise/drain protocol, coalescing, and no lost or doubled
// delivery under concurrent raisers and drainers.
#include <cxipi/core.h>

#include "doorbells_test.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <climits>
#include <functional>
#include <random>
#include <thread>
#include <vector>

namespace
{

// Records what a drain delivers, in order.
struct Sink {
	std::vector<unsigned> got;
	static void deliver(void *ctx, unsigned hwirq)
	{
		static_cast<Sink *>(ctx)->got.push_back(hwirq);
	}
};

class Doorbells : public DoorbellsTest
{
protected:
	std::vector<unsigned> drain(unsigned cpu)
	{
		Sink sink;
		const unsigned n = drain_bank(bells_, cpu,
							 Sink::deliver, &sink);
		EXPECT_EQ(n, sink.got.size());
		return sink.got;
	}
	unsigned pending_count()
	{
		unsigned n = 0;
		for (unsigned c = 0; c < nr_cpus_; c++)
			for (unsigned h = 0; h < nr_hwirqs_; h++)
				n += pending(c, h);
		return n;
	}
};

using Order = std::vector<unsigned>;

} // namespace

// ---- creation ---------------------------------------------------------------

TEST_F(Doorbells, CreateRejectsZeroCpusOrZeroHwirqs)
{
	EXPECT_EQ(cxipi_doorbells_create(env(), 0, 8), nullptr);
	EXPECT_EQ(cxipi_doorbells_create(env(), 4, 0), nullptr);
	EXPECT_EQ(test_env::live(), 0);
}

TEST_F(Doorbells, CreateFailsCleanlyWhenOutOfMemory)
{
	test_env::fail_nth(1);
	EXPECT_EQ(cxipi_doorbells_create(env(), 4, 64), nullptr);
	EXPECT_EQ(test_env::failures(), 1);
	EXPECT_EQ(test_env::live(), 0);
}

TEST_F(Doorbells, DestroyOfNullIsANoOp)
{
	cxipi_doorbells_destroy(env(), nullptr);
	EXPECT_EQ(test_env::live(), 0);
}

TEST_F(Doorbells, NewBanksHaveNothingPending)
{
	make(4, 130);
	EXPECT_EQ(pending_count(), 0u);
	EXPECT_TRUE(drain(0).empty());
	EXPECT_TRUE(drain(3).empty());
}

// ---- raise
// --------------------------------------------------------------------

TEST_F(Doorbells, RaiseKicksThenQueuesAnotherThenCoalescesTheSame)
{
	make(2, 16);
	EXPECT_EQ(raise(0, 3), CXIPI_RAISE_KICK);
	EXPECT_EQ(raise(0, 5), CXIPI_RAISE_QUEUED);
	EXPECT_EQ(raise(0, 3), CXIPI_RAISE_COALESCED);
	EXPECT_EQ(raise(0, 5), CXIPI_RAISE_COALESCED);
	EXPECT_EQ(raise(0, 6), CXIPI_RAISE_QUEUED);
}

// ---- claim_kick and cancel_kick: the shim's own kicks
// -------------------------------------

TEST_F(Doorbells, ClaimKickTakesTheKickOnceAndCancelKickGivesItBack)
{
	make(2, 16);
	EXPECT_TRUE(cxipi_doorbells_claim_kick(bells_, 1));
	EXPECT_FALSE(cxipi_doorbells_claim_kick(bells_, 1));
	// A raise while a kick is claimed: it is already under way.
	EXPECT_EQ(raise(1, 3), CXIPI_RAISE_QUEUED);
	cxipi_doorbells_cancel_kick(bells_, 1);
	// Given back (the kick was not sent): the bit stays latched, and the
	// next raise of another doorbell kicks.
	EXPECT_TRUE(pending(1, 3));
	EXPECT_EQ(raise(1, 4), CXIPI_RAISE_KICK);
	EXPECT_FALSE(cxipi_doorbells_claim_kick(bells_, 1));
	// CPU 0's word is its own.
	EXPECT_TRUE(cxipi_doorbells_claim_kick(bells_, 0));
}

TEST_F(Doorbells, ClaimKickAndCancelKickIgnoreCpusOutOfRange)
{
	make(2, 16);
	EXPECT_FALSE(cxipi_doorbells_claim_kick(bells_, 2));
	cxipi_doorbells_cancel_kick(bells_, 2);
	EXPECT_EQ(raise(0, 1), CXIPI_RAISE_KICK);
	EXPECT_EQ(raise(1, 1), CXIPI_RAISE_KICK);
}

TEST_F(Doorbells, ADrainEndsTheKickThatClaimKickClaimed)
{
	make(1, 16);
	EXPECT_TRUE(cxipi_doorbells_claim_kick(bells_, 0));
	EXPECT_TRUE(drain(0).empty());
	EXPECT_TRUE(cxipi_doorbells_claim_kick(bells_, 0));
}

TEST_F(Doorbells, PendingReflectsRaiseAndDrain)
{
	make(2, 100);
	EXPECT_FALSE(pending(1, 70));
	raise(1, 70);
	EXPECT_TRUE(pending(1, 70));
	EXPECT_FALSE(pending(1, 69));
	EXPECT_FALSE(pending(1, 71));
	EXPECT_FALSE(pending(0, 70));
	EXPECT_EQ(pending_count(), 1u);
	drain(1);
	EXPECT_FALSE(pending(1, 70));
	EXPECT_EQ(pending_count(), 0u);
}

TEST_F(Doorbells, OutOfRangeArgumentsAreEinvalAndChangeNothing)
{
	make(2, 16);
	EXPECT_EQ(raise(2, 0), -CXIPI_EINVAL);
	EXPECT_EQ(raise(0, 16), -CXIPI_EINVAL);
	EXPECT_EQ(raise(UINT_MAX, 0), -CXIPI_EINVAL);
	EXPECT_EQ(raise(0, UINT_MAX), -CXIPI_EINVAL);
	EXPECT_EQ(pending_count(), 0u);
	EXPECT_FALSE(pending(2, 0));
	EXPECT_FALSE(pending(0, 16));
	// An invalid raise must not have claimed a kick.
	EXPECT_EQ(raise(0, 0), CXIPI_RAISE_KICK);
	EXPECT_EQ(raise(1, 15), CXIPI_RAISE_KICK);
}

TEST_F(Doorbells, DrainOfOutOfRangeCpuDeliversNothing)
{
	make(2, 16);
	raise(0, 1);
	raise(1, 1);
	EXPECT_TRUE(drain(2).empty());
	EXPECT_TRUE(drain(UINT_MAX).empty());
	EXPECT_EQ(pending_count(), 2u);
}

// ---- drain
// ----------------------------------------------------------------------

TEST_F(Doorbells, DrainDeliversEachPendingHwirqOnceLowestFirst)
{
	make(1, 200);
	for (unsigned h : { 70u, 3u, 199u, 64u, 5u, 63u, 128u })
		ASSERT_GE(raise(0, h), 0);
	raise(0, 70); // coalesced: still one delivery
	EXPECT_EQ(drain(0), (Order{ 3, 5, 63, 64, 70, 128, 199 }));
	EXPECT_TRUE(drain(0).empty());
	EXPECT_EQ(pending_count(), 0u);
}

TEST_F(Doorbells, DrainOfEveryHwirqDeliversThemAllInOrder)
{
	make(1, 257);
	for (unsigned h = 257; h-- > 0;)
		raise(0, h);
	Order want;
	for (unsigned h = 0; h < 257; h++)
		want.push_back(h);
	EXPECT_EQ(drain(0), want);
}

TEST_F(Doorbells, DrainPassesTheContextThrough)
{
	make(1, 8);
	raise(0, 2);
	struct Ctx {
		int magic;
		unsigned seen;
	} ctx = { 0x5a5a, 99 };
	const unsigned n = drain_bank(
		bells_, 0,
		[](void *c, unsigned hwirq) {
			auto *p = static_cast<Ctx *>(c);
			EXPECT_EQ(p->magic, 0x5a5a);
			p->seen = hwirq;
		},
		&ctx);
	EXPECT_EQ(n, 1u);
	EXPECT_EQ(ctx.seen, 2u);
}

TEST_F(Doorbells, DrainEndsTheKickInFlightSoTheNextRaiseKicks)
{
	make(1, 16);
	EXPECT_EQ(raise(0, 4), CXIPI_RAISE_KICK);
	EXPECT_EQ(drain(0), Order{ 4 });
	EXPECT_EQ(raise(0, 4), CXIPI_RAISE_KICK); // same hwirq again
	EXPECT_EQ(raise(0, 9), CXIPI_RAISE_QUEUED);
	EXPECT_EQ(drain(0), (Order{ 4, 9 }));
	EXPECT_EQ(raise(0, 9), CXIPI_RAISE_KICK); // and another one
}

TEST_F(Doorbells, EmptyDrainAfterAKickEndsItToo)
{
	make(1, 16);
	EXPECT_EQ(raise(0, 1), CXIPI_RAISE_KICK);
	EXPECT_EQ(drain(0), Order{ 1 });
	EXPECT_TRUE(drain(0).empty());
	EXPECT_EQ(raise(0, 1), CXIPI_RAISE_KICK);
}

// ---- banks
// ------------------------------------------------------------------------

TEST_F(Doorbells, BanksOfDifferentCpusAreIndependent)
{
	make(3, 100);
	EXPECT_EQ(raise(0, 3), CXIPI_RAISE_KICK);
	EXPECT_EQ(raise(1, 3), CXIPI_RAISE_KICK); // not QUEUED, not COALESCED
	EXPECT_EQ(raise(2, 99), CXIPI_RAISE_KICK);
	EXPECT_EQ(raise(1, 4), CXIPI_RAISE_QUEUED);
	EXPECT_EQ(drain(0), Order{ 3 });
	EXPECT_TRUE(pending(1, 3));
	EXPECT_TRUE(pending(1, 4));
	EXPECT_TRUE(pending(2, 99));
	EXPECT_EQ(raise(1, 5), CXIPI_RAISE_QUEUED); // cpu 1's kick in flight
	EXPECT_EQ(raise(0, 5), CXIPI_RAISE_KICK);
	EXPECT_EQ(drain(2), Order{ 99 });
	EXPECT_EQ(drain(1), (Order{ 3, 4, 5 }));
	EXPECT_EQ(drain(0), Order{ 5 });
}

TEST_F(Doorbells, HighestHwirqOfOneCpuDoesNotAliasTheNextCpu)
{
	// 447 hwirqs: in_flight word + 7 pending words = exactly one cache line
	// per bank; 448 spills into a second line.
	for (unsigned nr : { 63u, 64u, 447u, 448u, 449u }) {
		SCOPED_TRACE(nr);
		make(3, nr);
		EXPECT_EQ(raise(1, nr - 1), CXIPI_RAISE_KICK);
		EXPECT_EQ(raise(0, nr - 1), CXIPI_RAISE_KICK);
		for (unsigned h = 0; h < nr; h++) {
			ASSERT_FALSE(pending(2, h)) << h;
			ASSERT_EQ(pending(1, h), h == nr - 1) << h;
		}
		EXPECT_EQ(raise(2, 0), CXIPI_RAISE_KICK);
		EXPECT_EQ(drain(0), Order{ nr - 1 });
		EXPECT_EQ(drain(1), Order{ nr - 1 });
		EXPECT_EQ(drain(2), Order{ 0 });
		cxipi_doorbells_destroy(env(), bells_);
		bells_ = nullptr;
	}
}

// ---- concurrency
// -------------------------------------------------------------------- No
// timing: threads run to completion and the counts are compared after.

namespace
{

constexpr unsigned kCpus = 3;
constexpr unsigned kHwirqs = 100; // two pending words per bank
constexpr unsigned kRaisers = 4;

struct Tally {
	// Indexed [cpu * kHwirqs + hwirq].
	std::vector<unsigned long> raised, kick, queued, coalesced, errors;
	Tally()
	    : raised(kCpus * kHwirqs), kick(kCpus * kHwirqs),
	      queued(kCpus * kHwirqs), coalesced(kCpus * kHwirqs),
	      errors(kCpus * kHwirqs)
	{
	}
	void add(const Tally &o)
	{
		for (size_t i = 0; i < raised.size(); i++) {
			raised[i] += o.raised[i];
			kick[i] += o.kick[i];
			queued[i] += o.queued[i];
			coalesced[i] += o.coalesced[i];
			errors[i] += o.errors[i];
		}
	}
};

// Per-CPU delivery record, written only by that CPU's drainer (and by the
// main thread after the drainers have been joined).
struct Delivered {
	std::vector<unsigned long> count = std::vector<unsigned long>(kHwirqs);
	unsigned long out_of_order = 0, out_of_range = 0;
	long last = -1; // last hwirq of the current drain
	// Work per delivery, like a handler: it widens the window in which
	// raises race with a drain in progress (not a timing assumption).
	unsigned spin = 0;

	static void deliver(void *ctx, unsigned hwirq)
	{
		auto *d = static_cast<Delivered *>(ctx);
		if (hwirq >= kHwirqs) {
			d->out_of_range++;
			return;
		}
		if (static_cast<long>(hwirq) <= d->last)
			d->out_of_order++;
		d->last = hwirq;
		d->count[hwirq]++;
		for (unsigned i = 0; i < d->spin; i++)
			asm volatile("" ::: "memory");
	}
	unsigned drain(cxipi_doorbells *bells, unsigned cpu)
	{
		last = -1;
		return drain_bank(bells, cpu, deliver, this);
	}
};

void raiser(cxipi_doorbells *bells, unsigned seed, unsigned raises,
	    Tally &tally, std::atomic<unsigned long> *kicks)
{
	std::mt19937 rng(seed);
	for (unsigned i = 0; i < raises; i++) {
		const unsigned cpu = rng() % kCpus;
		// Skewed towards a few hot hwirqs so that coalescing happens.
		const unsigned hwirq = rng() % 4 ? rng() % 8 : rng() % kHwirqs;
		const size_t at = cpu * kHwirqs + hwirq;
		tally.raised[at]++;
		switch (cxipi_doorbells_raise(bells, cpu, hwirq)) {
		case CXIPI_RAISE_KICK:
			tally.kick[at]++;
			if (kicks)
				kicks[cpu].fetch_add(1,
						     std::memory_order_release);
			break;
		case CXIPI_RAISE_QUEUED:
			tally.queued[at]++;
			break;
		case CXIPI_RAISE_COALESCED:
			tally.coalesced[at]++;
			break;
		default:
			tally.errors[at]++;
		}
	}
}

void expect_exactly_once(const Tally &t, Delivered (&d)[kCpus])
{
	unsigned long total_raised = 0, total_delivered = 0, total_kicks = 0,
		      total_coalesced = 0;
	for (unsigned c = 0; c < kCpus; c++) {
		EXPECT_EQ(d[c].out_of_order, 0u) << "cpu " << c;
		EXPECT_EQ(d[c].out_of_range, 0u) << "cpu " << c;
		for (unsigned h = 0; h < kHwirqs; h++) {
			const size_t at = c * kHwirqs + h;
			const unsigned long got = d[c].count[h];
			ASSERT_EQ(t.errors[at], 0u);
			// Every raise that set the bit is one delivery...
			ASSERT_EQ(got, t.kick[at] + t.queued[at])
				<< "cpu " << c << " hwirq " << h;
			// ...and every other raise was coalesced.
			ASSERT_EQ(got + t.coalesced[at], t.raised[at])
				<< "cpu " << c << " hwirq " << h;
			total_raised += t.raised[at];
			total_delivered += got;
			total_kicks += t.kick[at];
			total_coalesced += t.coalesced[at];
		}
	}
	// The run exercised what it claims to (not a vacuous pass).
	EXPECT_GT(total_delivered, 0u);
	EXPECT_GT(total_kicks, 0u);
	EXPECT_EQ(total_delivered + total_coalesced, total_raised);
}

} // namespace

TEST_F(Doorbells, ConcurrentRaisesAndDrainsDeliverEveryRaiseExactlyOnce)
{
	make(kCpus, kHwirqs);
	constexpr unsigned kRaises = 200000 / kRaisers;
	Tally tallies[kRaisers];
	Delivered delivered[kCpus];
	std::atomic<bool> stop{ false };

	std::vector<std::thread> drainers;
	for (unsigned c = 0; c < kCpus; c++)
		drainers.emplace_back([&, c] {
			while (!stop.load(std::memory_order_acquire))
				if (!delivered[c].drain(bells_, c))
					std::this_thread::yield();
		});
	std::vector<std::thread> raisers;
	for (unsigned r = 0; r < kRaisers; r++)
		raisers.emplace_back(raiser, bells_, 1000 + r, kRaises,
				     std::ref(tallies[r]), nullptr);
	for (auto &t : raisers)
		t.join();
	stop.store(true, std::memory_order_release);
	for (auto &t : drainers)
		t.join();
	for (unsigned c = 0; c < kCpus; c++)
		delivered[c].drain(bells_, c); // the final drain

	Tally total;
	for (auto &t : tallies)
		total.add(t);
	EXPECT_EQ(pending_count(), 0u);
	expect_exactly_once(total, delivered);
}

TEST_F(Doorbells, ConcurrentKickDrivenDrainsLoseNoKick)
{
	// Drainers drain only when kicked, like a CPU taking its IPI.  The
	// raisers work in rounds; between rounds, once every kick issued so
	// far has been served, nothing may be left pending (no final drain).
	// A lost kick heals at the next raise on that CPU, so it is only
	// visible at such a quiet point: hence many short rounds.
	make(kCpus, kHwirqs);
	constexpr unsigned kRounds = 200;
	constexpr unsigned kPerRound = 1000 / kRaisers; // 200k raises in all
	Tally tallies[kRaisers];
	Delivered delivered[kCpus];
	std::atomic<unsigned long> kicks[kCpus] = {};
	std::atomic<unsigned long> served[kCpus] = {};
	std::atomic<bool> done{ false };
	for (auto &d : delivered)
		d.spin = 300;

	std::vector<std::thread> drainers;
	for (unsigned c = 0; c < kCpus; c++)
		drainers.emplace_back([&, c] {
			unsigned long seen = 0;
			for (;;) {
				const bool finished =
					done.load(std::memory_order_acquire);
				const unsigned long k = kicks[c].load(
					std::memory_order_acquire);
				if (k != seen) {
					seen = k;
					delivered[c].drain(bells_, c);
					served[c].store(
						k, std::memory_order_release);
					continue;
				}
				if (finished)
					break;
				std::this_thread::yield();
			}
		});

	std::barrier start(kRaisers + 1), end(kRaisers + 1);
	std::vector<std::thread> raisers;
	for (unsigned r = 0; r < kRaisers; r++)
		raisers.emplace_back([&, r] {
			for (unsigned round = 0; round < kRounds; round++) {
				start.arrive_and_wait();
				raiser(bells_, round * kRaisers + r, kPerRound,
				       tallies[r], kicks);
				end.arrive_and_wait();
			}
		});

	unsigned quiet_rounds_with_pending = 0;
	for (unsigned round = 0; round < kRounds; round++) {
		start.arrive_and_wait();
		end.arrive_and_wait();
		// The raisers are parked: wait until every kick is served.
		for (unsigned c = 0; c < kCpus; c++)
			while (served[c].load(std::memory_order_acquire) !=
			       kicks[c].load(std::memory_order_acquire))
				std::this_thread::yield();
		if (pending_count() != 0)
			quiet_rounds_with_pending++;
	}
	for (auto &t : raisers)
		t.join();
	done.store(true, std::memory_order_release);
	for (auto &t : drainers)
		t.join();

	EXPECT_EQ(quiet_rounds_with_pending, 0u)
		<< "a raise was left pending without a kick";
	for (unsigned c = 0; c < kCpus; c++)
		delivered[c].drain(bells_, c); // only matters if the above
					       // failed
	Tally total;
	for (auto &t : tallies)
		total.add(t);
	expect_exactly_once(total, delivered);
}
