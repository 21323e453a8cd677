// SPDX-License-Identifier: GPL-2.0
// The doorbell protocol as litmus-style cases, each run as a stress test of
// the real core (through core.h) from several threads, built with
// ThreadSanitizer (make -C cxx_core/tests, target build/litmus_tsan).  The
// names P1..P6 and the steps R1, D1, U1... are those of the pairings at the
// top of ../doorbells.hpp.
//
// The machine: one thread per simulated CPU, which drains its bank only
// when kicked.  A kick models smp_call_function_single_async(): a CSD per
// CPU, whose lock flag is read first (-EBUSY when set: the shim then drops
// the kick), then set, then the CSD is queued; the target takes its queue,
// unlocks the CSD (release) and then runs the drain, as kernel/smp.c does
// for an async CSD.  CXIPI_RAISE_KICK (and unmask's kick callback) is the
// only way a drain gets scheduled, except where a test adds drains nobody
// asked for (the shim's CPU-online drain does that).
//
// What this can see, and what it cannot:
//  - Interleavings.  A step done in the wrong program order (a drain that
//    reads pending before clearing in_flight, an unmask that reads pending before
//    unmasking, a raise that kicks without owning the kick) loses or
//    doubles a doorbell on any machine, x86 included; the assertions catch
//    it: nothing may stay pending once every kick is served, each doorbell
//    is consumed once, at most one kick is in flight, the books balance.
//  - Missing release/acquire.  TSan checks the C++ memory model's
//    happens-before: a raiser's plain stores read by the consumer of its
//    doorbell are a data race unless R1's release pairs with the
//    consumer's acquire (P1).  A TSan report fails the test that caused it.
//  - NOT hardware reordering.  TSan runs the program on this x86 machine
//    and does not emulate weaker hardware: it does not make a relaxed load
//    return a stale value, and x86 itself only lets a load pass an earlier
//    store to another location, never past a locked instruction.  So the
//    full barriers of P4 and P5 (the dmb ish after R2, D1, U1 and U3 on
//    arm64) are argued in doorbells.hpp and checked in the arm64 object
//    code, not here: removing one of them passes these tests.
#include <cxipi/core.h>

#include "doorbells_test.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <random>
#include <thread>
#include <vector>

// Reports counted by ThreadSanitizer's hook; each test must add none.
// Not instrumented itself: it runs inside TSan's report path.
static long tsan_reports;

extern "C" __attribute__((no_sanitize_thread)) void
__tsan_on_report(void * /* report */)
{
	__atomic_fetch_add(&tsan_reports, 1, __ATOMIC_RELAXED);
}

namespace
{

using Clock = std::chrono::steady_clock;

constexpr unsigned kCpus = 2;
constexpr unsigned kHwirqs = 70; // two pending words per bank
// Raised often, so that raises coalesce and race with drains; in both
// words of a bank.
constexpr unsigned kHot[] = { 0, 1, 2, 5, 63, 64, 65, 69 };

unsigned slot(unsigned cpu, unsigned hwirq)
{
	return cpu * kHwirqs + hwirq;
}

// Between two operations: now and then a short spin or a yield, so that
// the other threads (2 cores here, more threads) run in between, and on
// the other core at the same time.
void pause(std::minstd_rand &rng)
{
	switch (rng() % 8) {
	case 0:
		std::this_thread::yield();
		break;
	case 1:
	case 2:
	case 3:
		for (unsigned i = rng() % 512; i > 0; i--)
			asm volatile("" ::: "memory");
		break;
	}
}

constexpr unsigned kRaises = 5000; // per raiser, in the free-running tests

// Counters that several threads add to and the main thread reads: relaxed,
// so they add no happens-before edge that could hide a race from TSan.
using Counts = std::vector<std::atomic<unsigned long>>;

unsigned long sum(const Counts &c)
{
	unsigned long n = 0;
	for (auto &x : c)
		n += x.load(std::memory_order_relaxed);
	return n;
}

void add(Counts &c, unsigned i, unsigned long n = 1)
{
	c[i].fetch_add(n, std::memory_order_relaxed);
}

unsigned long at(const Counts &c, unsigned i)
{
	return c[i].load(std::memory_order_relaxed);
}

// The simulated CPUs and their kicks.
class Machine
{
public:
	struct Options {
		// Drains no kick asked for, between a kick's queueing and its
		// callback (only then, so that they never heal a lost kick):
		// they clear in_flight while the CSD is still locked, so that a
		// later kick meets -EBUSY (P5).
		bool extra_drains = false;
	};

