"""glibc's float32 `logf` and `sincosf`, evaluated in float64 NumPy *before* their final rounding.

Since glibc 2.28 these functions (from Arm's optimized-routines, MIT licence;
glibc `sysdeps/ieee754/flt-32/e_logf.c`, `s_sincosf.c`, `s_sincosf.h`) compute
in double precision with a small table and a short polynomial, then round
once to float32. Redoing the same double operations here gives the value glibc
rounds, up to a few double ulps (glibc's x86-64 build may fuse a multiply and
an add into one FMA; NumPy rounds both). That is about 2**-29 of a float32 ulp,
so the float32 result is glibc's except when this value lies almost exactly
on a float32 rounding midpoint, which `libm_float` detects (and then asks the
C library). The products whose fused form matters most are computed exactly:
`z * invc - 1` in `logf` (the table value is split in two halves so that each
product with a float32 is exact) and `x - n * pi/2` in the range reduction
(`n * pi/2` rounded, plus its exact remainder from the same split of pi/2).
Over every input Box-Muller produces, this matches glibc 2.36 (x86-64, FMA
build) bit for bit before any fallback.

Domain: positive normal float32 for `logf_double`; |x| < 120 for
`sincosf_double` (`in_domain` says which inputs qualify; the others must be
computed by the C library).
"""

import numpy as np

_H = float.fromhex
_HIGH26 = np.uint64(~((1 << 27) - 1) & ((1 << 64) - 1))

# logf: x = 2**k * z with z in [OFF, 2*OFF); log(x) = log1p(z/c - 1) + log(c) + k*ln2,
# 1/c and log(c) from a 16-entry table indexed by the top mantissa bits of z.
_LOGF_OFF = 0x3F330000
_LOGF_INVC = np.array([_H(v) for v in (
    "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0", "0x1.3c995b0b80385p+0",
    "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0", "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0",
    "0x1.0953f419900a7p+0", "0x1p+0", "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1",
    "0x1.b2036576afce6p-1", "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1", "0x1.767dcf5534862p-1")])
_LOGF_LOGC = np.array([_H(v) for v in (
    "-0x1.57bf7808caadep-2", "-0x1.2bef0a7c06ddbp-2", "-0x1.01eae7f513a67p-2", "-0x1.b31d8a68224e9p-3",
    "-0x1.6574f0ac07758p-3", "-0x1.1aa2bc79c81p-3", "-0x1.a4e76ce8c0e5ep-4", "-0x1.1973c5a611cccp-4",
    "-0x1.252f438e10c1ep-5", "0x0p+0", "0x1.aa5aa5df25984p-5", "0x1.c5e53aa362eb4p-4",
    "0x1.526e57720db08p-3", "0x1.bc2860d22477p-3", "0x1.1058bc8a07ee1p-2", "0x1.4043057b6ee09p-2")])
_LOGF_LN2 = _H("0x1.62e42fefa39efp-1")
_LOGF_A0, _LOGF_A1, _LOGF_A2 = (_H(v) for v in ("-0x1.00ea348b88334p-2", "0x1.5575b0be00b6ap-2",
                                                  "-0x1.ffffef20a4123p-2"))


def _split_high(values):
    """The top 26 significant bits of each double (the low 27 mantissa bits cleared).

    `values - _split_high(values)` holds the rest, so a double splits into two
    halves of at most 27 significant bits: a float32 (24 bits) or a small
    integer times either is exact.
    """
    return (values.view(np.uint64) & _HIGH26).view(np.float64)


# sincosf: reduce x by n * pi/2 (n from a multiply by 2**24 * 2/pi), then two polynomials.
_HPI = _H("0x1.921fb54442d18p+0")
_HPI_INV_2_24 = _H("0x1.45f306dc9c883p+23")
_COS_C = [_H(v) for v in ("0x1p+0", "-0x1.ffffffd0c621cp-2", "0x1.55553e1068f19p-5",
                          "-0x1.6c087e89a359dp-10", "0x1.99343027bf8c3p-16")]
_SIN_S = [_H(v) for v in ("-0x1.555545995a603p-3", "0x1.1107605230bc4p-7", "-0x1.994eb3774cf24p-13")]
_HPI_HI = float(_split_high(np.array([_HPI]))[0])
_HPI_LO = _HPI - _HPI_HI


