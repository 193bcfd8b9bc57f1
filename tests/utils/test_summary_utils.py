"""`model.summary()`: Keras 3.15's table, character for character (texts captured from Keras)."""

import logging

import numpy as np
import pytest

import minikeras
from minikeras.layers import BatchNormalization, Concatenate, Dense, Dropout, Input
from minikeras.models.model import Model
from minikeras.models.sequential import Sequential
from minikeras.utils import io_utils
from minikeras.utils import summary_utils
from minikeras.utils.summary_utils import (
    print_summary,
    readable_memory_size,
    render_table,
    table_widths,
    weight_memory_size,
    wrap_text,
)


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch):
    """Keras sizes the table from the terminal: pin it to the 80 columns of a non-interactive run."""
    monkeypatch.setenv("COLUMNS", "80")


def capture(model, **kwargs):
    calls = []
    model.summary(print_fn=calls.append, **kwargs)
    assert len(calls) == 1  # Keras 3 hands the whole summary over in one call
    return calls[0]


# Captured from Keras 3.15.1 (`model.summary(print_fn=...)`, COLUMNS=80), same models and names.
LESSON = """\
Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ input_layer (InputLayer)        │ (None, 4)              │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 10)             │            50 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 3)              │            33 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 83 (332.00 B)
 Trainable params: 83 (332.00 B)
 Non-trainable params: 0 (0.00 B)
"""

SEQUENTIAL = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 64)             │         6,464 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │           650 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 7,114 (27.79 KB)
 Trainable params: 7,114 (27.79 KB)
 Non-trainable params: 0 (0.00 B)
"""

UNBUILT = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ ?                      │   0 (unbuilt) │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ ?                      │   0 (unbuilt) │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
"""

TWO_IN_TWO_OUT = """\
Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ a (InputLayer)      │ (None, 3)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ b (InputLayer)      │ (None, 5)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ concatenate         │ (None, 8)         │          0 │ a[0][0], b[0][0]  │
│ (Concatenate)       │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ out1 (Dense)        │ (None, 2)         │         18 │ concatenate[0][0] │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ out2 (Dense)        │ (None, 1)         │          9 │ concatenate[0][0] │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 27 (108.00 B)
 Trainable params: 27 (108.00 B)
 Non-trainable params: 0 (0.00 B)
"""

BATCHNORM = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 4)              │            36 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ batch_normalization             │ (None, 4)              │            16 │
│ (BatchNormalization)            │                        │               │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 52 (208.00 B)
 Trainable params: 44 (176.00 B)
 Non-trainable params: 8 (32.00 B)
"""

BATCHNORM_FITTED = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 4)              │            36 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ batch_normalization             │ (None, 4)              │            16 │
│ (BatchNormalization)            │                        │               │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 142 (572.00 B)
 Trainable params: 44 (176.00 B)
 Non-trainable params: 8 (32.00 B)
 Optimizer params: 90 (364.00 B)
"""


def lesson_model():
    inputs = Input((4,))
    x = Dense(10, activation="relu")(inputs)
    return Model(inputs, Dense(3, activation="softmax")(x))


def two_in_two_out():
    a, b = Input((3,), name="a"), Input((5,), name="b")
    c = Concatenate()([a, b])
    return Model([a, b], [Dense(2, name="out1")(c), Dense(1, name="out2")(c)])


def batchnorm_model():
    return Sequential([Input((8,)), Dense(4), BatchNormalization()])


def test_lesson_functional_model():
    assert capture(lesson_model()) == LESSON


def test_sequential_with_input_dim():
    with pytest.warns(UserWarning):
        model = Sequential([Dense(64, input_dim=100), Dense(10)])
    assert capture(model) == SEQUENTIAL


def test_unbuilt_sequential():
    assert capture(Sequential([Dense(64), Dense(10)])) == UNBUILT


def test_two_inputs_two_outputs_uses_connected_to_layout():
    assert capture(two_in_two_out()) == TWO_IN_TWO_OUT


def test_batch_normalization_counts_non_trainable():
    assert capture(batchnorm_model()) == BATCHNORM


def test_optimizer_params_appear_once_the_optimizer_is_built():
    model = batchnorm_model()
    model.compile("adam", "mse")
    assert capture(model) == BATCHNORM  # compiled, optimizer not built yet: no line
    model.fit(np.zeros((4, 8), "float32"), np.zeros((4, 4), "float32"), verbose=0)
    assert capture(model) == BATCHNORM_FITTED