	Machine(cxipi_doorbells *bells, unsigned nr_cpus, Options options)
	    : bells_(bells), options_(options), cpus_(nr_cpus),
	      delivered_(nr_cpus * kHwirqs), masked_deliveries_(0)
	{
		for (auto &u : unmasking_)
			u.store(true);
	}
	~Machine() { stop(); }

	// Start the threads of CPUs 0..@cpus-1; the others are coprocessors,
	// never kicked: their doorbells stay latched.
	void start(unsigned cpus)
	{
		online_ = cpus;
		for (unsigned c = 0; c < cpus; c++)
			threads_.emplace_back([this, c] { run(c); });
	}

	void stop()
	{
		stop_.store(true, std::memory_order_release);
		for (auto &t : threads_)
			t.join();
		threads_.clear();
	}

	// smp_call_function_single_async(cpu, csd) as the shim calls it.
	void kick(unsigned cpu)
	{
		if (cpu >= online_)
			return; // cxipi_kick() leaves a coprocessor alone
		Cpu &c = cpus_[cpu];
		kicks_.fetch_add(1, std::memory_order_relaxed);
		// A plain read in kernel/smp.c, after the raise's R2 (P5).
		if (c.locked.load(std::memory_order_relaxed)) {
			ebusy_.fetch_add(1, std::memory_order_relaxed);
			return; // the shim drops it
		}
		c.locked.store(true, std::memory_order_relaxed);
		// llist_add(): a fully ordered cmpxchg.
		c.queued.store(true, std::memory_order_seq_cst);
	}
	static void kick_cb(void *ctx, unsigned cpu)
	{
		static_cast<Machine *>(ctx)->kick(cpu);
	}

	// Wait until no kick is queued or being served (callers have stopped
	// raising and unmasking).
	void wait_quiet()
	{
		for (Cpu &c : cpus_)
			while (c.queued.load(std::memory_order_seq_cst) ||
			       c.busy.load(std::memory_order_seq_cst))
				std::this_thread::yield();
	}

	// Wait (a bounded while) for a kicked drain to be under way, and
	// return its CPU; @otherwise when none is seen.
	unsigned await_drain(unsigned otherwise)
	{
		for (unsigned i = 0; i < 1500; i++)
			for (unsigned c = 0; c < cpus_.size(); c++)
				if (cpus_[c].draining.load(
					    std::memory_order_relaxed)) {
					chased_.fetch_add(1);
					return c;
				}
		return otherwise;
	}

	// For the unmask test: whether @hwirq may be delivered now.
	void set_unmasking(unsigned hwirq, bool on)
	{
		unmasking_[hwirq].store(on, std::memory_order_seq_cst);
	}

	unsigned long delivered(unsigned cpu, unsigned hwirq) const
	{
		return at(delivered_, slot(cpu, hwirq));
	}
	unsigned long kicks() const { return kicks_.load(); }
	unsigned long ebusy() const { return ebusy_.load(); }
	unsigned long empty_drains() const { return empty_.load(); }
	unsigned long chased() const { return chased_.load(); }
	unsigned long masked_deliveries() const
	{
		return masked_deliveries_.load();
	}

private:
	struct Cpu {
		std::atomic<bool> locked{ false }; // CSD_FLAG_LOCK
		std::atomic<bool> queued{ false }; // on the call-single queue
		std::atomic<bool> busy{ false }; // serving a kick
		std::atomic<bool> draining{ false }; // in a kicked drain
	};
	struct Drain {
		Machine *machine;
		unsigned cpu;
	};

