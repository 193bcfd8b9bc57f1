"""model_to_dot draws one labelled box per layer and one edge per connection; plot_model writes it.

Graphviz's `dot` binary is not needed: the graph's structure is read back from pydot, and
`plot_model` is exercised with `.dot` files (written as plain DOT text without Graphviz).
"""

import subprocess
import sys

import pytest

import minikeras as keras
from minikeras.utils import model_visualization as mv

pydot = pytest.importorskip("pydot")


# -- helpers ---------------------------------------------------------------------------------------


def _labels(dot):
    """{layer id: label} for every box, clusters included."""
    out = {}
    for node in dot.get_nodes():
        if node.get_name() not in ("node", "edge", "graph"):
            out[node.get_name()] = node.get_label()
    for sub in dot.get_subgraphs():
        out.update(_labels(sub))
    return out


def _edges(dot, layers):
    """Edges as (source name, destination name), clusters included."""
    names = {str(id(layer)): layer.name for layer in layers}
    edges = [(names[e.get_source()], names[e.get_destination()]) for e in dot.get_edges()]
    for sub in dot.get_subgraphs():
        edges += _edges(sub, layers)
    return edges


def _label(dot, layer):
    return _labels(dot)[str(id(layer))]


def _two_input_model():
    a = keras.Input((3,), name="a")
    b = keras.Input((4,), name="b")
    x = keras.layers.Dense(5, activation="relu", name="d1")(a)
    c = keras.layers.Concatenate(name="cat")([x, b])
    out = keras.layers.Dense(2, name="out")(c)
    return keras.Model([a, b], out, name="two")


def _sequential():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, name="s1"),
                              keras.layers.Dense(1, activation="sigmoid", name="s2")], name="seq")
    model.get_layer("s1").trainable = False
    return model


def _outer():
    inner, seq = _two_input_model(), _sequential()
    i = keras.Input((3,), name="i")
    j = keras.Input((4,), name="j")
    z = seq(inner([i, j]))
    return keras.Model([i, j], z, name="outer"), inner, seq


# -- labels ----------------------------------------------------------------------------------------


def test_default_label_has_name_and_class_only():
    model = _two_input_model()
    label = _label(mv.model_to_dot(model), model.get_layer("d1"))
    assert "<b>d1</b> (Dense)" in label
    for absent in ("Input shape", "Output shape", "Output dtype", "Activation", "Trainable"):
        assert absent not in label
    assert 'colspan="1"' in label


def test_show_layer_names_false_shows_class_only():
    model = _two_input_model()
    label = _label(mv.model_to_dot(model, show_layer_names=False), model.get_layer("d1"))
    assert "<b>Dense</b>" in label and "d1" not in label


@pytest.mark.parametrize("layer, input_shape, output_shape", [
    ("d1", "(None, 3)", "(None, 5)"),
    ("cat", "[(None, 5), (None, 4)]", "(None, 9)"),
    ("out", "(None, 9)", "(None, 2)"),
])
def test_show_shapes(layer, input_shape, output_shape):
    model = _two_input_model()
    label = _label(mv.model_to_dot(model, show_shapes=True), model.get_layer(layer))
    assert f"Input shape: <b>{input_shape}</b>" in label
    assert f"Output shape: <b>{output_shape}</b>" in label
    assert 'colspan="2"' in label


def test_input_layer_has_no_input_shape_cell():
    model = _two_input_model()
    label = _label(mv.model_to_dot(model, show_shapes=True), model.get_layer("b"))
    assert "Output shape: <b>(None, 4)</b>" in label and "Input shape" not in label
    assert "(InputLayer)" in label


def test_show_dtype():
    keras.config.set_floatx("float64")
    model = _two_input_model()
    label = _label(mv.model_to_dot(model, show_dtype=True), model.get_layer("out"))
    assert "Output dtype: <b>float64</b>" in label


@pytest.mark.parametrize("layer, activation", [("d1", "relu"), ("out", "linear")])
def test_show_layer_activations(layer, activation):
    model = _two_input_model()
    label = _label(mv.model_to_dot(model, show_layer_activations=True), model.get_layer(layer))
    assert f"Activation: <b>{activation}</b>" in label


def test_activation_row_only_for_layers_with_an_activation():
    model = _two_input_model()
    label = _label(mv.model_to_dot(model, show_layer_activations=True), model.get_layer("cat"))
    assert "Activation" not in label


def test_show_trainable_marks_only_layers_with_weights():
    model = _sequential()
    dot = mv.model_to_dot(model, show_trainable=True)
    assert "Non-trainable" in _label(dot, model.get_layer("s1"))
    assert "<b>Trainable</b>" in _label(dot, model.get_layer("s2"))
    two = _two_input_model()
    dot = mv.model_to_dot(two, show_trainable=True)
    for weightless in ("a", "cat"):
        assert "rainable" not in _label(dot, two.get_layer(weightless))


