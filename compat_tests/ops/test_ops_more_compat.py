"""The rest of `minikeras.ops` against `keras.ops` on TensorFlow.

Differentiable ops: value and the gradient of `sum(w * op(...))` with respect to
every float input, float32 and float64 (ops with several outputs sum each one's
weighted total). Non-differentiable ops (comparisons, predicates, arg-reductions,
array creation, shape queries): the same values, and the same dtypes.
"""

import numpy as np
import pytest

from compat_tests.recording import assert_close, assert_equal
from compat_tests.tolerances import F32, F64
from minikeras import config, ops
from minikeras.ops.autodiff import GradientTape

rng = np.random.default_rng(5)

IDX = np.array([2, 0, 2, 1])
ALONG = np.array([[0, 3], [2, 2], [1, 0]])
LABELS = np.array([0, 2, 1])
HAS_ZERO = np.array([[1.5, 0.0, -0.7, 1.1], [0.9, -1.3, 1.7, 0.6], [0.0, 0.0, 0.8, -1.2]])


SOFT_LABELS = np.array([[0.1, 0.6, 0.2, 0.1], [0.0, 0.0, 1.0, 0.0], [0.25, 0.25, 0.3, 0.2]])


def _onehot(dtype):
    return np.eye(4, dtype=dtype)[[0, 3, 1]]


def _probs(dtype):
    p = rng.uniform(0.05, 1.0, size=(3, 4))
    return (p / p.sum(axis=-1, keepdims=True)).astype(dtype)


def _nn(o, name):
    """minikeras's op, or its TensorFlow counterpart (`tf.nn.<name>`: keras.ops has no such name)."""
    if o is ops:
        return getattr(ops, name)
    import tensorflow as tf

    return getattr(tf.nn, name)