	static void deliver(void *ctx, unsigned hwirq)
	{
		auto *d = static_cast<Drain *>(ctx);
		Machine *m = d->machine;
		if (!m->unmasking_[hwirq].load(std::memory_order_seq_cst))
			m->masked_deliveries_.fetch_add(1);
		add(m->delivered_, slot(d->cpu, hwirq));
		// A handler's work: it widens the windows in which raises race
		// with a drain in progress.
		for (unsigned i = 0; i < 100; i++)
			asm volatile("" ::: "memory");
	}

	unsigned drain(unsigned cpu)
	{
		Drain d = { this, cpu };
		return drain_bank(bells_, cpu, deliver, &d);
	}

	void run(unsigned cpu)
	{
		Cpu &c = cpus_[cpu];
		std::minstd_rand rng(cpu + 1);
		while (!stop_.load(std::memory_order_acquire)) {
			c.busy.store(true, std::memory_order_seq_cst);
			// Only this thread clears queued.
			const bool kicked =
				c.queued.load(std::memory_order_seq_cst);
			if (kicked && options_.extra_drains && rng() % 2) {
				drain(cpu);
				// Let the raisers in while the CSD is queued.
				std::this_thread::yield();
			}
			if (kicked) {
				// llist_del_all(): a fully ordered xchg.
				c.queued.exchange(false,
						  std::memory_order_seq_cst);
				// csd_unlock() before an async callback runs.
				c.locked.store(false,
					       std::memory_order_release);
				c.draining.store(true,
						 std::memory_order_relaxed);
				// A kicked drain that finds nothing: a raise
				// came between a drain's D1 and D3 (P2's race),
				// was delivered by it, and kicked again.
				if (!drain(cpu))
					empty_.fetch_add(
						1, std::memory_order_relaxed);
				c.draining.store(false,
						 std::memory_order_relaxed);
			}
			c.busy.store(false, std::memory_order_seq_cst);
			if (!kicked)
				std::this_thread::yield();
		}
	}

	cxipi_doorbells *bells_;
	Options options_;
	std::vector<Cpu> cpus_;
	Counts delivered_;
	std::atomic<bool> unmasking_[kHwirqs];
	std::atomic<unsigned long> masked_deliveries_;
	std::atomic<unsigned long> kicks_{ 0 }, ebusy_{ 0 }, empty_{ 0 },
		chased_{ 0 };
	unsigned online_ = 0;
	std::atomic<bool> stop_{ false };
	std::vector<std::thread> threads_;
};

// What the raisers saw, per (cpu, hwirq) slot.
struct Raised {
	Counts raised = Counts(kCpus * kHwirqs);
	Counts set = Counts(kCpus * kHwirqs); // newly set: KICK or QUEUED
	Counts coalesced = Counts(kCpus * kHwirqs);
	Counts queued = Counts(kCpus * kHwirqs);
	Counts errors = Counts(kCpus * kHwirqs);

	// Raise, and kick when the raise says so: the only way a drain is
	// scheduled.
	void raise(cxipi_doorbells *bells, Machine &m, unsigned cpu,
		   unsigned hwirq)
	{
		const unsigned s = slot(cpu, hwirq);
		add(raised, s);
		switch (cxipi_doorbells_raise(bells, cpu, hwirq)) {
		case CXIPI_RAISE_KICK:
			add(set, s);
			m.kick(cpu);
			break;
		case CXIPI_RAISE_QUEUED:
			add(set, s);
			add(queued, s);
			break;
		case CXIPI_RAISE_COALESCED:
			add(coalesced, s);
			break;
		default:
			add(errors, s);
		}
	}
};

class Litmus : public DoorbellsTest
{
protected:
	void SetUp() override
	{
		DoorbellsTest::SetUp();
		reports_before_ =
			__atomic_load_n(&tsan_reports, __ATOMIC_RELAXED);
	}
	void TearDown() override
	{
		EXPECT_EQ(__atomic_load_n(&tsan_reports, __ATOMIC_RELAXED),
			  reports_before_)
			<< "ThreadSanitizer reported a data race (above)";
		DoorbellsTest::TearDown();
	}

	unsigned pending_now()
	{
		unsigned n = 0;
		for (unsigned c = 0; c < nr_cpus_; c++)
			for (unsigned h = 0; h < nr_hwirqs_; h++)
				n += pending(c, h);
		return n;
	}

