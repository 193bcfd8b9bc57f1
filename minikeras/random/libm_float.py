"""float32 `log`, `sin`, `cos` rounded the way TensorFlow's CPU kernels see them.

TF's Box-Muller step (TF `core/lib/random/random_distributions.h`,
`BoxMullerFloat`) calls the C library's `logf` and `sincosf`. On Linux that is
glibc, whose float functions are accurate but not correctly rounded: about one
result in a hundred differs by one ulp from the correctly rounded value. To be
bit-exact without giving up vectorisation:

1. compute in float64 with NumPy (error far below a float32 ulp) and round;
2. flag the results whose float64 value lies close to the midpoint between two
   float32 numbers, where glibc's rounding may go the other way;
3. ask the C library itself (through `ctypes`) for the flagged ones only.

"Close" is measured in float32 ulps, per bucket of inputs (the top 12 bits of
the float32 input). The thresholds were measured by this project exhaustively
over every input Box-Muller can produce (2**23 for each function) against
glibc 2.36 on x86-64 (FMA variants), with a 25% margin; elsewhere a floor of
0.002 ulp applies. Without a loadable C library the correctly rounded value is
kept (then an occasional draw may differ from TF by one ulp).
"""

import ctypes
import ctypes.util

import numpy as np

_FLOOR = 2e-3
# bucket (float32 bits >> 20) -> half-width of the midpoint band, in ulps.
_LOG_BAND = {
    0x3B8: 0.003, 0x3C0: 0.0032, 0x3D0: 0.006, 0x3D8: 0.0098, 0x3D9: 0.0024, 0x3E0: 0.0226,
    0x3E1: 0.0084, 0x3E2: 0.004, 0x3E3: 0.0039, 0x3E4: 0.0038, 0x3E5: 0.0034, 0x3E6: 0.0033,
    0x3E7: 0.0034, 0x3E8: 0.0222, 0x3E9: 0.0075, 0x3EA: 0.004, 0x3EB: 0.004, 0x3EC: 0.0073,
    0x3ED: 0.0074, 0x3EE: 0.0064, 0x3EF: 0.0076, 0x3F0: 0.0466, 0x3F1: 0.0181, 0x3F2: 0.0159,
    0x3F3: 0.0159, 0x3F4: 0.0306, 0x3F5: 0.0288, 0x3F6: 0.0557, 0x3F7: 0.3578,
}
_SINCOS_BAND = {
    0x3D3: 0.0039, 0x3D4: 0.0046, 0x3D5: 0.0051, 0x3D6: 0.0071, 0x3D7: 0.0084, 0x3D8: 0.0064,
    0x3D9: 0.0084, 0x3DA: 0.0109, 0x3DB: 0.0141, 0x3DC: 0.0175, 0x3DD: 0.022, 0x3DE: 0.0263,
    0x3DF: 0.0309, 0x3E0: 0.0311, 0x3E1: 0.0289, 0x3E2: 0.0364, 0x3E3: 0.0435, 0x3E4: 0.0508,
    0x3E5: 0.0599, 0x3E6: 0.0676, 0x3E7: 0.0736, 0x3E8: 0.0753, 0x3E9: 0.0425, 0x3EA: 0.0414,
    0x3EB: 0.0362, 0x3EC: 0.0239, 0x3ED: 0.0148, 0x3EE: 0.0395, 0x3EF: 0.0625, 0x3F0: 0.0748,
    0x3F1: 0.0407, 0x3F2: 0.0348, 0x3F3: 0.0545, 0x3F4: 0.057, 0x3F5: 0.0545, 0x3F6: 0.0419,
    0x3F7: 0.0394, 0x3F8: 0.0752, 0x3F9: 0.0408, 0x3FA: 0.0752, 0x3FB: 0.0477, 0x3FC: 0.0083,
    0x3FD: 0.0393, 0x3FE: 0.0748, 0x3FF: 0.0423, 0x400: 0.0751, 0x401: 0.0582, 0x402: 0.0756,
    0x403: 0.0745, 0x404: 0.0325, 0x405: 0.0753, 0x406: 0.0755, 0x407: 0.0591, 0x408: 0.0755,
    0x409: 0.0758, 0x40A: 0.0747, 0x40B: 0.0755, 0x40C: 0.0746,
}


def _band_array(table):
    arr = np.full(1 << 12, _FLOOR)
    for key, band in table.items():
        arr[key] = band
    return arr


_LOG_BANDS = _band_array(_LOG_BAND)
_SINCOS_BANDS = _band_array(_SINCOS_BAND)
_LIBM = None


def _libm():
    """The C math library's `logf` and `sincosf`, or None where it cannot be loaded."""
    global _LIBM
    if _LIBM is None:
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
            logf = lib.logf
            logf.restype, logf.argtypes = ctypes.c_float, [ctypes.c_float]
            sincosf = lib.sincosf
            sincosf.restype = None
            sincosf.argtypes = [ctypes.c_float, ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_float)]
            _LIBM = (logf, sincosf)
        except (OSError, AttributeError):  # pragma: no cover - platform dependent
            _LIBM = False
    return _LIBM or None


def _near_midpoint(y64, rounded, x32, bands):
    """True where float64 `y64` is within the bucket's band of a float32 rounding midpoint."""
    r64 = rounded.astype(np.float64)
    toward = np.where(y64 > r64, np.float32(np.inf), np.float32(-np.inf)).astype(np.float32)
    ulp = np.abs(np.nextafter(rounded, toward).astype(np.float64) - r64)
    with np.errstate(invalid="ignore", divide="ignore"):
        offset = np.where(ulp > 0, np.abs(y64 - r64) / ulp, 0.0)
    band = bands[x32.view(np.uint32) >> np.uint32(20) & np.uint32(0xFFF)]
    return np.abs(0.5 - offset) < band


def logf(x):
    """`logf` of a positive float32 array, as glibc rounds it."""
    x = np.asarray(x, dtype=np.float32)
    y64 = np.log(x.astype(np.float64))
    out = y64.astype(np.float32)
    lib = _libm()
    if lib is not None:
        idx = np.flatnonzero(_near_midpoint(y64, out, x, _LOG_BANDS))
        if idx.size:
            flat = out.reshape(-1)
            flat[idx] = np.fromiter(map(lib[0], x.reshape(-1)[idx].tolist()), np.float32, idx.size)
    return out


def sincosf(x):
    """`(sinf(x), cosf(x))` of a float32 array, as glibc's `sincosf` rounds them."""
    x = np.asarray(x, dtype=np.float32)
    x64 = x.astype(np.float64)
    s64, c64 = np.sin(x64), np.cos(x64)
    s, c = s64.astype(np.float32), c64.astype(np.float32)
    lib = _libm()
    if lib is not None:
        near = _near_midpoint(s64, s, x, _SINCOS_BANDS) | _near_midpoint(c64, c, x, _SINCOS_BANDS)
        idx = np.flatnonzero(near)
        if idx.size:
            sincos = lib[1]
            sv, cv = ctypes.c_float(), ctypes.c_float()
            ps, pc = ctypes.byref(sv), ctypes.byref(cv)
            xs = x.reshape(-1)[idx].tolist()
            fs, fc = np.empty(idx.size, np.float32), np.empty(idx.size, np.float32)
            for j, value in enumerate(xs):
                sincos(value, ps, pc)
                fs[j], fc[j] = sv.value, cv.value
            s.reshape(-1)[idx] = fs
            c.reshape(-1)[idx] = fc
    return s, c