# name -> (public op, fn(lib_ops, *inputs, dtype) -> output(s), input specs)
# An input spec is a shape (uniform in [-2, 2]), "pos(shape)" (in [0.5, 2]) or a callable dtype -> array.
CASES = {
    "negative": ("negative", lambda o, x, d: o.negative(x), [(3, 4)]),
    "sin": ("sin", lambda o, x, d: o.sin(x), [(3, 4)]),
    "cos": ("cos", lambda o, x, d: o.cos(x), [(3, 4)]),
    "expm1": ("expm1", lambda o, x, d: o.expm1(x), [(3, 4)]),
    "sign": ("sign", lambda o, x, d: o.sign(x), [lambda d: HAS_ZERO.astype(d)]),
    "round": ("round", lambda o, x, d: o.round(x), [lambda d: (HAS_ZERO * 3.3).astype(d)]),
    "floor": ("floor", lambda o, x, d: o.floor(x), [(3, 4)]),
    "ceil": ("ceil", lambda o, x, d: o.ceil(x), [(3, 4)]),
    "prod": ("prod", lambda o, x, d: o.prod(x, axis=1), [(3, 4)]),
    "prod_all_keepdims": ("prod", lambda o, x, d: o.prod(x, axis=None, keepdims=True), ["pos(2,3)"]),
    "prod_with_zeros": ("prod", lambda o, x, d: o.prod(x, axis=1), [lambda d: HAS_ZERO.astype(d)]),
    "min": ("min", lambda o, x, d: o.min(x, axis=0), [(3, 4)]),
    "min_keepdims": ("min", lambda o, x, d: o.min(x, axis=-1, keepdims=True), [(3, 4)]),
    "amin": ("amin", lambda o, x, d: o.amin(x), [(3, 4)]),
    "std": ("std", lambda o, x, d: o.std(x, axis=0), [(5, 4)]),
    "std_all": ("std", lambda o, x, d: o.std(x), [(5, 4)]),
    "cumsum": ("cumsum", lambda o, x, d: o.cumsum(x, axis=1), [(3, 4)]),
    "cumsum_flat": ("cumsum", lambda o, x, d: o.cumsum(x), [(3, 4)]),
    "dot": ("dot", lambda o, a, b, d: o.dot(a, b), [(3, 4), (4, 2)]),
    "dot_vector": ("dot", lambda o, a, b, d: o.dot(a, b), [(3, 4), (4,)]),
    "outer": ("outer", lambda o, a, b, d: o.outer(a, b), [(3,), (4,)]),
    "pad": ("pad", lambda o, x, d: o.pad(x, ((1, 0), (2, 1))), [(3, 4)]),
    "pad_constant": ("pad", lambda o, x, d: o.pad(x, ((0, 2), (1, 1)), constant_values=1.5), [(3, 4)]),
    "repeat": ("repeat", lambda o, x, d: o.repeat(x, 2, axis=1), [(3, 4)]),
    "repeat_flat": ("repeat", lambda o, x, d: o.repeat(x, 3), [(2, 3)]),
    "tile": ("tile", lambda o, x, d: o.tile(x, (2, 1, 3)), [(3, 4)]),
    "squeeze": ("squeeze", lambda o, x, d: o.squeeze(x, axis=1), [(3, 1, 4)]),
    "squeeze_all": ("squeeze", lambda o, x, d: o.squeeze(x), [(1, 3, 1)]),
    "expand_dims": ("expand_dims", lambda o, x, d: o.expand_dims(x, 1), [(3, 4)]),
    "stack": ("stack", lambda o, a, b, d: o.stack([a, b], axis=1), [(3, 4), (3, 4)]),
    "split_sections": ("split", lambda o, x, d: o.split(x, 2, axis=1), [(3, 4)]),
    "split_indices": ("split", lambda o, x, d: o.split(x, [1, 3], axis=1), [(3, 4)]),
    "take": ("take", lambda o, x, d: o.take(x, IDX, axis=1), [(3, 4)]),
    "take_flat": ("take", lambda o, x, d: o.take(x, IDX), [(3, 4)]),
    "take_along_axis": ("take_along_axis", lambda o, x, d: o.take_along_axis(x, ALONG, axis=1), [(3, 4)]),
    "get_item_slice": ("get_item", lambda o, x, d: o.get_item(x, (slice(1, 3), slice(None, None, 2))), [(3, 4)]),
    "get_item_int": ("get_item", lambda o, x, d: o.get_item(x, 1), [(3, 4)]),
    "swapaxes": ("swapaxes", lambda o, x, d: o.swapaxes(x, 0, 2), [(2, 3, 4)]),
    "ravel": ("ravel", lambda o, x, d: o.ravel(x), [(3, 4)]),
    "broadcast_to": ("broadcast_to", lambda o, x, d: o.broadcast_to(x, (2, 3, 4)), [(1, 4)]),
    "diag_vector": ("diag", lambda o, x, d: o.diag(x, k=1), [(3,)]),
    "diag_matrix": ("diag", lambda o, x, d: o.diag(x), [(4, 4)]),
    "trace": ("trace", lambda o, x, d: o.trace(x), [(4, 4)]),
    "moments": ("moments", lambda o, x, d: o.moments(x, axes=[0]), [(5, 4)]),
    "moments_keepdims": ("moments", lambda o, x, d: o.moments(x, axes=[0, 1], keepdims=True), [(5, 4)]),
    "divide_no_nan": ("divide_no_nan", lambda o, a, b, d: o.divide_no_nan(a, b),
                      [(3, 4), lambda d: HAS_ZERO.astype(d)]),
    "stop_gradient": ("stop_gradient", lambda o, x, d: o.multiply(o.stop_gradient(x), x), [(3, 4)]),
    "cast": ("cast", lambda o, x, d: o.cast(x, "float64" if d == "float32" else "float32"), [(3, 4)]),
    "sort": ("sort", lambda o, x, d: o.sort(x), [(3, 4)]),
    "sort_axis0": ("sort", lambda o, x, d: o.sort(x, axis=0), [(3, 4)]),
    "categorical_crossentropy": ("categorical_crossentropy",
                                 lambda o, p, d: o.categorical_crossentropy(_onehot(d), p), [_probs]),
    "categorical_crossentropy_logits": ("categorical_crossentropy",
                                        lambda o, x, d: o.categorical_crossentropy(_onehot(d), x, from_logits=True),
                                        [(3, 4)]),
    "sparse_categorical_crossentropy": ("sparse_categorical_crossentropy",
                                        lambda o, p, d: o.sparse_categorical_crossentropy(LABELS, p), [_probs]),
    "sparse_categorical_crossentropy_logits": (
        "sparse_categorical_crossentropy",
        lambda o, x, d: o.sparse_categorical_crossentropy(LABELS, x, from_logits=True), [(3, 4)]),
    "binary_crossentropy": ("binary_crossentropy",
                            lambda o, p, d: o.binary_crossentropy((HAS_ZERO > 0).astype(d), p),
                            [lambda d: rng.uniform(0.02, 0.98, size=(3, 4)).astype(d)]),
    "exponential": ("exponential", lambda o, x, d: o.exponential(x) if o is ops else o.exp(x), [(3, 4)]),
    "sigmoid_cross_entropy_with_logits": (
        "sigmoid_cross_entropy_with_logits",
        lambda o, x, d: _nn(o, "sigmoid_cross_entropy_with_logits")(labels=(HAS_ZERO > 0).astype(d), logits=x),
        [lambda d: (rng.normal(size=(3, 4)) * 4).astype(d)]),
    "softmax_cross_entropy_with_logits": (
        "softmax_cross_entropy_with_logits",
        lambda o, x, d: _nn(o, "softmax_cross_entropy_with_logits")(labels=SOFT_LABELS.astype(d), logits=x),
        [lambda d: (rng.normal(size=(3, 4)) * 4).astype(d)]),
    "binary_crossentropy_logits": ("binary_crossentropy",
                                   lambda o, x, d: o.binary_crossentropy((HAS_ZERO > 0).astype(d), x,
                                                                         from_logits=True), [(3, 4)]),
}


