// SPDX-License-Identifier: GPL-2.0
// bitmap.hpp: BitsView and BitsSpan against a naive bit-by-bit model.
#include "bitmap.hpp"

#include "test_env.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using cxipi::BitsSpan;
using cxipi::BitsView;
using cxipi::Word;

namespace {

// ---- naive model: one bit at a time, bits >= nbits do not exist ----------

bool naive_test(const Mask &m, unsigned bit) { return m.test(bit); }

unsigned naive_next(const Mask &m, unsigned from, bool value)
{
	for (unsigned b = from; b < m.nbits(); b++)
		if (naive_test(m, b) == value)
			return b;
	return m.nbits();
}

bool naive_has_hole(const Mask &m)
{
	const unsigned first = naive_next(m, 0, true);
	if (first >= m.nbits())
		return false;
	const unsigned gap = naive_next(m, first, false);
	return gap < m.nbits() && naive_next(m, gap, true) < m.nbits();
}

bool naive_subset(const Mask &a, const Mask &b)
{
	for (unsigned bit = 0; bit < a.nbits(); bit++)
		if (naive_test(a, bit) && !naive_test(b, bit))
			return false;
	return true;
}

unsigned naive_popcount(Word w)
{
	unsigned n = 0;
	for (unsigned i = 0; i < 64; i++)
		n += (w >> i) & 1;
	return n;
}

// A random mask where each bit is set with probability @density; @garbage
// sets every bit past nbits in the last word.
Mask random_mask(unsigned nbits, double density, std::mt19937_64 &rng,
		 bool garbage)
{
	Mask m(nbits);
	std::bernoulli_distribution coin(density);
	for (unsigned b = 0; b < nbits; b++)
		if (coin(rng))
			m.set(b);
	if (garbage)
		m.set_garbage();
	return m;
}

BitsView view(const Mask &m) { return BitsView(m.data(), m.nbits()); }

// Compare every query of BitsView against the model.
void expect_matches_model(const Mask &m)
{
	const BitsView v = view(m);
	const unsigned n = m.nbits();
	SCOPED_TRACE("nbits=" + std::to_string(n));
	ASSERT_EQ(v.size(), n);
	EXPECT_EQ(v.weight(), m.weight());
	EXPECT_EQ(v.empty(), m.weight() == 0);
	EXPECT_EQ(v.first(), naive_next(m, 0, true));
	EXPECT_EQ(v.has_hole(), naive_has_hole(m));
	for (unsigned b = 0; b < n + 70; b++)
		ASSERT_EQ(v.test(b), naive_test(m, b)) << "bit " << b;
	for (unsigned from = 0; from < n + 3; from++) {
		ASSERT_EQ(v.next_set(from), naive_next(m, from, true))
			<< "next_set from " << from;
		ASSERT_EQ(v.next_clear(from), naive_next(m, from, false))
			<< "next_clear from " << from;
	}
}

const unsigned kSizes[] = {1, 63, 64, 65, 1024, 8192};
// Sizes whose last word is partial, so that there is room for garbage.
const unsigned kPartialSizes[] = {1, 63, 65, 1000, 8191};

} // namespace

// ---- word helpers ---------------------------------------------------------

TEST(BitmapWords, WordsForRoundsUpToWholeWords)
{
	EXPECT_EQ(cxipi::words_for(0), 0u);
	EXPECT_EQ(cxipi::words_for(1), 1u);
	EXPECT_EQ(cxipi::words_for(63), 1u);
	EXPECT_EQ(cxipi::words_for(64), 1u);
	EXPECT_EQ(cxipi::words_for(65), 2u);
	EXPECT_EQ(cxipi::words_for(1024), 16u);
	EXPECT_EQ(cxipi::words_for(8192), 128u);
	EXPECT_EQ(cxipi::words_for(8193), 129u);
}

TEST(BitmapWords, PopcountMatchesNaiveCountOnEdgeAndRandomWords)
{
	const Word edges[] = {0UL,
			      ~0UL,
			      1UL,
			      1UL << 63,
			      0x5555555555555555UL,
			      0xaaaaaaaaaaaaaaaaUL,
			      0x8000000000000001UL,
			      0x00000000ffffffffUL,
			      0xffffffff00000000UL,
			      0x0123456789abcdefUL};
	for (Word w : edges)
		EXPECT_EQ(cxipi::popcount(w), naive_popcount(w)) << std::hex << w;
	std::mt19937_64 rng(1);
	for (int i = 0; i < 100000; i++) {
		const Word w = rng();
		ASSERT_EQ(cxipi::popcount(w), naive_popcount(w)) << std::hex << w;
	}
	// Every single-bit and every all-low-bits word.
	for (unsigned i = 0; i < 64; i++) {
		EXPECT_EQ(cxipi::popcount(1UL << i), 1u);
		EXPECT_EQ(cxipi::popcount(~0UL >> i), 64u - i);
	}
}