	// raised == coalesced + delivered + taken + dropped + pending, per CPU,
	// with every raise counted by the core as the raisers counted it.
	void expect_books_balance(const Raised &r)
	{
		for (unsigned c = 0; c < nr_cpus_; c++) {
			cxipi_doorbell_stats s{};
			ASSERT_EQ(cxipi_doorbells_stats(bells_, c, &s), 0);
			unsigned long raised = 0, coalesced = 0;
			for (unsigned h = 0; h < kHwirqs; h++) {
				raised += at(r.raised, slot(c, h));
				coalesced += at(r.coalesced, slot(c, h));
			}
			EXPECT_EQ(s.raised, raised) << "cpu " << c;
			EXPECT_EQ(s.coalesced, coalesced) << "cpu " << c;
			EXPECT_EQ(s.raised, s.coalesced + s.delivered +
						    s.taken + s.dropped +
						    s.pending)
				<< "cpu " << c << ": raised " << s.raised
				<< ", coalesced " << s.coalesced
				<< ", delivered " << s.delivered << ", taken "
				<< s.taken << ", dropped " << s.dropped
				<< ", pending " << s.pending;
		}
	}

	// Each raise that set a doorbell is delivered once (P2, P3, P6).
	void expect_each_delivered_once(const Raised &r, const Machine &m)
	{
		unsigned bad = 0;
		for (unsigned c = 0; c < kCpus; c++)
			for (unsigned h = 0; h < kHwirqs; h++) {
				const unsigned s = slot(c, h);
				EXPECT_EQ(at(r.errors, s), 0u);
				if (m.delivered(c, h) != at(r.set, s) &&
				    bad++ < 5)
					ADD_FAILURE()
						<< "cpu " << c << " hwirq " << h
						<< ": set " << at(r.set, s)
						<< " times, delivered "
						<< m.delivered(c, h);
			}
		EXPECT_EQ(bad, 0u);
	}

	// One line of what happened, so that a pass is seen not to be vacuous.
	void summary(const Raised &r, const Machine &m)
	{
		std::printf("# raises %lu: newly set %lu (behind a kick %lu), "
			    "coalesced %lu, during a drain %lu; kicks %lu "
			    "(-EBUSY %lu, found nothing %lu)\n",
			    sum(r.raised), sum(r.set), sum(r.queued),
			    sum(r.coalesced), m.chased(), m.kicks(), m.ebusy(),
			    m.empty_drains());
	}

	long reports_before_ = 0;
};

// Rounds of raises from kRaisers threads, a quiet point after each: once
// every kick is served, nothing may be pending.  A lost kick heals at the
// next raise of that CPU, so it shows only at such a point: hence many
// short rounds.  The second raiser chases drains: it raises at a random
// point of a kicked drain in progress.  Returns the first round that left
// something pending, or kRounds.
constexpr unsigned kRaisers = 2;
constexpr unsigned kRounds = 1500;
constexpr unsigned kPerRound = 3;

template <typename Check>
unsigned run_rounds(cxipi_doorbells *bells, Machine &m, Raised &r,
		    Check &&quiet_ok)
{
	std::barrier sync(kRaisers + 1);
	std::atomic<bool> done{ false };
	std::vector<std::thread> raisers;
	for (unsigned t = 0; t < kRaisers; t++)
		raisers.emplace_back([&, t] {
			std::minstd_rand rng(100 + t);
			for (;;) {
				sync.arrive_and_wait();
				if (done.load())
					return;
				for (unsigned i = 0; i < kPerRound; i++) {
					unsigned cpu = rng() % kCpus;
					if (t == 1)
						cpu = m.await_drain(cpu);
					pause(rng);
					r.raise(bells, m, cpu,
						kHot[rng() % std::size(kHot)]);
				}
				sync.arrive_and_wait();
			}
		});
	unsigned bad_round = kRounds;
	for (unsigned round = 0; round < kRounds; round++) {
		sync.arrive_and_wait(); // go
		sync.arrive_and_wait(); // raisers parked
		m.wait_quiet();
		if (!quiet_ok()) {
			bad_round = round;
			break;
		}
	}
	done.store(true);
	sync.arrive_and_wait();
	for (auto &t : raisers)
		t.join();
	return bad_round;
}

} // namespace

