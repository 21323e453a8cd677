// SPDX-License-Identifier: GPL-2.0
// Doorbells beyond raise/drain: masking latches, unmasking delivers what
// was latched exactly once, the last draining CPU, and the coprocessor's
// take.  Contract: "Masking a virq latches its doorbells; unmasking
// delivers what was latched.  No raise is ever lost, none is delivered
// twice."
#include <cxipi/core.h>

#include "doorbells_test.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <climits>
#include <iterator>
#include <random>
#include <thread>
#include <vector>

namespace {

using List = std::vector<unsigned>;

struct Collect {
	List got;
	static void add(void *ctx, unsigned value)
	{
		static_cast<Collect *>(ctx)->got.push_back(value);
	}
};

class DoorbellMask : public DoorbellsTest {
protected:
	List drain(unsigned cpu)
	{
		Collect c;
		const unsigned n =
			drain_bank(bells_, cpu, Collect::add, &c);
		EXPECT_EQ(n, c.got.size());
		return c.got;
	}
	void mask(unsigned hwirq) { cxipi_doorbells_mask(bells_, hwirq); }
	// The CPUs kicked, in call order.
	List unmask(unsigned hwirq)
	{
		Collect c;
		cxipi_doorbells_unmask(bells_, hwirq, Collect::add, &c);
		return c.got;
	}
	int last_cpu(unsigned hwirq)
	{
		return cxipi_doorbells_last_cpu(bells_, hwirq);
	}
	// {result, hwirq}; hwirq is UINT_MAX unless one was taken.
	std::pair<int, unsigned> take(unsigned cpu)
	{
		unsigned hwirq = UINT_MAX;
		const int r = cxipi_doorbells_take(bells_, cpu, &hwirq);
		return {r, r == 1 ? hwirq : UINT_MAX};
	}
};

} // namespace

// ---- masking latches -------------------------------------------------------------

TEST_F(DoorbellMask, RaiseToAMaskedHwirqLatchesAndDrainLeavesItPending)
{
	make(2, 100);
	mask(5);
	EXPECT_EQ(raise(0, 5), CXIPI_RAISE_KICK); // the kick still happens
	EXPECT_TRUE(drain(0).empty());
	EXPECT_TRUE(pending(0, 5));
	EXPECT_TRUE(drain(0).empty());
	EXPECT_TRUE(pending(0, 5));
	// A second raise of the latched doorbell is coalesced with it.
	EXPECT_EQ(raise(0, 5), CXIPI_RAISE_COALESCED);
}

TEST_F(DoorbellMask, MaskingIsPerHwirqAcrossAllCpusAndLeavesOthersAlone)
{
	make(3, 130);
	mask(64);
	for (unsigned c = 0; c < 3; c++)
		for (unsigned h : {0u, 63u, 64u, 65u, 129u})
			ASSERT_GE(raise(c, h), 0);
	for (unsigned c = 0; c < 3; c++) {
		SCOPED_TRACE(c);
		EXPECT_EQ(drain(c), (List{0, 63, 65, 129}));
		EXPECT_TRUE(pending(c, 64));
		EXPECT_FALSE(pending(c, 63));
		EXPECT_FALSE(pending(c, 65));
	}
}

TEST_F(DoorbellMask, MaskingLatchesWhatIsAlreadyPending)
{
	make(1, 16);
	EXPECT_EQ(raise(0, 3), CXIPI_RAISE_KICK);
	mask(3); // before the CPU took its kick
	EXPECT_TRUE(drain(0).empty());
	EXPECT_TRUE(pending(0, 3));
	EXPECT_EQ(unmask(3), List{0});
	EXPECT_EQ(drain(0), List{3});
}

// ---- unmasking delivers once ----------------------------------------------------------

