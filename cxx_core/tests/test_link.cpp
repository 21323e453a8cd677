// SPDX-License-Identifier: GPL-2.0
// Doorbell links: both sides of a link over one buffer that stands for the
// shared memory, as two machines would see it.  Round trips both ways,
// coalescing, doorbells latched while a side is away, and the other side
// as an adversary: a header the endpoint must refuse, and shared memory
// overwritten with garbage between scans, which may only ever yield
// doorbells of the link's own geometry.
#include <cxipi/core.h>

#include "test_env.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace
{

using Events = std::vector<cxipi_link_event>;

constexpr unsigned kCpus = 8, kCoproc = 6;

cxipi_link_geometry geometry(unsigned hwirqs0 = 64, unsigned hwirqs1 = 48)
{
	cxipi_link_geometry geo{};
	geo.nr_cpus = kCpus;
	geo.coproc_cpu = kCoproc;
	geo.nr_banks = 2;
	geo.nr_hwirqs[0] = hwirqs0;
	geo.nr_hwirqs[1] = hwirqs1;
	return geo;
}

class Link : public ::testing::Test
{
protected:
	void SetUp() override
	{
		bytes_ = cxipi_link_bytes(&geo_);
		ASSERT_GT(bytes_, 0u);
		// Exactly the layout: ASan sees any access past it.
		shm_.assign(bytes_ / 4, 0);
		host_ = open_host();
		ASSERT_NE(host_, nullptr);
		end_ = open_endpoint();
		ASSERT_NE(end_, nullptr);
	}
	void TearDown() override
	{
		cxipi_link_close(&test_env::env, host_);
		cxipi_link_close(&test_env::env, end_);
		EXPECT_EQ(test_env::live(), 0);
	}
	cxipi_link *open_host(int expect = 0)
	{
		int err = 1;
		cxipi_link *l =
			cxipi_link_open_host(&test_env::env, shm_.data(),
					     shm_.size() * 4, &geo_, 3, &err);
		EXPECT_EQ(err, expect);
		return l;
	}
	cxipi_link *open_endpoint(int expect = 0)
	{
		int err = 1;
		cxipi_link *l = cxipi_link_open_endpoint(
			&test_env::env, shm_.data(), shm_.size() * 4, 9, &err);
		EXPECT_EQ(err, expect);
		EXPECT_EQ(l == nullptr, expect != 0);
		return l;
	}
	static Events scan(cxipi_link *l, int expect = 0)
	{
		Events got;
		EXPECT_EQ(cxipi_link_scan_begin(l), expect);
		if (expect)
			return got;
		unsigned cursor = 0;
		cxipi_link_event ev;
		while (cxipi_link_scan_next(l, &cursor, &ev))
			got.push_back(ev);
		return got;
	}
	static cxipi_link_stats stats(cxipi_link *l)
	{
		cxipi_link_stats s;
		cxipi_link_get_stats(l, &s);
		return s;
	}
	uint32_t &host_word(unsigned i) { return shm_[i]; }
	uint32_t &peer_word(unsigned i)
	{
		return shm_[shm_[CXIPI_LINK_H_PEER_OFFSET] / 4 + i];
	}

	cxipi_link_geometry geo_ = geometry();
	size_t bytes_ = 0;
	std::vector<uint32_t> shm_;
	cxipi_link *host_ = nullptr, *end_ = nullptr;
};

void expect_event(const cxipi_link_event &ev, unsigned bank, unsigned cpu,
		  unsigned hwirq, unsigned count)
{
	EXPECT_EQ(ev.bank, bank);
	EXPECT_EQ(ev.cpu, cpu);
	EXPECT_EQ(ev.hwirq, hwirq);
	EXPECT_EQ(ev.count, count);
}

TEST_F(Link, LayoutIsTheDocumentedOne)
{
	EXPECT_EQ(host_word(CXIPI_LINK_H_MAGIC), CXIPI_LINK_HOST_MAGIC);
	EXPECT_EQ(std::memcmp(shm_.data(), "CXIL", 4), 0);
	EXPECT_EQ(host_word(CXIPI_LINK_H_VERSION), 1u);
	EXPECT_EQ(host_word(CXIPI_LINK_H_STATE), CXIPI_LINK_UP);
	EXPECT_EQ(host_word(CXIPI_LINK_H_ID), 3u);
	EXPECT_EQ(host_word(CXIPI_LINK_H_COPROC_CPU), kCoproc);
	EXPECT_EQ(host_word(CXIPI_LINK_H_PEER_OFFSET) % 4096, 0u);
	EXPECT_EQ(peer_word(CXIPI_LINK_P_MAGIC), CXIPI_LINK_PEER_MAGIC);
	EXPECT_EQ(peer_word(CXIPI_LINK_P_STATE), CXIPI_LINK_UP);
	EXPECT_EQ(peer_word(CXIPI_LINK_P_ID), 9u);
	cxipi_link_peer p;
	cxipi_link_get_peer(host_, &p);
	EXPECT_TRUE(p.compatible && p.up);
	EXPECT_EQ(p.id, 9);
	cxipi_link_get_peer(end_, &p);
	EXPECT_TRUE(p.compatible && p.up);
	EXPECT_EQ(p.id, 3);
}

TEST_F(Link, RoundTripsBothWaysAndCoalescing)
{
	ASSERT_EQ(cxipi_link_post(host_, 1, kCoproc, 47), 0);
	Events got = scan(end_);
	ASSERT_EQ(got.size(), 1u);
	expect_event(got[0], 1, kCoproc, 47, 1);
	ASSERT_EQ(cxipi_link_post(end_, 0, 2, 5), 0);
	ASSERT_EQ(cxipi_link_post(end_, 0, 2, 5), 0);
	ASSERT_EQ(cxipi_link_post(end_, 0, 2, 5), 0);
	ASSERT_EQ(cxipi_link_post(end_, 1, 7, 0), 0);
	got = scan(host_);
	ASSERT_EQ(got.size(), 2u);
	expect_event(got[0], 0, 2, 5, 3);
	expect_event(got[1], 1, 7, 0, 1);
	EXPECT_EQ(stats(host_).received, 2u);
	EXPECT_EQ(stats(host_).coalesced, 2u);
	EXPECT_EQ(stats(end_).posted, 4u);
	EXPECT_TRUE(scan(host_).empty());
}

TEST_F(Link, PostsOutsideTheGeometryAreRefused)
{
	EXPECT_EQ(cxipi_link_post(host_, 0, kCoproc - 1, 0), -CXIPI_EINVAL);
	EXPECT_EQ(cxipi_link_post(host_, 2, kCoproc, 0), -CXIPI_EINVAL);
	EXPECT_EQ(cxipi_link_post(host_, 1, kCoproc, 48), -CXIPI_EINVAL);
	EXPECT_EQ(cxipi_link_post(end_, 0, kCpus, 0), -CXIPI_EINVAL);
	EXPECT_EQ(cxipi_link_post(end_, 0, 0, 64), -CXIPI_EINVAL);
	EXPECT_EQ(stats(host_).posted + stats(end_).posted, 0u);
}

TEST_F(Link, LatchedWhileTheEndpointIsAwayAndDeliveredOnReturn)
{
	cxipi_link_close(&test_env::env, end_);
	end_ = nullptr;
	cxipi_link_peer p;
	cxipi_link_get_peer(host_, &p);
	EXPECT_FALSE(p.up);
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(cxipi_link_post(host_, 0, kCoproc, 9), 0);
	ASSERT_EQ(cxipi_link_post(host_, 1, kCoproc, 1), 0);
	EXPECT_EQ(stats(host_).unacked, 2u);
	end_ = open_endpoint();
	Events got = scan(end_);
	ASSERT_EQ(got.size(), 2u);
	expect_event(got[0], 0, kCoproc, 9, 5);
	expect_event(got[1], 1, kCoproc, 1, 1);
	EXPECT_EQ(stats(host_).unacked, 0u);
	// What it consumed stays consumed when it comes back again.
	cxipi_link_close(&test_env::env, end_);
	end_ = open_endpoint();
	EXPECT_TRUE(scan(end_).empty());
}

TEST_F(Link, HostReloadGoesOnWithItsCounters)
{
	ASSERT_EQ(cxipi_link_post(host_, 0, kCoproc, 1), 0);
	cxipi_link_close(&test_env::env, host_);
	host_ = open_host();
	ASSERT_EQ(cxipi_link_post(host_, 0, kCoproc, 1), 0);
	Events got = scan(end_);
	ASSERT_EQ(got.size(), 1u);
	expect_event(got[0], 0, kCoproc, 1, 2);
	EXPECT_EQ(stats(end_).backwards, 0u);
}

TEST_F(Link, HostRelayoutMakesTheEndpointReopen)
{
	const uint32_t generation = host_word(CXIPI_LINK_H_GENERATION);
	EXPECT_EQ(generation % 2, 0u);
	cxipi_link_close(&test_env::env, host_);
	geo_ = geometry(32, 16);
	host_ = open_host();
	EXPECT_EQ(host_word(CXIPI_LINK_H_GENERATION), generation + 2);
	scan(end_, -CXIPI_EPROTO);
	EXPECT_EQ(stats(end_).refused, 1u);
	cxipi_link_close(&test_env::env, end_);
	end_ = open_endpoint();
	ASSERT_EQ(cxipi_link_post(host_, 1, kCoproc, 15), 0);
	Events got = scan(end_);
	ASSERT_EQ(got.size(), 1u);
	expect_event(got[0], 1, kCoproc, 15, 1);
}

// The shim opens the endpoint's new link before it lets the old one go:
// the old one must not say down in what is now the new layout's word.
TEST_F(Link, ASupersededEndpointLinkWritesNothing)
{
	cxipi_link_close(&test_env::env, host_);
	geo_ = geometry(32, 16);
	host_ = open_host();
	cxipi_link *fresh = open_endpoint();
	ASSERT_NE(fresh, nullptr);
	cxipi_link_close(&test_env::env, end_);
	end_ = fresh;
	cxipi_link_peer p;
	cxipi_link_get_peer(host_, &p);
	EXPECT_TRUE(p.compatible && p.up);
	ASSERT_EQ(cxipi_link_post(host_, 0, kCoproc, 31), 0);
	EXPECT_EQ(scan(end_).size(), 1u);
}

TEST_F(Link, EndpointRefusesBadHeaders)
{
	struct Case {
		unsigned word;
		uint32_t value;
		int err;
	};
	const unsigned d0 = CXIPI_LINK_H_BANKS;
	const Case cases[] = {
		{ CXIPI_LINK_H_MAGIC, 0x12345678, -CXIPI_EPROTO },
		{ CXIPI_LINK_H_VERSION, 2, -CXIPI_EPROTO },
		{ CXIPI_LINK_H_STATE, CXIPI_LINK_DOWN, -CXIPI_EAGAIN },
		{ CXIPI_LINK_H_NR_BANKS, 0, -CXIPI_EPROTO },
		{ CXIPI_LINK_H_NR_BANKS, 5, -CXIPI_EPROTO },
		{ CXIPI_LINK_H_NR_BANKS, 0xffffffff, -CXIPI_EPROTO },
		{ CXIPI_LINK_H_NR_CPUS, 0, -CXIPI_EPROTO },
		{ CXIPI_LINK_H_NR_CPUS, 5000, -CXIPI_EPROTO },
		{ CXIPI_LINK_H_COPROC_CPU, kCpus, -CXIPI_EPROTO },
		{ CXIPI_LINK_H_BYTES, 0x7fffffff, -CXIPI_EPROTO },
		{ CXIPI_LINK_H_PEER_OFFSET, 0, -CXIPI_EPROTO },
		{ CXIPI_LINK_H_PEER_BYTES, 1u << 30, -CXIPI_EPROTO },
		{ d0 + CXIPI_LINK_B_NR_HWIRQS, 0, -CXIPI_EPROTO },
		{ d0 + CXIPI_LINK_B_NR_HWIRQS, 1u << 20, -CXIPI_EPROTO },
		{ d0 + CXIPI_LINK_B_NR_HWIRQS, 65, -CXIPI_EPROTO },
		{ d0 + CXIPI_LINK_B_DOWN_OFFSET, 0, -CXIPI_EPROTO },
		{ d0 + CXIPI_LINK_B_ACK_OFFSET, 0xfffffff0, -CXIPI_EPROTO },
		{ d0 + CXIPI_LINK_BANK_WORDS + CXIPI_LINK_B_UP_OFFSET, 4,
		  -CXIPI_EPROTO },
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(testing::Message()
			     << "word " << c.word << " = " << c.value);
		const uint32_t saved = host_word(c.word);
		host_word(c.word) = c.value;
		EXPECT_EQ(open_endpoint(c.err), nullptr);
		host_word(c.word) = saved;
	}
	// A layout larger than the memory the endpoint was given.
	int err = 0;
	EXPECT_EQ(cxipi_link_open_endpoint(&test_env::env, shm_.data(),
					   bytes_ - 4, 9, &err),
		  nullptr);
	EXPECT_EQ(err, -CXIPI_EPROTO);
	EXPECT_EQ(cxipi_link_open_endpoint(&test_env::env, shm_.data(), 16, 9,
					   &err),
		  nullptr);
	EXPECT_EQ(err, -CXIPI_EPROTO);
}

TEST_F(Link, HostRefusesAPeerOfAnotherVersion)
{
	ASSERT_EQ(cxipi_link_post(end_, 0, 1, 1), 0);
	peer_word(CXIPI_LINK_P_VERSION) = 7;
	scan(host_, -CXIPI_EPROTO);
	EXPECT_EQ(stats(host_).refused, 1u);
	EXPECT_EQ(stats(host_).received, 0u);
	peer_word(CXIPI_LINK_P_VERSION) = 1;
	EXPECT_EQ(scan(host_).size(), 1u);
}

TEST_F(Link, CountersGoingBackwardsAreCountedNotDelivered)
{
	ASSERT_EQ(cxipi_link_post(end_, 0, 1, 1), 0);
	EXPECT_EQ(scan(host_).size(), 1u);
	const unsigned up0 =
		host_word(CXIPI_LINK_H_BANKS + CXIPI_LINK_B_UP_OFFSET) / 4;
	shm_[up0 + 1 * 64 + 1] = 0; // the peer lost its count
	EXPECT_TRUE(scan(host_).empty());
	EXPECT_EQ(stats(host_).backwards, 1u);
	ASSERT_EQ(cxipi_link_post(end_, 0, 1, 1), 0); // its own count: 2
	EXPECT_EQ(scan(host_).size(), 1u);
}

// The hostile peer: every byte of shared memory random between scans.
// Whatever the host reads, each event is a doorbell of its own geometry,
// and nothing is read or written outside the layout (ASan: the buffer is
// exactly the layout's size, padding aside).
TEST_F(Link, GarbageOnlyYieldsDoorbellsOfTheGeometry)
{
	std::mt19937 rng(16);
	const size_t layout_words = bytes_ / 4;
	const unsigned p = host_word(CXIPI_LINK_H_PEER_OFFSET) / 4;
	unsigned long events = 0;
	for (int round = 0; round < 300; round++) {
		// Half the rounds keep the peer's header, so scans happen.
		const uint32_t keep[5] = { shm_[p], shm_[p + 1], shm_[p + 2],
					   shm_[p + 3], shm_[p + 4] };
		for (size_t i = 0; i < layout_words; i++)
			if (rng() % 4 == 0)
				shm_[i] = rng() % 3 ? rng() : rng() % 4;
		if (round % 2)
			for (unsigned i = 0; i < 5; i++)
				shm_[p + i] = keep[i];
		if (cxipi_link_scan_begin(host_) == 0) {
			unsigned cursor = 0;
			cxipi_link_event ev;
			while (cxipi_link_scan_next(host_, &cursor, &ev)) {
				ASSERT_LT(ev.bank, 2u);
				ASSERT_LT(ev.cpu, kCpus);
				ASSERT_LT(ev.hwirq, geo_.nr_hwirqs[ev.bank]);
				ASSERT_GE(ev.count, 1u);
				ASSERT_LT(ev.count, 0x80000000u);
				events++;
			}
		}
		cxipi_link_peer peer;
		cxipi_link_get_peer(host_, &peer);
		ASSERT_GE(peer.id, -1);
		ASSERT_LE(peer.id, 0xffff);
		(void)stats(host_);
		// Posting still works and stays in its own words.
		ASSERT_EQ(cxipi_link_post(host_, round % 2, kCoproc, 0), 0);
	}
	EXPECT_GT(events, 0u);
	EXPECT_GT(stats(host_).refused, 0u);
	// The endpoint, opening on garbage, refuses or accepts a layout
	// that is exactly its own computation; it never crashes.
	for (int round = 0; round < 300; round++) {
		for (size_t i = 0; i < CXIPI_LINK_H_BANKS + 16; i++)
			if (rng() % 3 == 0)
				shm_[i] = rng() % 2 ? rng() : rng() % 8;
		int err = 0;
		cxipi_link *l = cxipi_link_open_endpoint(
			&test_env::env, shm_.data(), layout_words * 4, 9, &err);
		if (l) {
			cxipi_link_geometry g;
			cxipi_link_get_geometry(l, &g);
			EXPECT_LE(cxipi_link_bytes(&g), layout_words * 4);
			cxipi_link_close(&test_env::env, l);
		} else {
			EXPECT_TRUE(err == -CXIPI_EPROTO ||
				    err == -CXIPI_EAGAIN);
		}
	}
}

TEST(LinkGeometry, LimitsAreChecked)
{
	cxipi_link_geometry g = geometry();
	EXPECT_GT(cxipi_link_bytes(&g), 4096u);
	g.nr_banks = 0;
	EXPECT_EQ(cxipi_link_bytes(&g), 0u);
	g = geometry();
	g.coproc_cpu = kCpus;
	EXPECT_EQ(cxipi_link_bytes(&g), 0u);
	g = geometry(CXIPI_LINK_MAX_HWIRQS + 1);
	EXPECT_EQ(cxipi_link_bytes(&g), 0u);
	g = geometry(CXIPI_LINK_MAX_HWIRQS, CXIPI_LINK_MAX_HWIRQS);
	g.nr_cpus = CXIPI_LINK_MAX_CPUS;
	g.coproc_cpu = 0;
	EXPECT_GT(cxipi_link_bytes(&g), 1ul << 31); // 2 GiB of up counters
	g.nr_banks = 4;
	g.nr_hwirqs[2] = g.nr_hwirqs[3] = CXIPI_LINK_MAX_HWIRQS;
	EXPECT_EQ(cxipi_link_bytes(&g), 0u); // past 32-bit offsets
	int err = 0;
	std::vector<uint32_t> small(1024);
	g = geometry();
	EXPECT_EQ(cxipi_link_open_host(&test_env::env, small.data(),
				       small.size() * 4, &g, 0, &err),
		  nullptr);
	EXPECT_EQ(err, -CXIPI_ENOSPC);
}

} // namespace