def test_default_prints_to_stdout(capsys):
    lesson_model().summary()
    assert capsys.readouterr().out == LESSON


def test_print_summary_function_matches_method(capsys):
    print_summary(lesson_model())
    assert capsys.readouterr().out == LESSON


def test_disabled_interactive_logging_goes_to_logger(caplog, capsys):
    io_utils.disable_interactive_logging()
    try:
        with caplog.at_level(logging.INFO, logger="minikeras"):
            lesson_model().summary()
    finally:
        io_utils.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert LESSON in caplog.text


def test_title_uses_model_name():
    inputs = Input((4,))
    model = Model(inputs, Dense(2)(inputs), name="my model [x]")
    assert capture(model).splitlines()[0] == 'Model: "my model [x]"'


def test_narrow_terminal_shrinks_the_default_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    lines = capture(lesson_model()).splitlines()
    assert len(lines[1]) == 56  # 60 columns minus 4


def test_wide_terminal_uses_88_or_108(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert len(capture(lesson_model()).splitlines()[1]) == 88
    assert len(capture(two_in_two_out()).splitlines()[1]) == 108


def test_line_length_wider_than_console_is_cropped():
    lines = capture(lesson_model(), line_length=120).splitlines()
    assert max(len(line) for line in lines) == 80
    assert lines[1].startswith("┏") and not lines[1].endswith("┓")


def test_show_trainable_column():
    model = batchnorm_model()
    model.layers[0].trainable = False
    text = capture(model, show_trainable=True)
    assert "┃ Trai… ┃" in text  # the header is cropped as rich crops it
    rows = [line for line in text.splitlines() if line.startswith("│ dense")]
    assert rows[0].endswith("│   N   │")
    assert " Trainable params: 8 (32.00 B)" in text  # gamma and beta
    assert " Non-trainable params: 44 (176.00 B)" in text


def test_show_trainable_dash_for_layers_without_weights():
    model = Sequential([Input((3,)), Dense(2), Dropout(0.5)])
    rows = [line for line in capture(model, show_trainable=True).splitlines() if line.startswith("│ dropout")]
    assert rows[0].endswith("│   -   │")


def nested_model():
    inner = Sequential([Input((4,)), Dense(2, name="id2")], name="inner")
    outer_input = Input((4,), name="i2")
    return Model(outer_input, Dense(1, name="od")(inner(outer_input)), name="outer")


def test_expand_nested_lists_inner_layers():
    text = capture(nested_model(), expand_nested=True)
    assert "│    └ id2 (Dense)" in text
    assert "id2" not in capture(nested_model())


@pytest.mark.parametrize("layer_range, expected", [
    (["inner", "od"], ["inner", "od"]),
    (["i2", "inner"], ["i2", "inner"]),
    (["od", "i2"], ["i2", "inner", "od"]),  # reversed matches give the span between them
    (["in.*", "in.*"], ["inner"]),
])
def test_layer_range(layer_range, expected):
    text = capture(nested_model(), layer_range=layer_range)
    names = [line.split()[1] for line in text.splitlines() if line.startswith("│ ")]
    assert names == expected


@pytest.mark.parametrize("layer_range, message", [
    (["a"], "must be a list or tuple of length 2"),
    ([1, 2], "should contain string type only"),
    (["nope", "od"], "do not match the layer names"),
])
def test_layer_range_errors(layer_range, message):
    with pytest.raises(ValueError, match=message):
        capture(nested_model(), layer_range=layer_range)


def test_insufficient_width():
    with pytest.raises(ValueError, match="Insufficient console width"):
        capture(lesson_model(), line_length=8)


def test_shared_layer_is_not_sequential_like():
    inputs = Input((3,), name="sa")
    shared = Dense(3, name="sh")
    model = Model(inputs, shared(shared(inputs)))
    text = capture(model)
    assert "Connected to" in text
    assert "│ sa[0][0],         │\n" in text and "│ sh[0][0]          │\n" in text


def test_scalar_output_shape_has_no_trailing_comma():
    class Scalar(minikeras.layers.Layer):
        def call(self, x):
            return minikeras.ops.sum(x, axis=-1)

        def compute_output_shape(self, input_shape):
            return input_shape[:1]

    inputs = Input((3,))
    assert "│ (None)" in capture(Model(inputs, Scalar()(inputs)))


def test_multiple_outputs_shape_cell():
    class Split(minikeras.layers.Layer):
        def call(self, x):
            return [x, x]

        def compute_output_shape(self, input_shape):
            return [input_shape, input_shape]

    inputs = Input((3,))
    a, b = Split(name="split")(inputs)
    text = capture(Model(inputs, [a, b]))
    assert "[(None, 3), (None, 3)]" in text.replace("\n", "")


# -- the pieces -------------------------------------------------------------------------------
@pytest.mark.parametrize("size, text", [
    (0, "0.00 B"), (332.0, "332.00 B"), (1023, "1023.00 B"), (1024, "1.00 KB"), (28456.0, "27.79 KB"),
    (1024 ** 2 * 3.5, "3.50 MB"), (1024 ** 3, "1.00 GB"), (1024 ** 6 * 2, "2.00 PB"),  # Keras divides once more past PB
])
def test_readable_memory_size(size, text):
    assert readable_memory_size(size) == text


@pytest.mark.parametrize("dtype, nbytes", [
    ("float32", 40), ("float64", 80), ("float16", 20), ("int64", 80), ("int8", 10), ("uint16", 20), ("bool", 1.25),
])
def test_weight_memory_size_by_dtype(dtype, nbytes):
    v = minikeras.Variable(np.zeros((2, 5)), dtype=dtype)
    assert weight_memory_size([v, v]) == nbytes  # a variable listed twice counts once


def test_weight_memory_size_rejects_unknown_dtype():
    class Odd:
        shape, dtype = (2,), "complex64"

    with pytest.raises(ValueError, match="Invalid dtype: complex64"):
        weight_memory_size([Odd()])


@pytest.mark.parametrize("columns, line_length, widths", [
    ([34, 26, 16], 76, [33, 24, 15]),
    ([15, 15, 20], 50, [14, 13, 19]),
    ([22, 20, 13, 21], 76, [21, 19, 11, 20]),
    ([1520, 2280, 1520], 76, [24, 24, 24]),
    ([18, 12, 12], 55, [22, 15, 14]),
    ([10, 10, 10], 60, [19, 19, 18]),  # room left over is shared out
])
def test_table_widths(columns, line_length, widths):
    assert table_widths(columns, line_length) == widths


@pytest.mark.parametrize("text, width, justify, overflow, lines", [
    ("dense (Dense)", 31, "left", "ellipsis", ["dense (Dense)" + " " * 18]),
    ("batch_normalization (BatchNormalization)", 31, "left", "ellipsis",
     ["batch_normalization" + " " * 12, "(BatchNormalization)" + " " * 11]),
    ("a_very_long_name_indeed (X)", 10, "left", "ellipsis", ["a_very_lo…", "(X)       "]),
    ("50", 6, "right", "ellipsis", ["    50"]),
    ("Y", 5, "center", "ellipsis", ["  Y  "]),
    ("Trainable", 5, "center", "ellipsis", ["Trai…"]),
    ("a[0][0], b[0][0]", 10, "left", "ellipsis", ["a[0][0],  ", "b[0][0]   "]),
    ("abcdefghij", 4, "default", "fold", ["abcd", "efgh", "ij"]),
    ("one two  three", 5, "default", "fold", ["one ", "two  ", "three"]),
    ("", 3, "left", "ellipsis", ["   "]),
])
def test_wrap_text(text, width, justify, overflow, lines):
    assert wrap_text(text, width, justify=justify, overflow=overflow) == lines


def test_render_table_aligns_header_to_bottom_and_cells_to_top():
    lines = render_table(["Long header", "H"], [["a", "bb cc"]], [8, 5], ["left", "right"])
    assert lines == [
        "┏━━━━━━━━┳━━━━━┓",
        "┃ Long   ┃     ┃",
        "┃ header ┃   H ┃",
        "┡━━━━━━━━╇━━━━━┩",
        "│ a      │  bb │",
        "│        │  cc │",
        "└────────┴─────┘",
    ]


def test_render_table_without_rows():
    assert render_table(["A"], [], [5], ["left"]) == ["┏━━━━━┓", "┃ A   ┃", "┡━━━━━┩", "└─────┘"]


def test_console_width_follows_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "123")
    assert summary_utils._console_width() == 123