TEST_F(DoorbellMask, UnmaskKicksExactlyTheCpusWhereTheHwirqIsLatchedAndNoKickIsInFlight)
{
	make(5, 100);
	const unsigned h = 70;
	mask(h);
	// CPU 0: latched, its kick taken (drained): must be kicked again.
	EXPECT_EQ(raise(0, h), CXIPI_RAISE_KICK);
	EXPECT_TRUE(drain(0).empty());
	// CPU 1: latched, its kick still under way: no second kick.
	EXPECT_EQ(raise(1, h), CXIPI_RAISE_KICK);
	// CPU 2: nothing raised.
	// CPU 3: another hwirq delivered, nothing of h latched.
	EXPECT_EQ(raise(3, 7), CXIPI_RAISE_KICK);
	EXPECT_EQ(drain(3), List{7});
	// CPU 4: latched and drained, like CPU 0.
	EXPECT_EQ(raise(4, h), CXIPI_RAISE_KICK);
	EXPECT_TRUE(drain(4).empty());

	EXPECT_EQ(unmask(h), (List{0, 4}));

	EXPECT_EQ(drain(0), List{h});
	EXPECT_EQ(drain(1), List{h}); // the kick that was under way
	EXPECT_TRUE(drain(2).empty());
	EXPECT_TRUE(drain(3).empty());
	EXPECT_EQ(drain(4), List{h});
	for (unsigned c = 0; c < 5; c++) {
		EXPECT_TRUE(drain(c).empty()) << "delivered twice on " << c;
		EXPECT_FALSE(pending(c, h));
	}
}

TEST_F(DoorbellMask, UnmaskThenDrainDeliversCoalescedLatchedRaisesExactlyOnce)
{
	make(2, 16);
	mask(9);
	EXPECT_EQ(raise(1, 9), CXIPI_RAISE_KICK);
	EXPECT_EQ(raise(1, 9), CXIPI_RAISE_COALESCED);
	EXPECT_TRUE(drain(1).empty());
	EXPECT_EQ(unmask(9), List{1});
	EXPECT_EQ(raise(1, 9), CXIPI_RAISE_COALESCED); // still the latched one
	EXPECT_EQ(drain(1), List{9});
	EXPECT_TRUE(drain(1).empty());
	EXPECT_TRUE(unmask(9).empty()); // nothing latched any more
	EXPECT_EQ(raise(1, 9), CXIPI_RAISE_KICK); // the drain ended the kick in flight
	EXPECT_EQ(drain(1), List{9});
}

TEST_F(DoorbellMask, UnmaskOfAnIdleOrNeverMaskedHwirqKicksNobody)
{
	make(4, 64);
	EXPECT_TRUE(unmask(10).empty());
	mask(10);
	EXPECT_TRUE(unmask(10).empty());
	// Pending but not masked, and the kick under way: still nobody.
	EXPECT_EQ(raise(2, 11), CXIPI_RAISE_KICK);
	EXPECT_TRUE(unmask(11).empty());
	EXPECT_EQ(drain(2), List{11});
}

TEST_F(DoorbellMask, AKickFromUnmaskIsInFlightSoTheNextRaiseQueues)
{
	make(1, 16);
	mask(2);
	raise(0, 2);
	drain(0);
	EXPECT_EQ(unmask(2), List{0});
	// The CPU has a kick coming: another raise must not ask for one.
	EXPECT_EQ(raise(0, 5), CXIPI_RAISE_QUEUED);
	EXPECT_EQ(drain(0), (List{2, 5}));
	EXPECT_EQ(raise(0, 5), CXIPI_RAISE_KICK);
}

TEST_F(DoorbellMask, MaskAndUnmaskOfOutOfRangeHwirqsAreIgnored)
{
	make(2, 64);
	for (unsigned h : {64u, 65u, 128u, UINT_MAX}) {
		mask(h);
		EXPECT_TRUE(unmask(h).empty()) << h;
	}
	// Nothing in range was masked, and nothing next to the mask words
	// (the last-CPU table) was touched.
	for (unsigned h = 0; h < 64; h++) {
		EXPECT_EQ(last_cpu(h), -CXIPI_EINVAL) << h;
		raise(1, h);
	}
	List all;
	for (unsigned h = 0; h < 64; h++)
		all.push_back(h);
	EXPECT_EQ(drain(1), all);
}

// ---- mask and unmask racing with a drain, step by step -------------------------------
// The deliver callback runs in the middle of a drain: the drain has ended
// the kick in flight (cleared in_flight) and finished the words before the one it is delivering from, and
// not yet looked at the words after it.  Calling mask/unmask/raise from
// there reproduces each interleaving of the race deterministically.

