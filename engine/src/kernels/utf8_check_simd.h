// The UTF-8 check of the read-ahead thread's spans, written once over xsimd::batch<uint8_t,
// Arch>: the lookup algorithm of Keiser and Lemire ("Validating UTF-8 in less than one
// instruction per byte", 2021), the one simdjson's validator uses, without its ASCII fast path.
// On an export where about three 64-byte blocks in four hold a non-ASCII byte, in no
// predictable order, that branch is mispredicted often enough to hold simdjson's check to
// about 10 GB/s on data it meets for the first time (25 GB/s on a second pass over the same
// 64 KiB): every block goes through the lookups here instead. Each per-ISA file supplies what
// xsimd 8.1 lacks: the 16-entry byte lookup (pshufb), the byte shift across batches (alignr)
// and the high nibble of each byte. Include only from those files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

namespace mkbulk::engine::kernels {
namespace {  // internal linkage: compiled for the including file's ISA only

// The error classes (one bit each) that a pair of bytes (the previous byte, this byte) can
// show; a pair is wrong when the three lookups below share a bit.
constexpr std::uint8_t U8_TOO_SHORT = 1 << 0;       // lead then ASCII or lead
constexpr std::uint8_t U8_TOO_LONG = 1 << 1;        // ASCII then continuation
constexpr std::uint8_t U8_OVERLONG_3 = 1 << 2;      // E0 then 80..9F
constexpr std::uint8_t U8_TOO_LARGE = 1 << 3;       // F4 then 90..BF; F5..FF then 90..BF
constexpr std::uint8_t U8_SURROGATE = 1 << 4;       // ED then A0..BF
constexpr std::uint8_t U8_OVERLONG_2 = 1 << 5;      // C0, C1 then continuation
constexpr std::uint8_t U8_TOO_LARGE_1000 = 1 << 6;  // F5..FF then 80..8F
constexpr std::uint8_t U8_OVERLONG_4 = 1 << 6;      // F0 then 80..8F (F0 and F5+ differ in
                                                    // the low nibble: one bit serves both)
constexpr std::uint8_t U8_TWO_CONTS = 1 << 7;       // continuation then continuation
// Whatever the low nibble of a lead or ASCII byte, these classes stay possible.
constexpr std::uint8_t U8_CARRY = U8_TOO_SHORT | U8_TOO_LONG | U8_TWO_CONTS;

// Indexed by the previous byte's high nibble.
constexpr std::uint8_t U8_PREV_HIGH[16] = {
    U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG,  // 0_______ ASCII
    U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG,
    U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS,  // 10______ continuation
    U8_TOO_SHORT | U8_OVERLONG_2,                             // 1100____
    U8_TOO_SHORT,                                             // 1101____
    U8_TOO_SHORT | U8_OVERLONG_3 | U8_SURROGATE,              // 1110____
    U8_TOO_SHORT | U8_TOO_LARGE | U8_TOO_LARGE_1000 | U8_OVERLONG_4,  // 1111____
};
// Indexed by the previous byte's low nibble.
constexpr std::uint8_t U8_PREV_LOW[16] = {
    U8_CARRY | U8_OVERLONG_3 | U8_OVERLONG_2 | U8_OVERLONG_4,  // ____0000
    U8_CARRY | U8_OVERLONG_2,                                  // ____0001
    U8_CARRY,
    U8_CARRY,
    U8_CARRY | U8_TOO_LARGE,  // ____0100
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000 | U8_SURROGATE,  // ____1101
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
};
// Indexed by this byte's high nibble.
constexpr std::uint8_t U8_THIS_HIGH[16] = {
    U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT,  // 0_______ ASCII
    U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT,
    // 1000____
    U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_OVERLONG_3 | U8_TOO_LARGE_1000 | U8_OVERLONG_4,
    // 1001____
    U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_OVERLONG_3 | U8_TOO_LARGE,
    // 101_____
    U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_SURROGATE | U8_TOO_LARGE,
    U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_SURROGATE | U8_TOO_LARGE,
    U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT,  // 11______ lead
};

// Ops must provide, on the register type Ops::reg of batch<uint8_t, Arch> (taken out of the
// batches: without optimisation GCC's intrinsics are macros that cast their arguments to vector
// types, which a batch does not convert to):
//   static reg table(const std::uint8_t (&t)[16])     the 16 entries in every 128-bit lane
//   static reg lookup(reg table, reg nibbles)         table[nibble] per byte (nibbles < 16)
//   static reg high_nibble(reg)                       byte >> 4
//   template <int K> static reg prev(reg v, reg p)    v shifted up K bytes, the last K bytes
//                                                     of p coming in (K = 1..3)
//   static reg floor_sub(reg a, reg b)                a - b per byte, 0 at the least (xsimd
//                                                     8.1's ssub does not compile for uint8_t
//                                                     without optimisation)
//   static bool any(reg)                              a byte is not zero
// True when the len bytes at data are well-formed UTF-8 (reads only those bytes).
template <class Arch, class Ops>
inline bool utf8_valid_simd(const std::uint8_t* data, std::size_t len) noexcept {
  using batch = xsimd::batch<std::uint8_t, Arch>;
  using reg = typename Ops::reg;
  constexpr std::size_t LANES = batch::size;
  const reg prev_high = Ops::table(U8_PREV_HIGH);
  const reg prev_low = Ops::table(U8_PREV_LOW);
  const reg this_high = Ops::table(U8_THIS_HIGH);
  const batch low_nibble(static_cast<std::uint8_t>(0x0F));
  const reg third_min = batch(static_cast<std::uint8_t>(0xE0 - 0x80));   // prev2 >= E0: bit 7
  const reg fourth_min = batch(static_cast<std::uint8_t>(0xF0 - 0x80));  // prev3 >= F0: bit 7
  const batch bit7(static_cast<std::uint8_t>(0x80));
  batch error(static_cast<std::uint8_t>(0));
  reg previous = batch(static_cast<std::uint8_t>(0));  // ASCII before the start
  const auto check = [&](const batch v) __attribute__((always_inline)) {
    const reg prev1 = Ops::template prev<1>(v, previous);
    const batch special = batch(Ops::lookup(prev_high, Ops::high_nibble(prev1))) &
                          batch(Ops::lookup(prev_low, batch(prev1) & low_nibble)) &
                          batch(Ops::lookup(this_high, Ops::high_nibble(v)));
    // The second byte after a 3- or 4-byte lead and the third after a 4-byte lead must be
    // continuations: there TWO_CONTS is expected, and its absence is the error.
    const reg prev2 = Ops::template prev<2>(v, previous);
    const reg prev3 = Ops::template prev<3>(v, previous);
    const batch must_continue =
        (batch(Ops::floor_sub(prev2, third_min)) | batch(Ops::floor_sub(prev3, fourth_min))) &
        bit7;
    error |= must_continue ^ special;
    previous = v;
  };
  std::size_t i = 0;
  for (; i + LANES <= len; i += LANES) check(batch::load_unaligned(data + i));
  // The tail (fewer than LANES bytes, maybe none), then zeros: a character cut short by the
  // end meets a zero (ASCII) where its next byte should be, an error there.
  alignas(64) std::uint8_t tail[LANES] = {};
  if (len > i) std::memcpy(tail, data + i, len - i);  // (data may be null when len is 0)
  check(batch::load_aligned(tail));
  return !Ops::any(error);
}

}  // namespace
}  // namespace mkbulk::engine::kernels
