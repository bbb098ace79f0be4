/* numfmt.c: "%.17g" with integer arithmetic. A double is m * 2^e with m < 2^53, so for
 * p = 16 - floor(log10 |v|) the 17 digits printf writes are floor(m * 2^e * 10^p), rounded by
 * the exact rest. For |v| from 1e-6 to 2^128 every step of that fits in 128 bits, which covers
 * the values tables hold; the rest goes to snprintf, so the answer is glibc's everywhere. */
#include "base.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* __extension__: the type is a GCC/Clang extension, which -Wpedantic would otherwise flag. */
__extension__ typedef unsigned __int128 cs_u128;

/* 10^0 .. 10^38, every power of ten below 2^128, as constant products so that no digit string
 * is typed in; each macro doubles the run of powers that the one below it writes. */
#define CS_E16(x) ((cs_u128)100000000u * 100000000u * (x))
#define CS_P10_2(b) (b), 10u * (b)
#define CS_P10_4(b) CS_P10_2(b), CS_P10_2(100u * (b))
#define CS_P10_8(b) CS_P10_4(b), CS_P10_4(10000u * (b))
#define CS_P10_16(b) CS_P10_8(b), CS_P10_8(100000000u * (b))
#define CS_P10_32(b) CS_P10_16(b), CS_P10_16(CS_E16(b))
static const cs_u128 cs_pow10[39] = {CS_P10_32((cs_u128)1), CS_P10_4(CS_E16(CS_E16(1))),
                                     CS_P10_2(10000u * CS_E16(CS_E16(1))),
                                     1000000u * CS_E16(CS_E16(1))};

/* The largest p with m * 10^p < 2^128 for every m < 2^53 (10^22 < 2^73.1). */
#define CS_MAX_P 22

static int cs_fmt_g17_slow(double v, char out[32]) { return snprintf(out, 32, "%.17g", v); }

/* floor(m * 2^e * 10^p) into *d, and into *rest how the dropped part compares with one half
 * (-1 below, 0 exactly half, 1 above). False when a product would not fit in 128 bits. */
static bool cs_scale(uint64_t m, int e, int p, cs_u128 *d, int *rest) {
  if (p >= 0) {
    if (p > CS_MAX_P) return false;
    cs_u128 n = m * cs_pow10[p];
    if (e >= 0) {
      /* an integer times 10^p: exact, nothing dropped */
      if (e > 0 && (e >= 128 || (n >> (128 - e)) != 0)) return false;
      *d = n << e;
      *rest = -1;
      return true;
    }
    int s = -e;
    if (s >= 128) return false;
    cs_u128 r = n & (((cs_u128)1 << s) - 1), half = (cs_u128)1 << (s - 1);
    *d = n >> s;
    *rest = r < half ? -1 : r > half;
    return true;
  }
  /* p < 0 only for |v| >= 1e17, which are integers: divide by 10^-p, keeping the remainder */
  if (e < 0 || e > 128 - 53 || -p > 38) return false;
  cs_u128 n = (cs_u128)m << e, q = cs_pow10[-p], r;
  if ((n >> 64) == 0 && (q >> 64) == 0) { /* 64-bit division is several times faster */
    *d = (uint64_t)n / (uint64_t)q;
    r = (uint64_t)n % (uint64_t)q;
  } else {
    *d = n / q;
    r = n % q;
  }
  *rest = 2 * r < q ? -1 : 2 * r > q; /* r < q <= 10^38 < 2^127: 2r cannot wrap */
  return true;
}

/* The 8 decimal digits of x < 10^8 into dig[0..7], two at a time to halve the dependent
 * divisions. */
static void cs_digits8(uint32_t x, char *dig) {
  for (int i = 6; i >= 0; i -= 2) {
    uint32_t t = x % 100;
    x /= 100;
    dig[i] = (char)('0' + t / 10);
    dig[i + 1] = (char)('0' + t % 10);
  }
}

int cs_fmt_g17(double v, char out[32]) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  int bexp = (int)(bits >> 52 & 0x7ff);
  uint64_t frac = bits & ((UINT64_C(1) << 52) - 1);
  char *o = out;
  if (bits >> 63) *o++ = '-';
  if (bexp == 0 && frac == 0) { /* zeros are common in tables: "0" and "-0" */
    *o++ = '0';
    *o = '\0';
    return (int)(o - out);
  }
  /* subnormals, infinities and NaNs; the early test of e also keeps k0 below in a range where
   * it is cheap to compute */
  int e = bexp - 1075;
  if (bexp == 0 || bexp == 0x7ff || e + 52 < -21 || e > 128 - 53) return cs_fmt_g17_slow(v, out);
  uint64_t m = frac | UINT64_C(1) << 52;

  /* |v| lies in [2^(e+52), 2^(e+53)), so k = floor(log10 |v|) is k0 = floor((e+52) log10 2)
   * or k0 + 1 (78913 / 2^18 is log10 2 to 3e-6, enough for these exponents; the loop below
   * would correct it anyway). The bias of 32 keeps the shifted number non-negative. */
  int k0 = (((e + 52) * 78913 + (32 << 18)) >> 18) - 32;
  int k = k0 + 1, rest;
  cs_u128 d;
  /* k is right exactly when the 17 digits are 17 digits: floor(x) >= 10^16 iff x >= 10^16,
   * so the integer comparisons decide it without error */
  for (;;) {
    if (!cs_scale(m, e, 16 - k, &d, &rest)) return cs_fmt_g17_slow(v, out);
    if (d < cs_pow10[16])
      k--;
    else if (d >= cs_pow10[17])
      k++;
    else
      break;
  }
  /* round half to even, as glibc does in the default rounding mode; 99..9.5 carries to 10^17,
   * one more power of ten, which can move printf from fixed to scientific notation */
  uint64_t digits = (uint64_t)d;
  if (rest > 0 || (rest == 0 && (digits & 1))) digits++;
  if (digits == (uint64_t)cs_pow10[17]) {
    digits = (uint64_t)cs_pow10[16];
    k++;
  }

  char dig[17];
  dig[0] = (char)('0' + digits / 10000000000000000u);
  cs_digits8((uint32_t)(digits / 100000000u % 100000000u), dig + 1);
  cs_digits8((uint32_t)(digits % 100000000u), dig + 9);
  int n = 17; /* %g without '#': trailing zeros go, and the point when nothing follows it */
  while (n > 1 && dig[n - 1] == '0')
    n--;

  if (k < -4 || k >= 17) { /* d.ddde+XX, at least two exponent digits */
    *o++ = dig[0];
    if (n > 1) {
      *o++ = '.';
      memcpy(o, dig + 1, (size_t)(n - 1));
      o += n - 1;
    }
    *o++ = 'e';
    *o++ = k < 0 ? '-' : '+';
    int x = k < 0 ? -k : k;
    if (x >= 100) *o++ = (char)('0' + x / 100);
    *o++ = (char)('0' + x / 10 % 10);
    *o++ = (char)('0' + x % 10);
  } else if (k >= 0) { /* k + 1 integer digits, then the other 16 - k */
    memcpy(o, dig, (size_t)(k + 1));
    o += k + 1;
    if (n > k + 1) {
      *o++ = '.';
      memcpy(o, dig + k + 1, (size_t)(n - k - 1));
      o += n - k - 1;
    }
  } else { /* 0.000ddd: -k - 1 zeros after the point */
    *o++ = '0';
    *o++ = '.';
    for (int i = 0; i < -k - 1; i++)
      *o++ = '0';
    memcpy(o, dig, (size_t)n);
    o += n;
  }
  *o = '\0';
  return (int)(o - out);
}