namespace {

// Runs @during(hwirq) from inside a drain of @cpu, once, at the first
// delivery; records what that drain delivered.
template <typename During> struct Reentrant {
	During during;
	List got;
	bool done = false;
	static void deliver(void *ctx, unsigned hwirq)
	{
		auto *r = static_cast<Reentrant *>(ctx);
		r->got.push_back(hwirq);
		if (!r->done) {
			r->done = true;
			r->during(hwirq);
		}
	}
};

template <typename During>
List drain_with(cxipi_doorbells *bells, unsigned cpu, During during)
{
	Reentrant<During> r{during, {}, false};
	drain_bank(bells, cpu, Reentrant<During>::deliver, &r);
	return r.got;
}

} // namespace

TEST_F(DoorbellMask, UnmaskDuringADrainThatAlreadySawTheHwirqMaskedKicksAgain)
{
	make(1, 128);
	mask(3);
	raise(0, 1);
	raise(0, 3); // same word as 1: the drain has loaded its mask already
	List kicked;
	const List got = drain_with(bells_, 0, [&](unsigned) {
		kicked = unmask(3);
	});
	EXPECT_EQ(got, List{1});
	EXPECT_TRUE(pending(0, 3));
	EXPECT_EQ(kicked, List{0}) << "the latched doorbell would be lost";
	EXPECT_EQ(drain(0), List{3}); // the kick's drain
	EXPECT_TRUE(drain(0).empty());
}

TEST_F(DoorbellMask, UnmaskDuringADrainBeforeItReachesTheHwirqDeliversItOnce)
{
	make(1, 128);
	mask(70);
	raise(0, 1);
	raise(0, 70); // next word: the drain has not looked at it yet
	List kicked;
	const List got = drain_with(bells_, 0, [&](unsigned) {
		kicked = unmask(70);
	});
	// Either this drain delivers it, or the kick's drain does; not both.
	const List next = drain(0);
	unsigned times = 0;
	for (const List *l : {&got, &next})
		for (unsigned h : *l)
			times += h == 70;
	EXPECT_EQ(times, 1u);
	EXPECT_FALSE(pending(0, 70));
	if (kicked.empty()) {
		EXPECT_EQ(got, (List{1, 70})) << "no kick and not delivered";
	}
}

TEST_F(DoorbellMask, MaskDuringADrainBeforeItReachesTheHwirqLatchesIt)
{
	make(1, 128);
	raise(0, 1);
	raise(0, 70);
	const List got = drain_with(bells_, 0, [&](unsigned) { mask(70); });
	EXPECT_EQ(got, List{1});
	EXPECT_TRUE(pending(0, 70));
	EXPECT_EQ(unmask(70), List{0});
	EXPECT_EQ(drain(0), List{70});
}

TEST_F(DoorbellMask, RaiseOfAMaskedHwirqDuringADrainAsksForAKick)
{
	make(1, 128);
	mask(70);
	raise(0, 1);
	int raised = -1;
	const List got = drain_with(bells_, 0, [&](unsigned) {
		raised = raise(0, 70);
	});
	EXPECT_EQ(got, List{1});
	EXPECT_EQ(raised, CXIPI_RAISE_KICK); // the drain ended the kick first
	EXPECT_TRUE(drain(0).empty()); // the kick: still masked
	EXPECT_EQ(unmask(70), List{0});
	EXPECT_EQ(drain(0), List{70});
}

TEST_F(DoorbellMask, AKickFromUnmaskServedBeforeUnmaskReturnsDeliversTheLatchedRaise)
{
	// The kicked CPU may take its IPI at once, while unmask is still
	// running: by then the hwirq must already be unmasked.
	make(3, 100);
	mask(66);
	raise(2, 66);
	EXPECT_TRUE(drain(2).empty());
	struct Fast {
		cxipi_doorbells *bells;
		Collect delivered;
		List kicked;
		static void kick(void *ctx, unsigned cpu)
		{
			auto *f = static_cast<Fast *>(ctx);
			f->kicked.push_back(cpu);
			drain_bank(f->bells, cpu, Collect::add,
					      &f->delivered);
		}
	} fast{bells_, {}, {}};
	cxipi_doorbells_unmask(bells_, 66, Fast::kick, &fast);
	EXPECT_EQ(fast.kicked, List{2});
	EXPECT_EQ(fast.delivered.got, List{66});
	EXPECT_FALSE(pending(2, 66)) << "latched with no kick left to come";
}