def test_all_options_match_keras_layout():
    model = _two_input_model()
    label = _label(mv.model_to_dot(model, show_shapes=True, show_dtype=True, show_layer_activations=True,
                                   show_trainable=True), model.get_layer("d1"))
    assert label == (
        '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
        '<tr><td colspan="4" bgcolor="black"><font point-size="16" color="white"><b>d1</b> (Dense)'
        '</font></td></tr><tr><td bgcolor="white" colspan="4"><font point-size="14">Activation: '
        '<b>relu</b></font></td></tr><tr><td bgcolor="white"><font point-size="14">Input shape: '
        '<b>(None, 3)</b></font></td><td bgcolor="white"><font point-size="14">Output shape: '
        '<b>(None, 5)</b></font></td><td bgcolor="white"><font point-size="14">Output dtype: '
        '<b>float32</b></font></td><td bgcolor="forestgreen"><font point-size="14" color="white">'
        "<b>Trainable</b></font></td></tr></table>>"
    )


# -- graph -----------------------------------------------------------------------------------------


def test_functional_two_inputs_edges_and_node_order():
    model = _two_input_model()
    dot = mv.model_to_dot(model)
    assert list(_labels(dot)) == [str(id(layer)) for layer in model.layers]
    assert _edges(dot, model.layers) == [("a", "d1"), ("d1", "cat"), ("b", "cat"), ("cat", "out")]
    assert all(e.get("penwidth") == "2" for e in dot.get_edges())


def test_sequential_chain_without_input_box():
    model = _sequential()
    dot = mv.model_to_dot(model)
    assert len(_labels(dot)) == 2
    assert _edges(dot, model.layers) == [("s1", "s2")]


@pytest.mark.parametrize("option, key, value", [
    ("rankdir", "rankdir", "LR"), ("dpi", "dpi", 96), ("splines", "splines", "curved"),
])
def test_graph_attributes(option, key, value):
    dot = mv.model_to_dot(_two_input_model(), **{option: value})
    assert isinstance(dot, pydot.Dot)
    assert str(dot.get(key)) == str(value)


def test_graph_defaults():
    dot = mv.model_to_dot(_two_input_model())
    assert (dot.get("rankdir"), dot.get("dpi"), dot.get("splines"), dot.get("concentrate")) == (
        "TB", 200, "ortho", True)


def test_subgraph_returns_named_cluster():
    cluster = mv.model_to_dot(_two_input_model(), subgraph=True)
    assert isinstance(cluster, pydot.Cluster)
    assert cluster.get_name() == "cluster_two" and cluster.get("label") == "two"


def test_nested_models_collapsed_by_default():
    model, inner, seq = _outer()
    dot = mv.model_to_dot(model, show_shapes=True)
    assert not dot.get_subgraphs()
    assert _edges(dot, model.layers) == [("i", "two"), ("j", "two"), ("two", "seq")]
    assert "Output shape: <b>(None, 1)</b>" in _label(dot, seq)


def test_expand_nested_draws_clusters_and_crossing_edges():
    model, inner, seq = _outer()
    dot = mv.model_to_dot(model, expand_nested=True)
    clusters = {sub.get_name(): sub for sub in dot.get_subgraphs()}
    assert set(clusters) == {"cluster_two", "cluster_seq"}
    everything = model.layers + inner.layers + seq.layers
    assert sorted(_edges(clusters["cluster_two"], everything)) == sorted(
        [("a", "d1"), ("d1", "cat"), ("b", "cat"), ("cat", "out")])
    assert _edges(clusters["cluster_seq"], everything) == [("s1", "s2")]
    # Edges into a model land on its input layers / first layer; edges out leave from its output layer.
    assert _edges(dot, everything)[:3] == [("i", "a"), ("j", "b"), ("out", "s1")]
    assert str(id(inner)) not in _labels(dot) and str(id(seq)) not in _labels(dot)


def test_shared_layer_calls_outside_the_model_are_not_drawn():
    shared = keras.layers.Dense(2, name="shared")
    x = keras.Input((3,), name="x")
    other = keras.Input((3,), name="other")
    shared(other)  # a call that belongs to no model below
    model = keras.Model(x, shared(x))
    assert _edges(mv.model_to_dot(model), [x._keras_history[0], other._keras_history[0], shared]) == [
        ("x", "shared")]


def test_subclassed_model_is_one_box():
    class Net(keras.Model):
        def __init__(self):
            super().__init__(name="net")
            self.dense = keras.layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    net = Net()
    net.build((None, 3))
    net.built = True
    dot = mv.model_to_dot(net)
    assert list(_labels(dot)) == [str(id(net))] and not dot.get_edges()
    assert "<b>net</b> (Net)" in _label(dot, net)


# -- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [mv.model_to_dot, mv.plot_model])
def test_unbuilt_model_raises(fn):
    with pytest.raises(ValueError, match="has not yet been built"):
        fn(keras.Sequential([keras.layers.Dense(1)]))