# Known mismatches with keras.ops, reported for a fix in the core (not loosened here). Forward values agree;
NOT_DIFFERENTIABLE = ("minikeras/ops/numpy.py returns a plain array without a VJP, so under a GradientTape the "
                      "gradient is silently 0 where TF's is not")
KNOWN_MISMATCHES = {
    "diag_vector": "ops.diag: " + NOT_DIFFERENTIABLE,
    "diag_matrix": "ops.diag: " + NOT_DIFFERENTIABLE,
    "trace": "ops.trace: " + NOT_DIFFERENTIABLE,
    "sort": "ops.sort: " + NOT_DIFFERENTIABLE,
    "sort_axis0": "ops.sort: " + NOT_DIFFERENTIABLE,
    "prod_with_zeros": ("ops.prod: the VJP g * prod / x (minikeras/ops/numpy.py) gives nan where x == 0; TF gives "
                        "the product of the other factors"),
    "moments": ("ops.moments(x, axes=[0]) with keepdims=False raises TypeError in minikeras/ops/nn.py "
                "(squeeze with a list axis); Keras accepts a list of axes"),
}


def _make(spec, dtype):
    if callable(spec):
        return spec(dtype)
    if isinstance(spec, str):
        kind, shape = spec.split("(")
        shape = tuple(int(s) for s in shape.rstrip(")").split(",") if s)
        return rng.uniform(0.5, 2.0, size=shape).astype(dtype)
    return rng.uniform(-2.0, 2.0, size=spec).astype(dtype)


@pytest.fixture(params=["float32", "float64"])
def floatx(request, keras):
    config.set_floatx(request.param)
    keras.config.set_floatx(request.param)
    yield request.param
    config.set_floatx("float32")
    keras.config.set_floatx("float32")