// ---- last_cpu ------------------------------------------------------------------------------

TEST_F(DoorbellMask, LastCpuIsEinvalBeforeAnyDeliveryAndTheDrainingCpuAfter)
{
	make(4, 70);
	for (unsigned h = 0; h < 70; h++)
		ASSERT_EQ(last_cpu(h), -CXIPI_EINVAL) << h;
	raise(2, 69);
	drain(2);
	EXPECT_EQ(last_cpu(69), 2);
	EXPECT_EQ(last_cpu(68), -CXIPI_EINVAL);
	raise(0, 69);
	raise(3, 0);
	drain(0);
	drain(3);
	EXPECT_EQ(last_cpu(69), 0);
	EXPECT_EQ(last_cpu(0), 3);
}

TEST_F(DoorbellMask, LastCpuOfAnOutOfRangeHwirqIsEinval)
{
	make(2, 70);
	for (unsigned h : {70u, 71u, 128u, UINT_MAX})
		EXPECT_EQ(last_cpu(h), -CXIPI_EINVAL) << h;
}

TEST_F(DoorbellMask, ADrainThatLeftAMaskedHwirqPendingDidNotDeliverIt)
{
	make(4, 16);
	mask(5);
	raise(3, 5);
	drain(3);
	EXPECT_EQ(last_cpu(5), -CXIPI_EINVAL);
	EXPECT_EQ(unmask(5), List{3});
	drain(3);
	EXPECT_EQ(last_cpu(5), 3);
}

// ---- take (coprocessor endpoint) -------------------------------------------------------

TEST_F(DoorbellMask, TakeReturnsTheLowestPendingHwirqOfTheCpuAndClearsIt)
{
	make(2, 200);
	for (unsigned h : {150u, 3u, 64u, 199u})
		raise(1, h);
	raise(0, 1);
	EXPECT_EQ(take(1), std::make_pair(1, 3u));
	EXPECT_FALSE(pending(1, 3));
	EXPECT_EQ(take(1), std::make_pair(1, 64u));
	EXPECT_EQ(take(1), std::make_pair(1, 150u));
	EXPECT_EQ(take(1), std::make_pair(1, 199u));
	EXPECT_EQ(take(1), std::make_pair(0, UINT_MAX));
	for (unsigned h = 0; h < 200; h++)
		ASSERT_FALSE(pending(1, h)) << h;
	EXPECT_TRUE(pending(0, 1)); // other banks untouched
}

TEST_F(DoorbellMask, TakeWithNothingPendingReturnsZero)
{
	make(3, 65);
	EXPECT_EQ(take(0), std::make_pair(0, UINT_MAX));
	raise(1, 64);
	EXPECT_EQ(take(2), std::make_pair(0, UINT_MAX));
	EXPECT_EQ(take(0), std::make_pair(0, UINT_MAX));
}

TEST_F(DoorbellMask, TakeIgnoresMasks)
{
	make(2, 100);
	mask(3);
	mask(80);
	raise(0, 80);
	raise(0, 3);
	EXPECT_EQ(take(0), std::make_pair(1, 3u));
	EXPECT_EQ(take(0), std::make_pair(1, 80u));
	EXPECT_EQ(take(0), std::make_pair(0, UINT_MAX));
}

TEST_F(DoorbellMask, TakeOfABadCpuIsEinvalAndChangesNothing)
{
	make(2, 16);
	raise(0, 1);
	raise(1, 2);
	for (unsigned c : {2u, 3u, 64u, UINT_MAX}) {
		unsigned hwirq = 12345;
		EXPECT_EQ(cxipi_doorbells_take(bells_, c, &hwirq),
			  -CXIPI_EINVAL)
			<< c;
	}
	EXPECT_TRUE(pending(0, 1));
	EXPECT_TRUE(pending(1, 2));
}

