"""`plot_model` and `model_to_dot`: draw a model's layer graph with pydot/Graphviz.

pydot is an optional dependency (the `plot` extra), imported only when one of
these functions runs; rendering an image additionally needs Graphviz's `dot`.
Writing to a `.dot` file needs pydot only (see `plot_model`).
"""

import os
import sys

_PYDOT_MODULES = ("pydot", "pydot_ng", "pydotplus")  # the older forks still work, as in Keras


def _import_pydot():
    """The first importable pydot flavour, or None."""
    import importlib

    for name in _PYDOT_MODULES:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def check_pydot():
    """Whether pydot (or one of its forks) can be imported."""
    return _import_pydot() is not None


def check_graphviz():
    """Whether pydot is importable and Graphviz can render a blank graph."""
    pydot = _import_pydot()
    if pydot is None:
        return False
    try:
        pydot.Dot.create(pydot.Dot())
        return True
    except (OSError, getattr(pydot, "PydotException", OSError)):
        return False


def _in_notebook():
    # In notebooks Keras prints the install hint instead of raising, so a missing
    # Graphviz does not abort the whole notebook run.
    return "IPython.core.magics.namespace" in sys.modules


# -- labels --------------------------------------------------------------------------------------


def get_layer_activation_name(layer):
    """`relu` for a layer built with `activation="relu"` (name, then `__name__`, then str)."""
    activation = layer.activation
    if hasattr(activation, "name"):
        return activation.name
    if hasattr(activation, "__name__"):
        return activation.__name__
    return str(activation)


def _tensor_attr(structure, attr):
    """Map `t -> t.<attr>` over a tensor or a list/tuple/dict of tensors."""
    if isinstance(structure, dict):
        return {k: _tensor_attr(v, attr) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_tensor_attr(v, attr) for v in structure)
    return getattr(structure, attr)


def _format_shape(shape):
    if shape is None:
        return "?"
    if isinstance(shape, dict):
        text = ", ".join(f"{k}: {v}" for k, v in shape.items())
    else:
        text = str(shape)
    return text.replace("{", "").replace("}", "")


def _cell(text, bgcolor="white", color=None):
    font = '<font point-size="14" color="{}">'.format(color) if color else '<font point-size="14">'
    return f'<td bgcolor="{bgcolor}">{font}{text}</font></td>'


def make_layer_label(layer, show_layer_names, show_layer_activations, show_dtype, show_shapes,
                     show_trainable):
    """The HTML-like Graphviz label of one layer's box (Keras's table layout)."""
    class_name = layer.__class__.__name__
    width = int(bool(show_dtype)) + int(bool(show_trainable)) + (2 if show_shapes else 0)
    colspan = max(1, width)

    title = f"<b>{layer.name}</b> ({class_name})" if show_layer_names else f"<b>{class_name}</b>"
    rows = [
        f'<tr><td colspan="{colspan}" bgcolor="black"><font point-size="16" color="white">'
        f"{title}</font></td></tr>"
    ]
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        rows.append(
            f'<tr><td bgcolor="white" colspan="{colspan}"><font point-size="14">'
            f"Activation: <b>{get_layer_activation_name(layer)}</b></font></td></tr>"
        )

    cells = []
    if show_shapes:
        input_shape = output_shape = None
        try:
            input_shape = _tensor_attr(layer.input, "shape")
            output_shape = _tensor_attr(layer.output, "shape")
        except (ValueError, AttributeError):
            pass  # a layer never called symbolically: shown as "?"
        if class_name != "InputLayer":
            cells.append(_cell(f"Input shape: <b>{_format_shape(input_shape)}</b>"))
        cells.append(_cell(f"Output shape: <b>{_format_shape(output_shape)}</b>"))
    if show_dtype:
        dtype = None
        try:
            dtype = _tensor_attr(layer.output, "dtype")
        except (ValueError, AttributeError):
            pass
        cells.append(_cell(f"Output dtype: <b>{dtype or '?'}</b>"))
    # Keras only marks layers that own weights: a weightless layer is neither.
    if show_trainable and hasattr(layer, "trainable") and layer.weights:
        if layer.trainable:
            cells.append(_cell("<b>Trainable</b>", bgcolor="forestgreen", color="white"))
        else:
            cells.append(_cell("<b>Non-trainable</b>", bgcolor="firebrick", color="white"))
    if cells:
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return ('<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
            + "".join(rows) + "</table>>")


def _make_node(pydot, layer, label_options):
    node = pydot.Node(str(id(layer)), label=make_layer_label(layer, **label_options))
    node.set("fontname", "Helvetica")
    node.set("border", "0")
    node.set("margin", "0")
    return node


def _add_edge(pydot, dot, src, dst):
    src_id, dst_id = str(id(src)), str(id(dst))
    if not dot.get_edge(src_id, dst_id):
        edge = pydot.Edge(src_id, dst_id)
        edge.set("penwidth", "2")
        dot.add_edge(edge)


# -- graph walking -------------------------------------------------------------------------------


def _model_kinds():
    from minikeras.models.functional import Functional
    from minikeras.models.sequential import Sequential

    return Functional, Sequential


def _first_real_destination(destination, input_index):
    """Inside nested models, the box an incoming edge should point at."""
    Functional, Sequential = _model_kinds()
    while isinstance(destination, (Functional, Sequential)):
        if isinstance(destination, Functional):
            destination = destination.inputs[input_index]._keras_history[0]  # its InputLayer
        else:
            destination = destination.layers[0]  # Sequential draws no input box
    return destination


def _last_real_source(source, output_index):
    """Inside nested models, the box producing the model's `output_index`-th output."""
    Functional, Sequential = _model_kinds()
    while isinstance(source, (Functional, Sequential)):
        source, _, output_index = source.outputs[output_index]._keras_history
    return source