def logf_double(x):
    """glibc's `logf(x)` before rounding, for positive normal float32 `x` (float64 array)."""
    ix = np.asarray(x, dtype=np.float32).view(np.uint32)
    tmp = ix - np.uint32(_LOGF_OFF)  # wraps for x < OFF, as in C
    i = (tmp >> np.uint32(19)) & np.uint32(15)
    k = (tmp.view(np.int32) >> np.int32(23)).astype(np.float64)
    z = (ix - (tmp & np.uint32(0xFF800000))).view(np.float32).astype(np.float64)
    # r = z * invc - 1 rounded once (what an FMA gives): z * hi is exact, so is subtracting 1
    # (Sterbenz: z * hi is within a factor 2 of 1), and z * lo is exact.
    i = i.astype(np.intp)
    invc = _LOGF_INVC[i]
    hi = _split_high(invc)
    r = z * hi
    r -= 1.0
    invc -= hi
    invc *= z
    r += invc
    y0 = k * _LOGF_LN2
    y0 += _LOGF_LOGC[i]
    r2 = r * r
    y = _LOGF_A1 * r
    y += _LOGF_A2
    y += _LOGF_A0 * r2
    y *= r2
    y0 += r
    y += y0
    return y


def logf_in_domain(x):
    """True where `logf_double` applies: positive normal finite float32."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32)
    return (bits - np.uint32(0x00800000)) < np.uint32(0x7F800000 - 0x00800000)


def _flip_sign(values, bits):
    """Negate `values` (float64, in place) where `bits` (uint64, 0 or 2**63) is set."""
    view = values.view(np.uint64)
    view ^= bits


def sincosf_double(x):
    """glibc's `sincosf(x)` before rounding, for float32 `x` with |x| < 120: `(sin, cos)` as float64 arrays.

    Branch-free (random masks make NumPy's `where` slow): signs are flipped and
    sin/cos swapped by bit operations on the float64 representations.
    """
    x32 = np.asarray(x, dtype=np.float32)
    xd = x32.astype(np.float64)
    # Quadrant: ((int32)(x * 2**24 * 2/pi) + 2**23) >> 24. (glibc skips the reduction for |x| < 0.75,
    # where this gives n = 0 anyway.)
    n = (xd * _HPI_INV_2_24).astype(np.int32)
    n += np.int32(0x800000)
    n >>= np.int32(24)
    nd = n.astype(np.float64)
    # x - n * pi/2 rounded once: with p = round(n * pi/2), x - p is exact (Sterbenz) and so is the
    # remainder e = n * pi/2 - p (n * hi and n * lo are exact; e has few bits).
    p = nd * _HPI
    r = xd - p
    e = nd * _HPI_HI
    e -= p
    e += nd * _HPI_LO
    r -= e
    n64 = n.astype(np.int64).view(np.uint64)
    x2 = r * r
    # The sine polynomial's argument takes glibc's sign table [1, -1, -1, 1] indexed by n & 3.
    _flip_sign(r, ((n64 + np.uint64(1)) & np.uint64(2)) << np.uint64(62))
    xs = r
    x4 = x2 * x2
    x3 = x2 * xs
    c2 = _COS_C[4] * x2
    c2 += _COS_C[3]
    s1 = _SIN_S[2] * x2
    s1 += _SIN_S[1]
    c1 = _COS_C[1] * x2
    c1 += _COS_C[0]
    x5 = x3 * x2
    x6 = x4 * x2
    sin = _SIN_S[0] * x3
    sin += xs
    cos = _COS_C[2] * x4
    cos += c1
    s1 *= x5
    sin += s1
    c2 *= x6
    cos += c2
    # Quadrants 2 and 3 use the negated cosine coefficients; odd quadrants swap sin and cos.
    _flip_sign(cos, (n64 & np.uint64(2)) << np.uint64(62))
    sb, cb = sin.view(np.uint64), cos.view(np.uint64)
    swap = sb ^ cb
    swap &= np.uint64(0) - (n64 & np.uint64(1))
    sb ^= swap
    cb ^= swap
    top = (x32.view(np.uint32) >> np.uint32(20)) & np.uint32(0x7FF)
    tiny = np.flatnonzero(top < 0x398)  # |x| < 2**-12: sin x = x, cos x = 1
    if tiny.size:
        sin.reshape(-1)[tiny] = xd.reshape(-1)[tiny]
        cos.reshape(-1)[tiny] = 1.0
    return sin, cos


def sincosf_in_domain(x):
    """True where `sincosf_double` applies: |x| < 120 (glibc's fast reduction)."""
    top = (np.asarray(x, dtype=np.float32).view(np.uint32) >> np.uint32(20)) & np.uint32(0x7FF)
    return top < 0x42F
