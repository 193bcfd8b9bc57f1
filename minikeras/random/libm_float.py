"""float32 `log`, `sin`, `cos` rounded the way TensorFlow's CPU kernels see them.

TF's Box-Muller step (TF `core/lib/random/random_distributions.h`,
`BoxMullerFloat`) calls the C library's `logf` and `sincosf`. On Linux that is
glibc, whose float functions are accurate but not correctly rounded: about one
result in a hundred differs by one ulp from the correctly rounded value. To be
bit-exact and fast:

1. `glibc_float` redoes glibc's own double-precision evaluation in NumPy and
   rounds it to float32; that agrees with glibc except, possibly, where the
   double value lies within a hair (here 2**16 double ulps, about 1e-4 of a
   float32 ulp) of a float32 rounding midpoint;
2. those few inputs (about 1 in 4000), and any outside the model's domain, are
   passed to the C library itself through `ctypes`.

Once per process, before its first use, each model is checked against the C
library on the inputs where a wrong model would most likely show: those
nearest to a midpoint without being flagged, and (for `sincosf`) those nearest
a multiple of pi/2. The model as written reproduces glibc 2.28 and later
exactly: over every input Box-Muller can produce (2**23 for each function) it
matched glibc 2.36 on x86-64 bit for bit even without step 2.

If the check fails (an older or different C library), a slower method is used:
compute in float64, round, flag the results within a measured band of a
midpoint and ask the C library for those (bands per bucket of inputs, the top
12 bits of the float32 input, measured exhaustively against glibc 2.36 with a
25% margin; a floor of 0.002 ulp elsewhere). Without a loadable C library the
correctly rounded value is kept (then an occasional draw may differ from TF by
one ulp).
"""

import ctypes

import numpy as np

from minikeras.random import glibc_float

# Flag a model value within this many double ulps of a float32 rounding midpoint.
_MODEL_BAND = 1 << 16
_LOW29 = np.uint64((1 << 29) - 1)
_BAND_START = np.uint64((1 << 28) - _MODEL_BAND)
_BAND_WIDTH = np.uint64(2 * _MODEL_BAND)

_FLOOR = 2e-3
# bucket (float32 bits >> 20) -> half-width of the midpoint band, in ulps (fallback method only).
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
_MODEL_AGREES = {}


def _libm():
    """The C math library's `logf` and `sincosf`, or None where it cannot be loaded."""
    global _LIBM
    if _LIBM is None:
        import ctypes.util  # loads subprocess, tempfile...: only when the C library is first needed

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


def _c_logf(lib, xs):
    """The C library's `logf` of each value of a 1-D float32 array."""
    return np.fromiter(map(lib[0], xs.tolist()), np.float32, xs.size)


def _c_sincosf(lib, xs):
    """The C library's `sincosf` of each value of a 1-D float32 array: `(sin, cos)`."""
    sincos = lib[1]
    sv, cv = ctypes.c_float(), ctypes.c_float()
    ps, pc = ctypes.byref(sv), ctypes.byref(cv)
    fs, fc = np.empty(xs.size, np.float32), np.empty(xs.size, np.float32)
    for j, value in enumerate(xs.tolist()):
        sincos(value, ps, pc)
        fs[j], fc[j] = sv.value, cv.value
    return fs, fc


def _midpoint_distance(y64):
    """How far each float64 lies from the nearest float32 rounding midpoint, in units of its own last bit."""
    low = (y64.view(np.uint64) & _LOW29).astype(np.int64)
    return np.abs(low - (1 << 28))


def _near_half(y64):
    """True where float64 `y64` is within `_MODEL_BAND` double ulps of a float32 rounding midpoint."""
    low = y64.view(np.uint64) & _LOW29
    low -= _BAND_START  # wraps below the band, so one comparison tests both sides
    return low < _BAND_WIDTH


def _model_logf(x):
    y = glibc_float.logf_double(x)
    return y.astype(np.float32), _near_half(y) | ~glibc_float.logf_in_domain(x), (y,)