def _connect(pydot, dot, model, layers, expand_nested):
    Functional, _ = _model_kinds()
    own_nodes = {id(n) for n in model._nodes} if isinstance(model, Functional) else None
    for layer in layers:
        for node in layer._inbound_nodes:
            # A shared layer also has calls made outside this model: skip those.
            if own_nodes is not None and id(node) not in own_nodes:
                continue
            for input_index, tensor in enumerate(node.input_tensors):
                history = tensor._keras_history
                if history is None or history[0] is None:
                    continue
                producer, node_index, output_index = history
                source = producer._inbound_nodes[node_index].layer
                if not expand_nested:
                    _add_edge(pydot, dot, source, layer)
                    continue
                _add_edge(pydot, dot, _last_real_source(source, output_index),
                          _first_real_destination(layer, input_index))


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False,
                 show_trainable=False, splines="ortho", **kwargs):
    """Convert a model to a `pydot.Dot` graph: one box per layer, one edge per connection.

    Args:
        model: a built `Model` (functional, `Sequential` or subclassed).
        show_shapes: show each layer's input and output shapes.
        show_dtype: show each layer's output dtype.
        show_layer_names: show layer names next to their class names.
        rankdir: Graphviz `rankdir`: `"TB"` (vertical) or `"LR"` (horizontal).
        expand_nested: draw nested functional/`Sequential` models as dashed clusters of their layers.
        dpi: image resolution in dots per inch.
        subgraph: return a `pydot.Cluster` (used for nested models) instead of a `pydot.Dot`.
        show_layer_activations: show the activation of layers that have one.
        show_trainable: mark layers with weights as trainable or not.
        splines: Graphviz edge style: `"ortho"` (right angles), `"curved"`, `"polyline"`,
            `"spline"` or `"line"`.

    Returns:
        A `pydot.Dot` (or a `pydot.Cluster` when `subgraph=True`). A subclassed model is a single box.
    """
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or by "
            "calling the model on a batch of data."
        )
    pydot = _import_pydot()
    if pydot is None:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot to work.")

    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
        dot.set_node_defaults(shape="record")

    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")

    label_options = {
        "show_layer_names": show_layer_names,
        "show_layer_activations": show_layer_activations,
        "show_dtype": show_dtype,
        "show_shapes": show_shapes,
        "show_trainable": show_trainable,
    }
    Functional, Sequential = _model_kinds()
    if not isinstance(model, (Functional, Sequential)):
        dot.add_node(_make_node(pydot, model, label_options))  # subclassed: opaque
        return dot
    # Functional `layers` follow Keras's graph order, which is also the drawing order.
    layers = model.layers

    for layer in layers:
        if expand_nested and isinstance(layer, (Functional, Sequential)):
            dot.add_subgraph(model_to_dot(
                layer, show_shapes, show_dtype, show_layer_names, rankdir, expand_nested,
                subgraph=True, show_layer_activations=show_layer_activations,
                show_trainable=show_trainable,
            ))
        else:
            dot.add_node(_make_node(pydot, layer, label_options))

    if isinstance(model, Sequential):
        if not expand_nested:
            for before, after in zip(layers[:-1], layers[1:]):
                _add_edge(pydot, dot, before, after)
            return dot
        # The first layer's incoming edge comes from outside (the edge into the Sequential itself).
        layers = layers[1:]
    _connect(pydot, dot, model, layers, expand_nested)
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False,
               show_trainable=False, splines="ortho", **kwargs):
    """Draw a model's graph to a file (PNG by default), as `keras.utils.plot_model` does.

    The file format follows the extension of `to_file` (`png` when there is none), rendered by
    Graphviz. A `.dot` file is written as plain DOT text straight from pydot, so it works without
    Graphviz (Keras sends `.dot` through Graphviz too, which adds layout coordinates and requires it).

    Example:

    ```python
    model = keras.Model(inputs, outputs)
    keras.utils.plot_model(model, to_file="model.png", show_shapes=True)
    ```

    Args:
        model: a built model.
        to_file: the file to write; its extension picks the format.
        show_shapes: show each layer's input and output shapes.
        show_dtype: show each layer's output dtype.
        show_layer_names: show layer names next to their class names.
        rankdir: `"TB"` for a vertical plot, `"LR"` for a horizontal one.
        expand_nested: draw nested models as clusters of their layers.
        dpi: image resolution in dots per inch.
        show_layer_activations: show the activation of layers that have one.
        show_trainable: mark layers with weights as trainable or not.
        splines: Graphviz edge style (`"ortho"`, `"curved"`, `"polyline"`, `"spline"`, `"line"`).

    Returns:
        An `IPython.display.Image` of the file when IPython is installed (not for `.pdf`, nor for
        `.dot`, which is not an image), else None.
    """
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or by "
            "calling the model on a batch of data."
        )
    to_file = str(to_file)
    _, extension = os.path.splitext(to_file)
    extension = extension[1:] if extension else "png"
    raw_dot = extension.lower() == "dot"

    problem = None
    if not check_pydot():
        problem = "You must install pydot (`pip install pydot`) for `plot_model` to work."
    elif not raw_dot and not check_graphviz():
        problem = ("You must install graphviz (see instructions at https://graphviz.gitlab.io/download/) "
                   "for `plot_model` to work.")
    if problem is not None:
        if _in_notebook():
            print(problem)
            return None
        raise ImportError(problem)

    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")

    dot = model_to_dot(
        model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
        rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
        show_layer_activations=show_layer_activations, show_trainable=show_trainable, splines=splines,
    )
    if raw_dot:
        with open(to_file, "w", encoding="utf-8") as f:
            f.write(dot.to_string())
        return None
    dot.write(to_file, format=extension)
    if extension != "pdf":
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None