TEST(BitmapWords, PopcountAndScanWorkAtCompileTime)
{
	static_assert(cxipi::popcount(0xf0f0UL) == 8);
	static constexpr Word words[2] = {0, 1UL << 3};
	static_assert(BitsView(words, 70).first() == 67);
	static_assert(BitsView(words, 67).empty());
	static_assert(BitsView(words, 68).weight() == 1);
	SUCCEED();
}

TEST(BitmapWords, LowestBitOfEverySingleBitWord)
{
	for (unsigned i = 0; i < 64; i++) {
		EXPECT_EQ(cxipi::lowest_bit(1UL << i), i);
		EXPECT_EQ(cxipi::lowest_bit(~0UL << i), i);
	}
}

// ---- BitsView, for every interesting size ----------------------------------

class BitsViewSizes : public ::testing::TestWithParam<unsigned> {};

TEST_P(BitsViewSizes, AllClearMaskIsEmptyWithNoSetBit)
{
	const unsigned n = GetParam();
	Mask m(n);
	const BitsView v = view(m);
	EXPECT_TRUE(v.empty());
	EXPECT_EQ(v.weight(), 0u);
	EXPECT_EQ(v.first(), n);
	EXPECT_EQ(v.next_set(0), n);
	EXPECT_EQ(v.next_clear(0), 0u);
	EXPECT_EQ(v.next_clear(n - 1), n - 1);
	EXPECT_FALSE(v.has_hole());
	EXPECT_EQ(v.word_count(), cxipi::words_for(n));
}

TEST_P(BitsViewSizes, AllSetMaskHasFullWeightAndNoClearBit)
{
	const unsigned n = GetParam();
	Mask m(n);
	m.fill();
	const BitsView v = view(m);
	EXPECT_FALSE(v.empty());
	EXPECT_EQ(v.weight(), n);
	EXPECT_EQ(v.first(), 0u);
	EXPECT_EQ(v.next_clear(0), n);
	EXPECT_EQ(v.next_set(n - 1), n - 1);
	EXPECT_FALSE(v.has_hole());
}

TEST_P(BitsViewSizes, LastBitAloneIsFoundAndHasNoHole)
{
	const unsigned n = GetParam();
	Mask m(n);
	m.set(n - 1);
	const BitsView v = view(m);
	EXPECT_EQ(v.weight(), 1u);
	EXPECT_EQ(v.first(), n - 1);
	EXPECT_EQ(v.next_set(n - 1), n - 1);
	EXPECT_EQ(v.next_clear(0), n == 1 ? 1u : 0u);
	EXPECT_FALSE(v.has_hole());
	EXPECT_TRUE(v.test(n - 1));
	EXPECT_FALSE(v.test(n));
}

TEST_P(BitsViewSizes, FirstAndLastBitMakeAHoleWhenApart)
{
	const unsigned n = GetParam();
	Mask m(n);
	m.set(0).set(n - 1);
	const BitsView v = view(m);
	EXPECT_EQ(v.weight(), n == 1 ? 1u : 2u);
	EXPECT_EQ(v.first(), 0u);
	// With n <= 2 the two bits touch (or coincide): no hole.
	EXPECT_EQ(v.has_hole(), n > 2);
}

TEST_P(BitsViewSizes, NextSetAndNextClearFromPastTheEndReturnSize)
{
	const unsigned n = GetParam();
	Mask m(n);
	m.set_garbage();
	const BitsView v = view(m);
	EXPECT_EQ(v.next_set(n), n);
	EXPECT_EQ(v.next_clear(n), n);
	EXPECT_EQ(v.next_set(n + 1), n);
	EXPECT_EQ(v.next_clear(n + 1000), n);
}

TEST_P(BitsViewSizes, RandomMasksOfEveryDensityMatchNaiveModel)
{
	const unsigned n = GetParam();
	std::mt19937_64 rng(n);
	for (double density : {0.0, 0.01, 0.3, 0.5, 0.9, 0.99, 1.0})
		for (bool garbage : {false, true}) {
			SCOPED_TRACE("density=" + std::to_string(density) +
				     " garbage=" + std::to_string(garbage));
			expect_matches_model(random_mask(n, density, rng, garbage));
		}
}