TEST_F(DoorbellMask, ATakenDoorbellIsNotDeliveredAgainByADrain)
{
	make(1, 16);
	raise(0, 4);
	raise(0, 9);
	EXPECT_EQ(take(0), std::make_pair(1, 4u));
	EXPECT_EQ(drain(0), List{9});
	EXPECT_EQ(take(0), std::make_pair(0, UINT_MAX));
}

// ---- creation ----------------------------------------------------------------------------

TEST_F(DoorbellMask, CreateAsksForRoomForEveryBankMaskWordAndLastCpuSlot)
{
	// The banks, the mask words and one unsigned per hwirq follow the
	// object: whatever the counts, the allocation must hold them all (the
	// env refuses it here, so nothing is written).
	for (unsigned nr : {1u, 64u, 65u, 1000u, 1u << 20, (1u << 27) - 1,
			    1u << 27, (1u << 27) + 1, 1u << 30, UINT_MAX}) {
		SCOPED_TRACE(testing::Message() << "nr_hwirqs " << nr);
		const unsigned long long words = nr / 64ULL + (nr % 64 != 0);
		const unsigned long long least =
			(1 + words) * 8 /* one bank */ + words * 8 /* mask */ +
			4ULL * nr /* last CPU */;
		test_env::fail_nth(1);
		EXPECT_EQ(cxipi_doorbells_create(env(), 1, nr), nullptr);
		EXPECT_EQ(test_env::failures(), 1);
		EXPECT_GE(test_env::state().last_size.load(), least);
		test_env::reset();
	}
}

// ---- concurrency -------------------------------------------------------------------------
// Raisers, one kick-driven drainer per CPU and a thread that masks and
// unmasks the hot hwirqs.  At the end everything is unmasked and the kicks
// are served; with no unconditional drain, every raise that was not
// coalesced must have been delivered exactly once.  No timing assertions.

namespace {

constexpr unsigned kCpus = 3;
constexpr unsigned kHwirqs = 100;
constexpr unsigned kRaisers = 3;
constexpr unsigned kRaisesEach = 150000;
const unsigned kToggled[] = {0, 1, 2, 3, 5, 64, 70};

struct Counts {
	std::vector<unsigned long> v = std::vector<unsigned long>(kCpus * kHwirqs);
	unsigned long &at(unsigned cpu, unsigned hwirq)
	{
		return v[cpu * kHwirqs + hwirq];
	}
};

struct Kicks {
	std::atomic<unsigned long> issued[kCpus] = {};
	std::atomic<unsigned long> served[kCpus] = {};
	static void kick(void *ctx, unsigned cpu)
	{
		auto *k = static_cast<Kicks *>(ctx);
		if (cpu < kCpus)
			k->issued[cpu].fetch_add(1, std::memory_order_release);
	}
};

struct CpuRecord {
	std::vector<unsigned long> got = std::vector<unsigned long>(kHwirqs);
	unsigned long bad = 0; // out of range or out of order
	long last = -1;
	static void deliver(void *ctx, unsigned hwirq)
	{
		auto *r = static_cast<CpuRecord *>(ctx);
		if (hwirq >= kHwirqs || static_cast<long>(hwirq) <= r->last) {
			r->bad++;
			return;
		}
		r->last = hwirq;
		r->got[hwirq]++;
	}
};

} // namespace