// P2, raise vs drain: no lost kick.
//
//   raiser                             target CPU (runs on a kick only)
//   R1 fetch_or_release(pending, b)    D1 xchg_fully_ordered(in_flight, 0)
//   R2 xchg_fully_ordered(in_flight, 1)    D3 fetch_and_acquire(pending, keep)
//      == 0: kick
//   forbidden: R2 finds in_flight set (no kick) and D3 misses R1's bit.
//
// Also: at most one kick in flight per CPU, the one whose R2 found in_flight
// clear, so no kick ever meets a locked CSD (-EBUSY) when only kicks drain.
TEST_F(Litmus, RaiseVsDrainLosesNoKickAndKicksOnce)
{
	make(kCpus, kHwirqs);
	Machine m(bells_, kCpus, {});
	Raised r;
	m.start(kCpus);
	const unsigned bad =
		run_rounds(bells_, m, r, [&] { return pending_now() == 0; });
	m.stop();
	summary(r, m);
	EXPECT_EQ(bad, kRounds)
		<< "round " << bad << " left " << pending_now()
		<< " doorbells pending with every kick served: a lost kick";
	EXPECT_EQ(m.ebusy(), 0u)
		<< "a kick met a locked CSD: more than one kick in flight";
	// The shapes happened: raises that found a kick under way.
	EXPECT_GT(sum(r.queued), 0u);
	EXPECT_GT(sum(r.coalesced), 0u);
	if (bad == kRounds) {
		expect_each_delivered_once(r, m);
		expect_books_balance(r);
	}
}

// P5, a kick that meets a locked CSD loses nothing.
//
//   raiser                             target CPU
//   R1 fetch_or_release(pending, b)    (a drain nobody asked for: D1..D3)
//   R2 xchg_fully_ordered(in_flight, 1)    take the queued CSD
//      == 0: kick: CSD locked,         csd_unlock() (release)
//      -EBUSY, dropped                 D1 xchg_fully_ordered(in_flight, 0)
//                                      D3 fetch_and_acquire(pending, keep)
//   forbidden: the dropped kick's doorbell left pending, or in_flight left set
//   with no kick in flight (the next raises would all find it set).
TEST_F(Litmus, KickThatMeetsALockedCsdLosesNothing)
{
	make(kCpus, kHwirqs);
	Machine m(bells_, kCpus, { .extra_drains = true });
	Raised r;
	m.start(kCpus);
	const unsigned bad =
		run_rounds(bells_, m, r, [&] { return pending_now() == 0; });
	m.stop();
	summary(r, m);
	EXPECT_EQ(bad, kRounds)
		<< "round " << bad << " left " << pending_now()
		<< " doorbells pending with every kick served: a lost kick";
	EXPECT_GT(m.ebusy(), 0u) << "the shape did not happen";
	if (bad == kRounds) {
		expect_each_delivered_once(r, m);
		expect_books_balance(r);
	}
}