@pytest.mark.parametrize("fn", [mv.model_to_dot, mv.plot_model])
@pytest.mark.parametrize("kwargs, match", [
    ({"layer_range": ["a", "b"]}, "`layer_range` is no longer supported"),
    ({"show_colors": True}, "Unrecognized keyword arguments: {'show_colors': True}"),
])
def test_bad_kwargs(fn, kwargs, match, tmp_path):
    extra = {"to_file": str(tmp_path / "m.dot")} if fn is mv.plot_model else {}
    with pytest.raises(ValueError, match=match):
        fn(_two_input_model(), **extra, **kwargs)


def _hide_pydot(monkeypatch):
    for name in mv._PYDOT_MODULES:
        monkeypatch.setitem(sys.modules, name, None)  # makes `import name` raise ImportError


def test_model_to_dot_without_pydot(monkeypatch):
    _hide_pydot(monkeypatch)
    assert not mv.check_pydot() and not mv.check_graphviz()
    with pytest.raises(ImportError, match=r"You must install pydot \(`pip install pydot`\) for model_to_dot"):
        mv.model_to_dot(_two_input_model())


@pytest.mark.parametrize("to_file", ["m.png", "m.dot"])
def test_plot_model_without_pydot(monkeypatch, tmp_path, to_file):
    _hide_pydot(monkeypatch)
    with pytest.raises(ImportError, match=r"install pydot \(`pip install pydot`\) for `plot_model` to work"):
        mv.plot_model(_two_input_model(), to_file=str(tmp_path / to_file))
    assert not (tmp_path / to_file).exists()


@pytest.mark.parametrize("to_file", ["m.png", "m.svg", "m.pdf", "model"])
def test_plot_model_images_need_graphviz(monkeypatch, tmp_path, to_file):
    monkeypatch.setattr(mv, "check_graphviz", lambda: False)
    with pytest.raises(ImportError, match=r"You must install graphviz \(see instructions at "
                                          r"https://graphviz.gitlab.io/download/\) for `plot_model` to work"):
        mv.plot_model(_two_input_model(), to_file=str(tmp_path / to_file))


def test_plot_model_in_a_notebook_prints_instead_of_raising(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(mv, "check_graphviz", lambda: False)
    monkeypatch.setitem(sys.modules, "IPython.core.magics.namespace", object())
    assert mv.plot_model(_two_input_model(), to_file=str(tmp_path / "m.png")) is None
    assert "You must install graphviz" in capsys.readouterr().out


def test_plot_model_renders_through_graphviz_with_the_extension_format(monkeypatch, tmp_path):
    written = []
    monkeypatch.setattr(mv, "check_graphviz", lambda: True)
    monkeypatch.setattr(pydot.Dot, "write", lambda self, path, format: written.append((path, format)))
    mv.plot_model(_two_input_model(), to_file=str(tmp_path / "m.svg"))
    mv.plot_model(_two_input_model(), to_file=str(tmp_path / "model"))
    assert written == [(str(tmp_path / "m.svg"), "svg"), (str(tmp_path / "model"), "png")]


# -- plot_model to .dot --------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pydot's parser on newer pyparsing
def test_plot_model_writes_raw_dot_without_graphviz(monkeypatch, tmp_path):
    monkeypatch.setattr(mv, "check_graphviz", lambda: pytest.fail("a .dot file must not need Graphviz"))
    model = _two_input_model()
    path = tmp_path / "x.dot"
    assert keras.utils.plot_model(model, to_file=path, show_shapes=True, rankdir="LR", dpi=72) is None
    text = path.read_text(encoding="utf-8")
    assert text.startswith("digraph G {")
    assert text == mv.model_to_dot(model, show_shapes=True, show_layer_names=False, rankdir="LR",
                                   dpi=72).to_string()
    (graph,) = pydot.graph_from_dot_data(text)
    assert graph.get("rankdir") == "LR" and len(graph.get_edges()) == 4
    # plot_model's own default: no layer names (model_to_dot's default shows them).
    assert "<b>Dense</b>" in text and "<b>d1</b>" not in text


@pytest.mark.parametrize("option, needle", [
    ({"show_layer_names": True}, "<b>d1</b> (Dense)"),
    ({"show_dtype": True}, "Output dtype: <b>float32</b>"),
    ({"show_layer_activations": True}, "Activation: <b>relu</b>"),
    ({"show_trainable": True}, "<b>Trainable</b>"),
    ({"splines": "line"}, "splines=line"),
])
def test_plot_model_forwards_options(option, needle, tmp_path):
    path = tmp_path / "m.dot"
    mv.plot_model(_two_input_model(), to_file=str(path), **option)
    assert needle in path.read_text(encoding="utf-8")


def test_plot_model_expand_nested_to_dot(tmp_path):
    model, _, _ = _outer()
    path = tmp_path / "nested.dot"
    mv.plot_model(model, to_file=str(path), expand_nested=True)
    text = path.read_text(encoding="utf-8")
    assert "subgraph cluster_two {" in text and "subgraph cluster_seq {" in text


# -- public surface --------------------------------------------------------------------------------


def test_exported_from_utils():
    assert keras.utils.plot_model is mv.plot_model
    assert keras.utils.model_to_dot is mv.model_to_dot


def test_import_minikeras_does_not_import_pydot():
    code = "import sys, minikeras, minikeras.utils; print('pydot' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