def _outputs(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


@pytest.mark.parametrize("case", sorted(CASES))
def test_op_value_and_gradient_match_keras_ops(request, tf, keras, floatx, case):
    if case in KNOWN_MISMATCHES:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_MISMATCHES[case]))
    name, fn, specs = CASES[case]
    inputs = [_make(s, floatx) for s in specs]
    item = f"ops.{name}"
    tol = F32 if floatx == "float32" else F64

    tf_leaves = [tf.constant(a) for a in inputs]
    with tf.GradientTape() as tape:
        for leaf in tf_leaves:
            tape.watch(leaf)
        tf_outs = _outputs(fn(keras.ops, *tf_leaves, floatx))
        weights = [rng.uniform(0.5, 1.5, size=tuple(o.shape)) for o in tf_outs]
        tf_total = sum(tf.reduce_sum(tf.cast(o, "float64") * w) for o, w in zip(tf_outs, weights))
    tf_grads = tape.gradient(tf_total, tf_leaves)

    with GradientTape() as mk_tape:
        leaves = [mk_tape.watch(a) for a in inputs]
        mk_outs = _outputs(fn(ops, *leaves, floatx))
        mk_total = None
        for o, w in zip(mk_outs, weights):
            term = ops.sum(ops.multiply(ops.cast(o, "float64"), w))
            mk_total = term if mk_total is None else ops.add(mk_total, term)
    mk_grads = mk_tape.gradient(mk_total, leaves)

    assert len(mk_outs) == len(tf_outs)
    for i, (mine, ref) in enumerate(zip(mk_outs, tf_outs)):
        mine, ref = np.asarray(ops.value(mine)), ref.numpy()
        assert mine.shape == ref.shape, (i, mine.shape, ref.shape)
        assert mine.dtype == ref.dtype, (i, mine.dtype, ref.dtype)
        assert_close(mine, ref, **(F32 if ref.dtype == np.float32 else tol), err_msg=f"output {i}", item=item)
    for i, (g, kg) in enumerate(zip(mk_grads, tf_grads)):
        g = np.zeros_like(inputs[i]) if g is None else np.asarray(g)
        kg = np.zeros_like(inputs[i]) if kg is None else np.asarray(tf.convert_to_tensor(kg))
        assert_close(g, kg, **tol, err_msg=f"gradient w.r.t. input {i}", item=item, kind="gradient")


# -- non-differentiable ops: same values, same dtypes ------------------------------------------------------------

X = np.array([[1.5, -0.0, np.nan, 2.0], [np.inf, 3.0, -1.0, 0.0], [0.5, 0.5, -np.inf, 7.0]], dtype="float32")
Y = np.array([[1.5, 1.0, np.nan, -2.0], [np.inf, 2.0, -1.0, 0.0], [0.25, 0.5, 4.0, 7.0]], dtype="float32")
FINITE = np.array([[1.5, -0.2, 3.0, 2.0], [0.7, 3.0, -1.0, 0.0], [0.5, 0.25, -4.0, 7.0]], dtype="float32")
BOOL_A, BOOL_B = X > 0.6, Y > 0.6

VALUE_CASES = {
    "all": ("all", lambda o: o.all(BOOL_A, axis=1)),
    "all_none": ("all", lambda o: o.all(BOOL_A | ~BOOL_B)),
    "any": ("any", lambda o: o.any(BOOL_A, axis=0, keepdims=True)),
    "argmax": ("argmax", lambda o: o.argmax(FINITE, axis=1)),
    "argmax_flat": ("argmax", lambda o: o.argmax(FINITE)),
    "argmin": ("argmin", lambda o: o.argmin(FINITE, axis=0)),
    "argsort": ("argsort", lambda o: o.argsort(FINITE, axis=-1)),
    "equal": ("equal", lambda o: o.equal(X, Y)),
    "not_equal": ("not_equal", lambda o: o.not_equal(X, Y)),
    "greater": ("greater", lambda o: o.greater(X, Y)),
    "greater_equal": ("greater_equal", lambda o: o.greater_equal(X, Y)),
    "less": ("less", lambda o: o.less(X, Y)),
    "less_equal": ("less_equal", lambda o: o.less_equal(X, Y)),
    "logical_and": ("logical_and", lambda o: o.logical_and(BOOL_A, BOOL_B)),
    "logical_or": ("logical_or", lambda o: o.logical_or(BOOL_A, BOOL_B)),
    "logical_not": ("logical_not", lambda o: o.logical_not(BOOL_A)),
    "isfinite": ("isfinite", lambda o: o.isfinite(X)),
    "isinf": ("isinf", lambda o: o.isinf(X)),
    "isnan": ("isnan", lambda o: o.isnan(X)),
    "count_nonzero": ("count_nonzero", lambda o: o.count_nonzero(FINITE * (FINITE > 0.6))),
    "count_nonzero_axis": ("count_nonzero", lambda o: o.count_nonzero(FINITE * (FINITE > 0.6), axis=0)),
    "one_hot": ("one_hot", lambda o: o.one_hot(np.array([0, 3, 1, 2, 3]), 4)),
    "one_hot_axis0": ("one_hot", lambda o: o.one_hot(np.array([2, 0]), 3, axis=0)),
    "arange": ("arange", lambda o: o.arange(7)),
    "arange_float": ("arange", lambda o: o.arange(0.0, 1.0, 0.25)),
    "arange_start_stop": ("arange", lambda o: o.arange(2, 11, 3, dtype="float32")),
    "linspace": ("linspace", lambda o: o.linspace(-1.0, 2.0, 7)),
    "linspace_open": ("linspace", lambda o: o.linspace(0.0, 1.0, 5, endpoint=False)),
    "eye": ("eye", lambda o: o.eye(3, 4, k=1)),
    "identity": ("identity", lambda o: o.identity(3)),
    "full": ("full", lambda o: o.full((2, 3), 0.5)),
    "full_like": ("full_like", lambda o: o.full_like(FINITE, 2.5)),
    "ones": ("ones", lambda o: o.ones((2, 3))),
    "ones_like": ("ones_like", lambda o: o.ones_like(FINITE)),
    "zeros": ("zeros", lambda o: o.zeros((3, 2))),
    "zeros_like": ("zeros_like", lambda o: o.zeros_like(FINITE, dtype="int32")),
    "shape": ("shape", lambda o: o.shape(FINITE)),
    "ndim": ("ndim", lambda o: o.ndim(FINITE[None])),
    "size": ("size", lambda o: o.size(FINITE)),
    "dtype": ("dtype", lambda o: o.dtype(FINITE.astype("float64"))),
    "convert_to_numpy": ("convert_to_numpy", lambda o: o.convert_to_numpy(o.convert_to_tensor(FINITE))),
    "convert_to_tensor": ("convert_to_tensor", lambda o: o.convert_to_tensor([[1.0, 2.0], [3.0, 4.5]])),
}