// P3 and P4, unmask vs drain vs raise: a doorbell latched while masked is
// delivered once after the unmask, and never while masked.
//
//   raiser               target CPU                 unmasker
//   R1 set pending       D1 xchg(in_flight, 0) + mb     U1 clear mask + mb
//   R2 xchg(in_flight, 1)    D2 read_once(mask)         U2 load_acquire(pending)
//      == 0: kick        D3 take unmasked bits      U3 xchg(in_flight, 1)
//                                                      == 0: kick
//   forbidden: D2 sees the mask set and U2 misses the bit (P4), or D2 sees
//   it set and U3 finds in_flight set (P3): latched with no kick in flight.
TEST_F(Litmus, UnmaskDeliversALatchedDoorbellOnce)
{
	make(kCpus, kHwirqs);
	Machine m(bells_, kCpus, {});
	Raised r;
	m.start(kCpus);
	// Each round: the hot doorbells masked at the quiet point; raises and
	// an unmasker race; at the next quiet point all are unmasked, so
	// nothing may be pending.  The second raiser chases the unmasker: it
	// raises the doorbell being unmasked, at a random point of the unmask
	// (P4's race).
	std::barrier sync(kRaisers + 2);
	std::atomic<bool> done{ false };
	std::atomic<int> unmasking{ -1 };
	auto being_unmasked = [&](unsigned otherwise) {
		for (unsigned n = 0; n < 1500; n++)
			if (const int h = unmasking.load(); h >= 0)
				return static_cast<unsigned>(h);
		return otherwise;
	};
	std::vector<std::thread> threads;
	for (unsigned t = 0; t < kRaisers; t++)
		threads.emplace_back([&, t] {
			std::minstd_rand rng(200 + t);
			for (;;) {
				sync.arrive_and_wait();
				if (done.load())
					return;
				for (unsigned i = 0; i < kPerRound; i++) {
					unsigned h =
						kHot[rng() % std::size(kHot)];
					if (t == 1)
						h = being_unmasked(h);
					pause(rng);
					r.raise(bells_, m, rng() % kCpus, h);
				}
				sync.arrive_and_wait();
			}
		});
	threads.emplace_back([&] {
		std::minstd_rand rng(300);
		for (;;) {
			sync.arrive_and_wait();
			if (done.load())
				return;
			unsigned order[std::size(kHot)];
			for (unsigned i = 0; i < std::size(kHot); i++)
				order[i] = kHot[i];
			std::shuffle(std::begin(order), std::end(order), rng);
			for (unsigned h : order) {
				// Half the time, at a random point of a drain.
				if (rng() % 2)
					m.await_drain(0);
				pause(rng);
				m.set_unmasking(h, true);
				unmasking.store(h);
				cxipi_doorbells_unmask(bells_, h,
						       Machine::kick_cb, &m);
				unmasking.store(-1);
			}
			sync.arrive_and_wait();
		}
	});
	unsigned bad = kRounds;
	for (unsigned round = 0; round < kRounds && bad == kRounds; round++) {
		for (unsigned h : kHot) {
			m.set_unmasking(h, false);
			cxipi_doorbells_mask(bells_, h);
		}
		sync.arrive_and_wait();
		sync.arrive_and_wait();
		m.wait_quiet();
		if (pending_now() != 0)
			bad = round;
	}
	done.store(true);
	sync.arrive_and_wait();
	for (auto &t : threads)
		t.join();
	m.stop();
	summary(r, m);
	EXPECT_EQ(bad, kRounds)
		<< "round " << bad << " left " << pending_now()
		<< " doorbells latched after their unmask, every kick served";
	EXPECT_EQ(m.masked_deliveries(), 0u) << "delivered while masked";
	if (bad == kRounds) {
		expect_each_delivered_once(r, m);
		expect_books_balance(r);
	}
}

// P6, take and ack vs drain: each doorbell consumed exactly once.
//
//   raiser              target CPU                  endpoint
//   R1 set pending      D3 fetch_and_acquire(       T1 fetch_and_acquire(
//   R2 ... kick            pending, keep)              pending, ~bit)
//   forbidden: both D3 and T1 (or two T1s) return the same set bit, or a
//   set bit that neither returns.
//
// CPU 0 is online (drained on kicks) and also taken from; CPU 1 is a
// coprocessor: only the endpoint consumes its doorbells.
TEST_F(Litmus, TakeAckAndDrainConsumeEachDoorbellOnce)
{
	make(kCpus, kHwirqs);
	Machine m(bells_, kCpus, {});
	Raised r;
	Counts taken(kCpus * kHwirqs);
	m.start(1);
	std::atomic<bool> stop{ false };
	std::thread endpoint([&] {
		std::minstd_rand rng(400);
		while (!stop.load()) {
			// Half the time during a drain, to race with it.
			unsigned cpu = rng() % kCpus;
			if (rng() % 2)
				cpu = m.await_drain(cpu);
			unsigned h = 0;
			if (rng() % 2) {
				if (cxipi_doorbells_take(bells_, cpu, &h) == 1)
					add(taken, slot(cpu, h));
			} else {
				h = kHot[rng() % std::size(kHot)];
				if (cxipi_doorbells_ack(bells_, cpu, h) == 1)
					add(taken, slot(cpu, h));
			}
		}
	});
	std::vector<std::thread> raisers;
	for (unsigned t = 0; t < kRaisers; t++)
		raisers.emplace_back([&, t] {
			std::minstd_rand rng(500 + t);
			for (unsigned i = 0; i < kRaises; i++) {
				r.raise(bells_, m, rng() % kCpus,
					kHot[rng() % std::size(kHot)]);
				pause(rng);
			}
		});
	for (auto &t : raisers)
		t.join();
	stop.store(true);
	endpoint.join();
	m.wait_quiet();
	m.stop();
	summary(r, m);
	unsigned bad = 0;
	unsigned long total_taken = 0;
	for (unsigned c = 0; c < kCpus; c++)
		for (unsigned h = 0; h < kHwirqs; h++) {
			const unsigned s = slot(c, h);
			const unsigned long consumed = m.delivered(c, h) +
						       at(taken, s) +
						       pending(c, h);
			total_taken += at(taken, s);
			if (consumed != at(r.set, s) && bad++ < 5)
				ADD_FAILURE() << "cpu " << c << " hwirq " << h
					      << ": set " << at(r.set, s)
					      << " times, delivered "
					      << m.delivered(c, h) << ", taken "
					      << at(taken, s) << ", pending "
					      << pending(c, h);
		}
	EXPECT_EQ(bad, 0u) << "a doorbell consumed twice, or never";
	EXPECT_GT(total_taken, 0u);
	expect_books_balance(r);
}

