"""`model.summary()` prints exactly what Keras 3 prints (non-interactive, no colours).

Each model is built by the same function on both sides (`K` is `keras` or
`minikeras`), with fresh name counters, and the captured texts must be equal.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minikeras
from minikeras.utils.summary_utils import render_table, table_widths, wrap_text


@pytest.fixture(autouse=True)
def _columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


def capture(model, **kwargs):
    calls = []
    model.summary(print_fn=calls.append, **kwargs)
    return "".join(calls)


def fresh(K):
    if K is minikeras:
        minikeras.utils.clear_session()
    else:
        K.backend.clear_session()


def lesson(K):
    inputs = K.Input((4,))
    x = K.layers.Dense(10, activation="relu")(inputs)
    return K.Model(inputs, K.layers.Dense(3, activation="softmax")(x))


def sequential_input_dim(K):
    return K.Sequential([K.layers.Dense(64, input_dim=100), K.layers.Dense(10)])


def unbuilt(K):
    return K.Sequential([K.layers.Dense(64), K.layers.Dense(10)])


def two_in_two_out(K):
    a, b = K.Input((3,), name="a"), K.Input((5,), name="b")
    c = K.layers.Concatenate()([a, b])
    return K.Model([a, b], [K.layers.Dense(2, name="out1")(c), K.layers.Dense(1, name="out2")(c)])


def batchnorm(K):
    return K.Sequential([K.Input((8,)), K.layers.Dense(4), K.layers.BatchNormalization()])


def long_names(K):
    inputs = K.Input((4,), name="a_very_long_input_layer_name_that_exceeds_the_column_width_for_sure")
    x = K.layers.Dense(10, name="short name with spaces but longer than the column width")(inputs)
    return K.Model(inputs, K.layers.Dense(3)(x), name="my model [x]")


def nested(K):
    inner = K.Sequential([K.Input((4,)), K.layers.Dense(2, name="id2")], name="inner")
    outer_input = K.Input((4,), name="i2")
    return K.Model(outer_input, K.layers.Dense(1, name="od")(inner(outer_input)), name="outer")


def shared(K):
    inputs = K.Input((3,), name="sa")
    layer = K.layers.Dense(3, name="sh")
    return K.Model(inputs, [layer(layer(inputs)), K.layers.Dense(1, name="t")(inputs)])


def dict_io(K):
    x, y = K.Input((3,), name="x1"), K.Input((3,), name="y1")
    return K.Model({"x1": x, "y1": y}, {"s": K.layers.Add(name="ad")([x, y])})


def with_dropout_unbuilt(K):
    return K.Sequential([K.layers.Dense(3, name="q1"), K.layers.Dropout(0.5, name="q2")], name="uq")


def built_later(K):
    model = with_dropout_unbuilt(K)
    model.build((None, 7))
    return model


def float64(K):
    return K.Sequential([K.Input((5,), dtype="float64"), K.layers.Dense(300, dtype="float64")])


def frozen_first_layer(K):
    model = batchnorm(K)
    model.layers[0].trainable = False
    return model


def empty(K):
    return K.Sequential(name="empty")


def deep_branches(K):
    inputs = K.Input((6,), name="in")
    a = K.layers.Dense(4, name="a")(inputs)
    b = K.layers.Dense(4, name="b")(a)
    c = K.layers.Dense(4, name="c")(inputs)
    merged = K.layers.Concatenate(name="cat")([b, c, a])
    return K.Model(inputs, K.layers.Dense(1, name="out")(merged))


MODELS = [lesson, sequential_input_dim, unbuilt, two_in_two_out, batchnorm, long_names, nested, shared, dict_io,
          with_dropout_unbuilt, built_later, float64, frozen_first_layer, empty, deep_branches]

OPTIONS = [
    {},
    {"show_trainable": True},
    {"expand_nested": True},
    {"expand_nested": True, "show_trainable": True},
    {"line_length": 50},
    {"line_length": 120},
    {"line_length": 60, "positions": [0.3, 0.6, 1.0]},
    {"positions": [20, 50, 70]},
    {"line_length": 70, "positions": [0.3, 0.5, 0.7]},
]


def both(build, keras):
    """The model built by Keras, and by minikeras, each from fresh name counters."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the input_dim warning, on both sides
        fresh(keras)
        k_model = build(keras)
        fresh(minikeras)
        m_model = build(minikeras)
    return k_model, m_model


# Building a Keras model costs about a second; `summary()` only reads it, so the text-only
# tests share one Keras model per builder (minikeras's side is rebuilt every time).
_KERAS_MODELS = {}


def both_shared(build, keras):
    """`both`, with the Keras model of `build` built once per session."""
    if build not in _KERAS_MODELS:
        _KERAS_MODELS[build] = both(build, keras)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fresh(minikeras)
        return _KERAS_MODELS[build], build(minikeras)