# Same values, different dtype (reported for a fix in minikeras/ops/numpy.py, not loosened here): NumPy's
# default int64 / float64 where Keras on TensorFlow gives int32 / floatx.
DTYPE_MISMATCHES = {
    "argmax": "int64 vs Keras int32", "argmax_flat": "int64 vs Keras int32", "argmin": "int64 vs Keras int32",
    "argsort": "int64 vs Keras int32", "count_nonzero": "int64 vs Keras int32",
    "count_nonzero_axis": "int64 vs Keras int32", "arange": "int64 vs Keras int32",
    "arange_float": "float64 vs Keras float32",
}


def _as_array(out):
    return np.asarray(out.numpy() if hasattr(out, "numpy") else out)


@pytest.mark.parametrize("case", sorted(VALUE_CASES))
def test_op_values_match_keras_ops(keras, case):
    name, fn = VALUE_CASES[case]
    mine, ref = fn(ops), fn(keras.ops)
    if case == "dtype":
        assert_equal(str(mine), str(ref), item="ops.dtype")
        return
    if case == "shape":
        assert_equal(tuple(mine), tuple(ref), item="ops.shape")
        return
    mine, ref = _as_array(mine), _as_array(ref)
    assert mine.shape == ref.shape, (mine.shape, ref.shape)
    assert_equal(mine, ref, item=f"ops.{name}")


@pytest.mark.parametrize("case", sorted(set(VALUE_CASES) - {"dtype", "shape", "ndim", "size"}))
def test_op_dtypes_match_keras_ops(request, keras, case):
    if case in DTYPE_MISMATCHES:
        request.applymarker(pytest.mark.xfail(strict=True, reason=f"ops dtype: {DTYPE_MISMATCHES[case]}"))
    fn = VALUE_CASES[case][1]
    mine, ref = _as_array(fn(ops)), _as_array(fn(keras.ops))
    assert mine.dtype == ref.dtype, (mine.dtype, ref.dtype)


@pytest.mark.parametrize("value", [1.5, [1.0], "text"])
def test_is_tensor_on_plain_values(keras, value):
    """Plain Python values are not tensors on either side (NumPy arrays are minikeras's tensors: see report.py)."""
    assert ops.is_tensor(value) is False
    assert bool(keras.ops.is_tensor(value)) is False