// P1, the raiser's stores reach the consumer: release (R1) and acquire (T1,
// D3), checked by ThreadSanitizer on a plain payload.
//
//   producer                      consumer
//   payload = n (plain)           T1 fetch_and_acquire(pending, ~b)
//   R1 fetch_or_release(pending)     (bank 0: the endpoint takes), or
//   R2 ...                        D1 ... D3 fetch_and_acquire(pending, keep)
//                                    (bank 1: a drain that polls)
//                                 read payload (plain): n, not older
//                                 ready = true (release; the producer
//                                 acquires it before the next payload)
//   forbidden: the read not ordered after the write (a data race), or an
//   old payload.
// The endpoint never touches in_flight, so R1 -> T1 is its only happens-before
// edge from the producer.  A drain's D1 also acquires in_flight from R2, which
// hides a missing release or acquire on pending unless the drain lands
// between R1 and R2.
TEST_F(Litmus, RaiserStoresReachTheConsumer)
{
	constexpr unsigned kProducers = 2, kEach = 8, kSends = 800;
	constexpr unsigned kSlots = kProducers * kEach;
	make(2, kHwirqs);
	struct Slot {
		unsigned long payload = 0; // plain: TSan watches it
		std::atomic<bool> ready{ true };
		unsigned long last = 0; // the consumer's (ordered by ready)
	};
	std::vector<Slot> slots(2 * kSlots); // [bank * kSlots + h]
	std::atomic<unsigned long> stale{ 0 }, consumed{ 0 };
	std::atomic<bool> stop{ false };
	struct Consumer {
		std::vector<Slot> &slots;
		std::atomic<unsigned long> &stale, &consumed;
		unsigned bank;
		void operator()(unsigned h)
		{
			Slot &s = slots[bank * kSlots + h];
			if (s.payload <= s.last)
				stale.fetch_add(1, std::memory_order_relaxed);
			s.last = s.payload;
			consumed.fetch_add(1, std::memory_order_relaxed);
			s.ready.store(true, std::memory_order_release);
		}
	};
	std::thread endpoint([&] {
		Consumer consume{ slots, stale, consumed, 0 };
		while (!stop.load(std::memory_order_relaxed)) {
			unsigned h = 0;
			if (cxipi_doorbells_take(bells_, 0, &h) == 1)
				consume(h);
			else
				std::this_thread::yield();
		}
	});
	std::thread drainer([&] {
		Consumer consume{ slots, stale, consumed, 1 };
		auto deliver = [](void *ctx, unsigned h) {
			(*static_cast<Consumer *>(ctx))(h);
		};
		while (!stop.load(std::memory_order_relaxed))
			if (!drain_bank(bells_, 1, deliver,
						   &consume))
				std::this_thread::yield();
	});
	std::atomic<unsigned> gave_up{ 0 };
	std::vector<std::thread> producers;
	for (unsigned p = 0; p < kProducers; p++)
		producers.emplace_back([&, p] {
			const auto deadline =
				Clock::now() + std::chrono::seconds(5);
			for (unsigned n = 1; n <= kSends; n++)
				for (unsigned i = 0; i < 2 * kEach; i++) {
					const unsigned bank = i % 2;
					const unsigned h = p * kEach + i / 2;
					Slot &s = slots[bank * kSlots + h];
					while (!s.ready.load(
						std::memory_order_acquire)) {
						if (Clock::now() > deadline) {
							gave_up++;
							return;
						}
						std::this_thread::yield();
					}
					s.payload = n;
					s.ready.store(
						false,
						std::memory_order_relaxed);
					cxipi_doorbells_raise(bells_, bank, h);
				}
		});
	for (auto &t : producers)
		t.join();
	// Let the last doorbells be consumed (bounded: a lost one shows in
	// the count below).
	const auto deadline = Clock::now() + std::chrono::seconds(5);
	while (consumed.load() < 2 * kSlots * kSends && Clock::now() < deadline)
		std::this_thread::yield();
	stop.store(true);
	endpoint.join();
	drainer.join();
	EXPECT_EQ(gave_up.load(), 0u);
	EXPECT_EQ(consumed.load(), 2 * kSlots * kSends);
	EXPECT_EQ(stale.load(), 0u) << "a consumer read an old payload";
	cxipi_doorbell_stats taken{}, drained{};
	ASSERT_EQ(cxipi_doorbells_stats(bells_, 0, &taken), 0);
	ASSERT_EQ(cxipi_doorbells_stats(bells_, 1, &drained), 0);
	EXPECT_EQ(taken.taken, kSlots * kSends);
	EXPECT_EQ(drained.delivered, kSlots * kSends);
}