def _model_sincosf(x):
    # Outside the domain (flagged, then recomputed) the model may overflow: no warnings for that.
    with np.errstate(invalid="ignore", over="ignore"):
        s64, c64 = glibc_float.sincosf_double(x)
        rounded = s64.astype(np.float32), c64.astype(np.float32)
    flag = _near_half(s64)
    flag |= _near_half(c64)
    flag |= ~glibc_float.sincosf_in_domain(x)
    return rounded, flag, (s64, c64)


def _check_inputs(name):
    """Box-Muller inputs on which a model that does not fit this C library would most likely fail."""
    rng = np.random.default_rng(20240917)
    m = rng.integers(1, 1 << 23, 1 << 13).astype(np.float64) * 2.0**-23
    if name == "logf":
        sample = m.astype(np.float32)
        extra = np.array([1e-7, 2.0**-23, 0.5, 1 - 2.0**-23], dtype=np.float32)
        model = _model_logf
    else:
        sample = ((2.0 * np.pi) * m).astype(np.float32)
        # The float32 values around each multiple of pi/2, where the range reduction cancels most.
        centres = np.array([k * np.pi / 2 for k in range(1, 5)], dtype=np.float32).view(np.int32)
        extra = (centres[:, None] + np.arange(-16, 17, dtype=np.int32)).reshape(-1).view(np.float32)
        model = _model_sincosf
    _, flag, values = model(sample)
    distance = np.min([_midpoint_distance(v) for v in values], axis=0)
    distance[flag] = np.iinfo(np.int64).max
    hardest = sample[np.argsort(distance, kind="stable")[:256]]
    return np.concatenate([hardest, extra, sample[:64]])


def _model_agrees(name, lib):
    """Whether the `glibc_float` model matches this C library (checked once per process)."""
    if name not in _MODEL_AGREES:
        x = _check_inputs(name)
        if name == "logf":
            ok = np.array_equal(_fast(x, lib, name).view(np.uint32), _c_logf(lib, x).view(np.uint32))
        else:
            got, want = _fast(x, lib, name), _c_sincosf(lib, x)
            ok = all(np.array_equal(g.view(np.uint32), w.view(np.uint32)) for g, w in zip(got, want))
        _MODEL_AGREES[name] = bool(ok)
    return _MODEL_AGREES[name]


def _fast(x, lib, name):
    """The model's results, with the flagged inputs computed by the C library."""
    if name == "logf":
        out, flag, _ = _model_logf(x)
        idx = np.flatnonzero(flag)
        if idx.size:
            out.reshape(-1)[idx] = _c_logf(lib, x.reshape(-1)[idx])
        return out
    (s, c), flag, _ = _model_sincosf(x)
    idx = np.flatnonzero(flag)
    if idx.size:
        s.reshape(-1)[idx], c.reshape(-1)[idx] = _c_sincosf(lib, x.reshape(-1)[idx])
    return s, c


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
    lib = _libm()
    if lib is not None and _model_agrees("logf", lib):
        return _fast(x, lib, "logf")
    y64 = np.log(x.astype(np.float64))
    out = y64.astype(np.float32)
    if lib is not None:
        idx = np.flatnonzero(_near_midpoint(y64, out, x, _LOG_BANDS))
        if idx.size:
            out.reshape(-1)[idx] = _c_logf(lib, x.reshape(-1)[idx])
    return out


def sincosf(x):
    """`(sinf(x), cosf(x))` of a float32 array, as glibc's `sincosf` rounds them."""
    x = np.asarray(x, dtype=np.float32)
    lib = _libm()
    if lib is not None and _model_agrees("sincosf", lib):
        return _fast(x, lib, "sincosf")
    x64 = x.astype(np.float64)
    s64, c64 = np.sin(x64), np.cos(x64)
    s, c = s64.astype(np.float32), c64.astype(np.float32)
    if lib is not None:
        near = _near_midpoint(s64, s, x, _SINCOS_BANDS) | _near_midpoint(c64, c, x, _SINCOS_BANDS)
        idx = np.flatnonzero(near)
        if idx.size:
            s.reshape(-1)[idx], c.reshape(-1)[idx] = _c_sincosf(lib, x.reshape(-1)[idx])
    return s, c