TEST_P(BitsViewSizes, ContiguousRunsHaveNoHoleAndSplitRunsHaveOne)
{
	const unsigned n = GetParam();
	std::mt19937 rng(n);
	for (int i = 0; i < 200; i++) {
		const unsigned first = rng() % n;
		const unsigned count = 1 + rng() % (n - first);
		Mask run(n);
		run.set_range(first, count);
		run.set_garbage();
		const BitsView v = view(run);
		ASSERT_FALSE(v.has_hole()) << first << "+" << count;
		ASSERT_EQ(v.weight(), count);
		ASSERT_EQ(v.first(), first);
		ASSERT_EQ(v.next_clear(first), first + count);
		if (count >= 3) {
			// Punch a hole strictly inside the run.
			const unsigned hole = first + 1 + rng() % (count - 2);
			run.clear(hole);
			ASSERT_TRUE(view(run).has_hole())
				<< first << "+" << count << " hole " << hole;
		}
	}
}

TEST_P(BitsViewSizes, SubsetOfMatchesNaiveModel)
{
	const unsigned n = GetParam();
	std::mt19937_64 rng(n * 7 + 1);
	for (int i = 0; i < 50; i++) {
		Mask a = random_mask(n, 0.3, rng, false);
		Mask b = a;
		// b is a superset of a: a few extra bits.
		for (int k = 0; k < 3; k++)
			b.set(rng() % n);
		EXPECT_TRUE(view(a).subset_of(view(b)));
		EXPECT_EQ(view(b).subset_of(view(a)), naive_subset(b, a));
		Mask c = random_mask(n, 0.5, rng, i % 2);
		EXPECT_EQ(view(a).subset_of(view(c)), naive_subset(a, c));
		EXPECT_EQ(view(c).subset_of(view(a)), naive_subset(c, a));
	}
	// One bit outside is enough to break the subset relation.
	Mask small(n), big(n);
	small.set(n - 1);
	EXPECT_FALSE(view(small).subset_of(view(big)));
	big.set(n - 1);
	EXPECT_TRUE(view(small).subset_of(view(big)));
}

INSTANTIATE_TEST_SUITE_P(Bitmap, BitsViewSizes, ::testing::ValuesIn(kSizes),
			 [](const ::testing::TestParamInfo<unsigned> &info) {
				 return "nbits" + std::to_string(info.param);
			 });

// ---- garbage past nbits ------------------------------------------------------

class BitsViewGarbage : public ::testing::TestWithParam<unsigned> {};

TEST_P(BitsViewGarbage, GarbagePastNbitsIsInvisibleToEveryQuery)
{
	const unsigned n = GetParam();
	Mask m(n);
	m.set_garbage();
	ASSERT_NE(m.data()[m.word_count() - 1], 0UL); // the garbage is there
	const BitsView v = view(m);
	EXPECT_TRUE(v.empty());
	EXPECT_EQ(v.weight(), 0u);
	EXPECT_EQ(v.first(), n);
	EXPECT_FALSE(v.has_hole());
	EXPECT_FALSE(v.test(n));
	EXPECT_EQ(v.word(v.word_count() - 1), 0UL);
	for (unsigned from = 0; from < n; from += (n > 200 ? 97 : 1))
		EXPECT_EQ(v.next_clear(from), from);
	EXPECT_EQ(v.next_clear(n - 1), n - 1);
	Mask none(n);
	EXPECT_TRUE(v.subset_of(view(none)));
}

TEST_P(BitsViewGarbage, GarbageDoesNotMakeAHoleAfterARunEndingAtNbits)
{
	const unsigned n = GetParam();
	Mask m(n);
	m.set(n - 1).set_garbage();
	// Clear bit n is garbage-set, so a naive reader would see 1,1,1...
	// and a reader honouring only the first set bit might go past nbits.
	EXPECT_FALSE(view(m).has_hole());
	EXPECT_EQ(view(m).weight(), 1u);
	EXPECT_EQ(view(m).next_clear(n - 1), n);

	// A run then a clear bit then garbage: the garbage is not "a set bit
	// after the gap".
	if (n >= 2) {
		Mask k(n);
		k.set(0).set_garbage();
		k.clear(n - 1);
		EXPECT_FALSE(view(k).has_hole());
	}
}

TEST_P(BitsViewGarbage, SupersetGarbageIsIgnoredBySubsetOf)
{
	const unsigned n = GetParam();
	Mask a(n), b(n);
	a.set(0).set_garbage();
	b.set(0);
	EXPECT_TRUE(view(a).subset_of(view(b)));
	EXPECT_TRUE(view(b).subset_of(view(a)));
}

INSTANTIATE_TEST_SUITE_P(Bitmap, BitsViewGarbage,
			 ::testing::ValuesIn(kPartialSizes),
			 [](const ::testing::TestParamInfo<unsigned> &info) {
				 return "nbits" + std::to_string(info.param);
			 });

// ---- exhaustive small masks ---------------------------------------------------