// The books, with every operation at once (drop and reset's clearing
// included): raised == coalesced + delivered + taken + dropped + pending.
// Each clear of a pending bit is counted once by the RMW that cleared it
// (P6); drop counts only a doorbell that was pending.
TEST_F(Litmus, BooksBalanceUnderEveryOperation)
{
	make(kCpus, kHwirqs);
	Machine m(bells_, kCpus, {});
	Raised r;
	m.start(1); // CPU 1 is a coprocessor
	std::atomic<bool> stop{ false };
	std::atomic<unsigned long> ops{ 0 };
	std::vector<std::thread> threads;
	threads.emplace_back([&] {
		std::minstd_rand rng(600);
		for (; !stop.load(); ops++) {
			const unsigned cpu = rng() % kCpus;
			const unsigned h = kHot[rng() % std::size(kHot)];
			unsigned got = 0;
			switch (rng() % 5) {
			case 0:
				cxipi_doorbells_take(bells_, cpu, &got);
				break;
			case 1:
				cxipi_doorbells_ack(bells_, cpu, h);
				break;
			case 2:
			case 3:
				cxipi_doorbells_drop(bells_, cpu, h);
				break;
			default:
				cxipi_doorbells_mask(bells_, h);
				cxipi_doorbells_unmask(bells_, h,
						       Machine::kick_cb, &m);
			}
		}
	});
	for (unsigned t = 0; t < kRaisers; t++)
		threads.emplace_back([&, t] {
			std::minstd_rand rng(700 + t);
			// Until the other thread has had its go, too.
			for (unsigned i = 0;
			     i < kRaises ||
			     (ops.load() < kRaises && i < 20 * kRaises);
			     i++) {
				r.raise(bells_, m, rng() % kCpus,
					kHot[rng() % std::size(kHot)]);
				pause(rng);
			}
		});
	for (unsigned t = 1; t < threads.size(); t++)
		threads[t].join();
	stop.store(true);
	threads[0].join();
	m.wait_quiet();
	m.stop();
	summary(r, m);
	expect_books_balance(r);
	cxipi_doorbell_stats s{};
	ASSERT_EQ(cxipi_doorbells_stats(bells_, 1, &s), 0);
	EXPECT_GT(s.dropped, 0u);
	EXPECT_GT(s.taken, 0u);
}
