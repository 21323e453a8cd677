// SPDX-License-Identifier: GPL-2.0
// CPU masks and hwirq maps, a word at a time, in the kernel's bit layout.
// Bits at and past nbits in the last word are ignored on read, so a mask
// from any source compares correctly.
//
// Words are read and written whole, with relaxed atomics (the kernel's
// READ_ONCE/WRITE_ONCE): a lock-free reader racing with a writer sees each
// word either before or after the change, never torn or re-read.
#pragma once

#include "atomic.hpp"

namespace cxipi
{

using Word = unsigned long;
inline constexpr unsigned kWordBits = sizeof(Word) * 8;

constexpr unsigned words_for(unsigned nbits)
{
	return nbits / kWordBits + (nbits % kWordBits != 0);
}

constexpr Word bit_of(unsigned bit)
{
	return Word{ 1 } << (bit % kWordBits);
}

// Population count without libgcc: __builtin_popcountl becomes a call to
// __popcountdi2 on CPUs without a popcount instruction in the baseline.
constexpr unsigned popcount(Word w)
{
	static_assert(sizeof(Word) == 8, "64-bit words only");
	w = w - ((w >> 1) & 0x5555555555555555UL);
	w = (w & 0x3333333333333333UL) + ((w >> 2) & 0x3333333333333333UL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
	return static_cast<unsigned>((w * 0x0101010101010101UL) >> 56);
}

// Index of the lowest set bit of a non-zero word.
constexpr unsigned lowest_bit(Word w)
{
	return static_cast<unsigned>(__builtin_ctzl(w));
}

// A read-only view of a bitmap that someone else owns.
class BitsView
{
public:
	constexpr BitsView(const Word *words, unsigned nbits)
	    : words_(words), nbits_(nbits)
	{
	}

	constexpr unsigned size() const { return nbits_; }
	constexpr unsigned word_count() const { return words_for(nbits_); }

	// Word @i with the bits past size() cleared.
	constexpr Word word(unsigned i) const
	{
		Word w = load(i);
		if (i + 1 == word_count() && nbits_ % kWordBits != 0)
			w &= (Word{ 1 } << (nbits_ % kWordBits)) - 1;
		return w;
	}

	constexpr bool test(unsigned bit) const
	{
		return bit < nbits_ && (load(bit / kWordBits) & bit_of(bit));
	}

	constexpr unsigned weight() const
	{
		unsigned n = 0;
		for (unsigned i = 0; i < word_count(); i++)
			n += popcount(word(i));
		return n;
	}

	constexpr bool empty() const
	{
		for (unsigned i = 0; i < word_count(); i++)
			if (word(i))
				return false;
		return true;
	}

	// First set bit at or after @from, or size() when there is none.
	constexpr unsigned next_set(unsigned from) const
	{
		return scan(from, Word{ 0 });
	}

	// First clear bit at or after @from, or size() when there is none.
	constexpr unsigned next_clear(unsigned from) const
	{
		return scan(from, ~Word{ 0 });
	}

	constexpr unsigned first() const { return next_set(0); }

	// Every set bit of this view is set in @other (same size).
	constexpr bool subset_of(BitsView other) const
	{
		for (unsigned i = 0; i < word_count(); i++)
			if (word(i) & ~other.word(i))
				return false;
		return true;
	}

	// A set bit follows the first clear bit after the first set bit.
	constexpr bool has_hole() const
	{
		const unsigned start = first();
		if (start >= nbits_)
			return false;
		const unsigned gap = next_clear(start);
		return gap < nbits_ && next_set(gap) < nbits_;
	}

protected:
	constexpr Word load(unsigned i) const { return read_once(&words_[i]); }

private:
	// Scan for a bit that differs from the bits of @flip (all-zero finds
	// set bits, all-ones finds clear ones).
	constexpr unsigned scan(unsigned from, Word flip) const
	{
		if (from >= nbits_)
			return nbits_;
		unsigned i = from / kWordBits;
		Word w = (load(i) ^ flip) & (~Word{ 0 } << (from % kWordBits));
		while (true) {
			if (w) {
				const unsigned bit =
					i * kWordBits + lowest_bit(w);
				return bit < nbits_ ? bit : nbits_;
			}
			if (++i >= word_count())
				return nbits_;
			w = load(i) ^ flip;
		}
	}

	const Word *words_;
	unsigned nbits_;
};

// A writable view; same layout.  Bits are changed by plain
// read-modify-write of whole words: writers are serialized by their owner.
class BitsSpan : public BitsView
{
public:
	constexpr BitsSpan(Word *words, unsigned nbits)
	    : BitsView(words, nbits), mutable_(words)
	{
	}

	constexpr void set(unsigned bit)
	{
		store(bit / kWordBits, load(bit / kWordBits) | bit_of(bit));
	}
	constexpr void clear(unsigned bit)
	{
		store(bit / kWordBits, load(bit / kWordBits) & ~bit_of(bit));
	}
	constexpr void set_range(unsigned first, unsigned count)
	{
		for (unsigned bit = first; bit < first + count; bit++)
			set(bit);
	}
	constexpr void clear_range(unsigned first, unsigned count)
	{
		for (unsigned bit = first; bit < first + count; bit++)
			clear(bit);
	}
	constexpr void copy_from(BitsView source)
	{
		for (unsigned i = 0; i < word_count(); i++)
			store(i, source.word(i));
	}
	// Clear every bit that is set in @other (same size).
	constexpr void clear_all_of(BitsView other)
	{
		for (unsigned i = 0; i < word_count(); i++)
			store(i, word(i) & ~other.word(i));
	}

private:
	constexpr void store(unsigned i, Word w)
	{
		write_once(&mutable_[i], w);
	}

	Word *mutable_;
};

} // namespace cxipi