@pytest.mark.parametrize("build", MODELS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_same_text_as_keras(keras, build, options):
    k_model, m_model = both_shared(build, keras)
    try:
        expected = capture(k_model, **options)
    except IndexError:  # Keras's failure when `positions` has fewer entries than columns
        with pytest.raises(ValueError, match="`positions` must give the end of each"):
            capture(m_model, **options)
        return
    assert capture(m_model, **options) == expected


@pytest.mark.parametrize("columns", ["40", "60", "100", "200"])
@pytest.mark.parametrize("build", [lesson, two_in_two_out, batchnorm, long_names], ids=lambda f: f.__name__)
def test_same_text_for_other_terminal_widths(keras, monkeypatch, build, columns):
    monkeypatch.setenv("COLUMNS", columns)
    k_model, m_model = both_shared(build, keras)
    assert capture(m_model) == capture(k_model)


@pytest.mark.parametrize("layer_range", [["inner", "od"], ["i2", "inner"], ["od", "i2"], ["in.*", "in.*"]])
def test_layer_range_like_keras(keras, layer_range):
    k_model, m_model = both_shared(nested, keras)
    assert capture(m_model, layer_range=layer_range) == capture(k_model, layer_range=layer_range)


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop"])
def test_optimizer_params_line_like_keras(keras, optimizer):
    k_model, m_model = both(batchnorm, keras)
    x, y = np.zeros((4, 8), "float32"), np.zeros((4, 4), "float32")
    for model in (k_model, m_model):
        model.compile(optimizer, "mse")
    assert capture(m_model) == capture(k_model)  # compiled, optimizer not built: no line
    for model in (k_model, m_model):
        model.fit(x, y, verbose=0)
    text = capture(m_model)
    assert " Optimizer params: " in text
    assert text == capture(k_model)


def test_stdout_like_keras(keras, capsys):
    k_model, m_model = both(lesson, keras)
    k_model.summary()
    k_text = capsys.readouterr().out
    m_model.summary()
    assert capsys.readouterr().out == k_text


# -- the layout rules against rich itself -------------------------------------------------------
def rich_table(headers, rows, widths, justify, line_length):
    import rich.console
    import rich.markup
    import rich.table

    # Cells are plain text here: escaped, so rich does not read "[a]" as markup.
    columns = [rich.table.Column(rich.markup.escape(h), justify=j, width=w)
               for h, w, j in zip(headers, widths, justify)]
    table = rich.table.Table(*columns, width=line_length, show_lines=True)
    for row in rows:
        table.add_row(*[rich.markup.escape(cell) for cell in row])
    console = rich.console.Console(highlight=False, force_terminal=False, color_system=None, width=400)
    console.begin_capture()
    console.print(table)
    return console.end_capture().splitlines()


words = st.text(alphabet="abcdefghij_[]()0123456789", min_size=1, max_size=14)
cells = st.lists(words, min_size=0, max_size=5).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), ncols=st.integers(1, 5))
def test_table_layout_matches_rich(data, ncols):
    widths = data.draw(st.lists(st.integers(4, 40), min_size=ncols, max_size=ncols))
    line_length = data.draw(st.integers(max(sum(widths) // 2, ncols * 4 + 2), sum(widths) + 20))
    justify = data.draw(st.lists(st.sampled_from(["left", "right", "center"]), min_size=ncols, max_size=ncols))
    headers = data.draw(st.lists(cells, min_size=ncols, max_size=ncols))
    rows = data.draw(st.lists(st.lists(cells, min_size=ncols, max_size=ncols), max_size=3))
    expected = rich_table(headers, rows, widths, justify, line_length)
    if any(w <= 2 for w in table_widths(widths, line_length)):
        return  # columns narrower than their padding: rich's degenerate case, never reached by summaries
    assert render_table(headers, rows, table_widths(widths, line_length), justify) == expected


@settings(max_examples=300, deadline=None)
@given(text=cells, width=st.integers(1, 20))
def test_fold_wrap_matches_rich(text, width):
    import rich.console
    import rich.text

    console = rich.console.Console(width=width)
    expected = [line.plain for line in rich.text.Text(text).wrap(console, width)]
    assert wrap_text(text, width) == expected


def subclassed(K):
    class Sub(K.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d1 = K.layers.Dense(4)
            self.drop = K.layers.Dropout(0.1)
            self.d2 = K.layers.Dense(2)

        def call(self, x, training=None):
            return self.d2(self.drop(self.d1(x), training=training))

    return Sub(name="sub")


@pytest.mark.parametrize("options", [{}, {"show_trainable": True}])
def test_subclassed_model_like_keras(keras, options):
    k_model, m_model = both(subclassed, keras)
    assert capture(m_model, **options) == capture(k_model, **options)  # layers unbuilt: "?" and "0 (unbuilt)"
    for model in (k_model, m_model):
        model(np.zeros((3, 5), "float32"))  # built on concrete data: the batch size shows
    assert capture(m_model, **options) == capture(k_model, **options)


def test_subclassed_model_after_fit_like_keras(keras):
    k_model, m_model = both(subclassed, keras)
    x, y = np.zeros((3, 5), "float32"), np.zeros((3, 2), "float32")
    for model in (k_model, m_model):
        model.compile("adam", "mse")
        model.fit(x, y, verbose=0)
    # Keras's fit builds the model on symbolic inputs: shapes show `None` for the batch.
    assert capture(m_model) == capture(k_model)