TEST(BitsViewExhaustive, EveryMaskUpTo12BitsMatchesNaiveModel)
{
	for (unsigned n = 1; n <= 12; n++)
		for (Word bits = 0; bits < (Word{1} << n); bits++) {
			Mask m(n);
			m.words()[0] = bits;
			// Garbage on alternate masks.
			if (bits & 1)
				m.set_garbage();
			const BitsView v = view(m);
			ASSERT_EQ(v.weight(), m.weight()) << n << ":" << bits;
			ASSERT_EQ(v.has_hole(), naive_has_hole(m))
				<< n << ":" << bits;
			ASSERT_EQ(v.first(), naive_next(m, 0, true));
			for (unsigned from = 0; from <= n; from++) {
				ASSERT_EQ(v.next_set(from),
					  naive_next(m, from, true));
				ASSERT_EQ(v.next_clear(from),
					  naive_next(m, from, false));
			}
		}
}

// ---- BitsSpan -------------------------------------------------------------------

TEST(BitsSpan, SetAndClearAcrossWordBoundaries)
{
	std::vector<Word> words(3, 0);
	BitsSpan s(words.data(), 150);
	s.set(0);
	s.set(63);
	s.set(64);
	s.set(149);
	EXPECT_EQ(words[0], 0x8000000000000001UL);
	EXPECT_EQ(words[1], 1UL);
	EXPECT_EQ(words[2], 1UL << (149 - 128));
	EXPECT_EQ(s.weight(), 4u);
	s.clear(63);
	s.clear(149);
	EXPECT_EQ(words[0], 1UL);
	EXPECT_EQ(words[2], 0UL);
	EXPECT_EQ(s.weight(), 2u);
}

TEST(BitsSpan, SetRangeAndClearRangeTouchExactlyTheRange)
{
	std::vector<Word> words(4, 0);
	BitsSpan s(words.data(), 256);
	s.set_range(60, 80); // bits 60..139
	EXPECT_EQ(s.weight(), 80u);
	EXPECT_EQ(s.first(), 60u);
	EXPECT_EQ(s.next_clear(60), 140u);
	EXPECT_FALSE(s.test(59));
	EXPECT_FALSE(s.test(140));
	s.clear_range(64, 64); // bits 64..127
	EXPECT_EQ(s.weight(), 16u);
	EXPECT_EQ(words[1], 0UL);
	EXPECT_EQ(words[0], 0xfUL << 60);
	EXPECT_EQ(words[2], 0xfffUL);
	EXPECT_TRUE(s.has_hole());
	s.set_range(0, 0);
	s.clear_range(0, 0);
	EXPECT_EQ(s.weight(), 16u);
}

TEST(BitsSpan, CopyFromDropsSourceGarbage)
{
	Mask src(70);
	src.set(3).set(69).set_garbage();
	std::vector<Word> dst(2, ~0UL);
	BitsSpan s(dst.data(), 70);
	s.copy_from(view(src));
	EXPECT_EQ(dst[0], 1UL << 3);
	EXPECT_EQ(dst[1], 1UL << 5); // bit 69; bits 70..127 are not copied
	EXPECT_EQ(s.weight(), 2u);
}

TEST(BitsSpan, ClearAllOfClearsExactlyTheOtherMasksBitsAcrossWords)
{
	Mask mine(150), other(150);
	mine.set(0).set(5).set(63).set(64).set(100).set(149);
	other.set(5).set(64).set(149).set(120).set_garbage();
	BitsSpan s(mine.data(), 150);
	s.clear_all_of(view(other));
	EXPECT_EQ(mine.words()[0], 1UL | 1UL << 63);
	EXPECT_EQ(mine.words()[1], 1UL << (100 - 64));
	EXPECT_EQ(mine.words()[2], 0UL);
	EXPECT_EQ(s.weight(), 3u);
	// Clearing with an empty mask, or again with the same one, is a no-op.
	s.clear_all_of(view(Mask(150)));
	s.clear_all_of(view(other));
	EXPECT_EQ(s.weight(), 3u);
	EXPECT_TRUE(s.test(0) && s.test(63) && s.test(100));
}

TEST(BitsSpan, ClearAllOfMatchesNaiveModelOnRandomMasks)
{
	std::mt19937_64 rng(11);
	for (unsigned nbits : {1u, 63u, 64u, 65u, 200u, 8192u}) {
		for (int round = 0; round < 20; round++) {
			Mask a = random_mask(nbits, 0.5, rng, false);
			const Mask b = random_mask(nbits, 0.3, rng, round % 2);
			const Mask before = a;
			BitsSpan(a.data(), nbits).clear_all_of(view(b));
			for (unsigned bit = 0; bit < nbits; bit++)
				ASSERT_EQ(a.test(bit),
					  before.test(bit) && !b.test(bit))
					<< "nbits " << nbits << " bit " << bit;
		}
	}
}