TEST_F(DoorbellMask, ConcurrentRaisesDrainsAndMaskTogglesDeliverEveryRaiseExactlyOnce)
{
	make(kCpus, kHwirqs);
	Counts raised[kRaisers], coalesced[kRaisers];
	unsigned long errors[kRaisers] = {};
	CpuRecord record[kCpus];
	Kicks kicks;
	std::atomic<bool> raisers_done{false}, done{false};
	std::atomic<unsigned long> toggles{0}, unmask_kicks{0};

	std::vector<std::thread> drainers;
	for (unsigned c = 0; c < kCpus; c++)
		drainers.emplace_back([&, c] {
			unsigned long seen = 0;
			for (;;) {
				const bool finished =
					done.load(std::memory_order_acquire);
				const unsigned long k = kicks.issued[c].load(
					std::memory_order_acquire);
				if (k != seen) {
					seen = k;
					record[c].last = -1;
					drain_bank(bells_, c,
							      CpuRecord::deliver,
							      &record[c]);
					kicks.served[c].store(
						k, std::memory_order_release);
					continue;
				}
				if (finished)
					break;
				std::this_thread::yield();
			}
		});

	std::thread toggler([&] {
		struct Counting {
			Kicks *kicks;
			std::atomic<unsigned long> *n;
			static void kick(void *ctx, unsigned cpu)
			{
				auto *c = static_cast<Counting *>(ctx);
				c->n->fetch_add(1, std::memory_order_relaxed);
				Kicks::kick(c->kicks, cpu);
			}
		} counting{&kicks, &unmask_kicks};
		std::mt19937 rng(7);
		do {
			const unsigned h = kToggled[rng() % std::size(kToggled)];
			cxipi_doorbells_mask(bells_, h);
			// Hold the mask while raises and drains go on.
			std::this_thread::yield();
			cxipi_doorbells_unmask(bells_, h, Counting::kick,
					       &counting);
			toggles.fetch_add(1, std::memory_order_relaxed);
		} while (!raisers_done.load(std::memory_order_acquire));
	});

	std::vector<std::thread> raisers;
	for (unsigned r = 0; r < kRaisers; r++)
		raisers.emplace_back([&, r] {
			std::mt19937 rng(100 + r);
			for (unsigned i = 0; i < kRaisesEach; i++) {
				const unsigned cpu = rng() % kCpus;
				// Mostly the toggled hwirqs, so that raises
				// meet masks and coalesce.
				const unsigned hwirq =
					rng() % 4 ? kToggled[rng() % std::size(kToggled)]
						  : rng() % kHwirqs;
				raised[r].at(cpu, hwirq)++;
				// Pace the raisers so that drains keep up and
				// banks are often idle: then drains meet masked
				// doorbells and unmasks find them latched.
				for (unsigned s = 0; s < 100; s++)
					asm volatile("" ::: "memory");
				switch (cxipi_doorbells_raise(bells_, cpu, hwirq)) {
				case CXIPI_RAISE_KICK:
					Kicks::kick(&kicks, cpu);
					break;
				case CXIPI_RAISE_QUEUED:
					break;
				case CXIPI_RAISE_COALESCED:
					coalesced[r].at(cpu, hwirq)++;
					break;
				default:
					errors[r]++;
				}
			}
		});
	for (auto &t : raisers)
		t.join();
	raisers_done.store(true, std::memory_order_release);
	toggler.join();

	// Unmask everything (the toggler may have left nothing masked, but
	// the contract is that unmasking is what releases latched raises),
	// then let the drainers serve every kick issued so far.
	for (unsigned h = 0; h < kHwirqs; h++)
		cxipi_doorbells_unmask(bells_, h, Kicks::kick, &kicks);
	for (unsigned c = 0; c < kCpus; c++)
		while (kicks.served[c].load(std::memory_order_acquire) !=
		       kicks.issued[c].load(std::memory_order_acquire))
			std::this_thread::yield();
	done.store(true, std::memory_order_release);
	for (auto &t : drainers)
		t.join();

	unsigned long total_raised = 0, total_delivered = 0;
	for (unsigned c = 0; c < kCpus; c++) {
		EXPECT_EQ(record[c].bad, 0u) << "cpu " << c;
		for (unsigned h = 0; h < kHwirqs; h++) {
			unsigned long r = 0, co = 0;
			for (unsigned i = 0; i < kRaisers; i++) {
				r += raised[i].at(c, h);
				co += coalesced[i].at(c, h);
			}
			ASSERT_FALSE(pending(c, h))
				<< "left pending without a kick: cpu " << c
				<< " hwirq " << h;
			ASSERT_EQ(record[c].got[h], r - co)
				<< "cpu " << c << " hwirq " << h;
			total_raised += r;
			total_delivered += record[c].got[h];
		}
	}
	for (unsigned long e : errors)
		EXPECT_EQ(e, 0u);
	EXPECT_EQ(total_raised, kRaisers * kRaisesEach);
	EXPECT_GT(total_delivered, 0u);
	EXPECT_GT(toggles.load(), 0u);
	RecordProperty("toggles", static_cast<int>(toggles.load()));
	RecordProperty("unmask_kicks", static_cast<int>(unmask_kicks.load()));
}
