"""`model.summary()`: Keras 3's table of layers, output shapes and parameter counts.

Keras draws the table with the `rich` library. minikeras does not depend on
it, so this module lays the table out by the same rules rich uses for a
non-interactive console: column widths from `positions` (reduced evenly when
the padded columns overflow), word wrapping inside cells, an ellipsis for a
word longer than its cell, header cells aligned to the bottom, body cells to
the top. The result is the text Keras prints when its output is not a
terminal (no colours).
"""

import math
import os
import re
import shutil
import sys

from minikeras.backend.nest import map_structure
from minikeras.utils import io_utils

# Bits per scalar, as Keras's `dtype_utils.DTYPE_TO_SIZE`.
_DTYPE_BITS = {
    **{f"float{i}": i for i in (16, 32, 64)},
    **{f"int{i}": i for i in (8, 16, 32, 64)},
    **{f"uint{i}": i for i in (8, 16, 32, 64)},
    "bfloat16": 16,
    "bool": 1,
}

# rich's HEAVY_HEAD box: top, header row, header rule, body row, row rule, bottom.
_TOP = ("┏", "━", "┳", "┓")
_HEAD_ROW = ("┃", "┃", "┃")
_HEAD_RULE = ("┡", "━", "╇", "┩")
_BODY_ROW = ("│", "│", "│")
_ROW_RULE = ("├", "─", "┼", "┤")
_BOTTOM = ("└", "─", "┴", "┘")

_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


# -- sizes ------------------------------------------------------------------------------------
def count_params(weights):
    """The number of scalars in `weights` (a list of variables)."""
    return int(sum(math.prod(tuple(w.shape)) for w in weights))


def _dtype_bits(dtype):
    from minikeras import config

    name = config.standardize_dtype(dtype)
    if name not in _DTYPE_BITS:
        raise ValueError(f"Invalid dtype: {name}")
    return _DTYPE_BITS[name]


def weight_memory_size(weights):
    """Bytes taken by `weights` (each distinct variable counted once)."""
    unique = {id(w): w for w in weights}.values()
    bits = sum(math.prod(tuple(w.shape)) * _dtype_bits(w.dtype) for w in unique)
    return bits / 8


def readable_memory_size(size):
    """`332.0` -> `"332.00 B"`, `28456.0` -> `"27.79 KB"` (powers of 1024)."""
    units = ["B", "KB", "MB", "GB", "TB", "PB"]
    for unit in units:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} {units[-1]}"


# -- the console ----------------------------------------------------------------------------
def _console_width():
    """The width rich gives a console: `COLUMNS`, else the terminal of stdin/stdout/stderr, else 80."""
    width = None
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
            break
        except (AttributeError, ValueError, OSError):
            pass
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    return width or 80


def _divide_line(text, width, fold):
    """Offsets where `text` breaks into lines of at most `width` cells (rich's word wrap)."""
    breaks, offset = [], 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            if fold:
                pieces = [word[i:i + width] for i in range(0, len(word), width)]
                for i, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if i == len(pieces) - 1:
                        offset = len(piece)
                    else:
                        start += len(piece)
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def _truncate(line, width, overflow):
    if len(line) > width:
        return line[:width - 1] + "…" if overflow == "ellipsis" else line[:width]
    return line


def wrap_text(text, width, justify="default", overflow="fold"):
    """Lines of `text` wrapped to `width` as rich's `Text.wrap` does.

    `justify` is `"left"`, `"right"`, `"center"` (lines padded to `width`) or
    `"default"` (unpadded); `overflow` `"fold"` cuts long words across lines,
    `"ellipsis"` crops them with `…`.
    """
    lines = []
    for paragraph in text.split("\n"):
        offsets = _divide_line(paragraph, width, fold=overflow == "fold")
        bounds = [0] + offsets + [len(paragraph)]
        pieces = [paragraph[a:b] for a, b in zip(bounds[:-1], bounds[1:])] if paragraph else [""]
        for piece in pieces:
            if len(piece) > width:  # trailing spaces beyond the width go first
                space = _TRAILING_SPACE.search(piece)
                if space:
                    piece = piece[:len(piece) - min(len(space.group(0)), len(piece) - width)]
            if justify == "left":
                piece = _truncate(piece, width, overflow).ljust(width)
            elif justify == "center":
                piece = _truncate(piece.rstrip(), width, overflow)
                piece = (" " * ((width - len(piece)) // 2) + piece).ljust(width)
            elif justify == "right":
                piece = _truncate(piece.rstrip(), width, overflow).rjust(width)
            lines.append(_truncate(piece, width, overflow))
    return lines


# -- the table ------------------------------------------------------------------------------
def _ratio_reduce(total, ratios, maximums, values):
    ratios = [r if m else 0 for r, m in zip(ratios, maximums)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return list(values)
    remaining, out = total, []
    for ratio, maximum, value in zip(ratios, maximums, values):
        if ratio and total_ratio > 0:
            cut = min(maximum, round(ratio * remaining / total_ratio))
            out.append(value - cut)
            remaining -= cut
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def _ratio_distribute(total, ratios):
    total_ratio, remaining, out = sum(ratios), total, []
    for ratio in ratios:
        share = math.ceil(ratio * remaining / total_ratio) if total_ratio > 0 else remaining
        out.append(share)
        total_ratio -= ratio
        remaining -= share
    return out


def table_widths(column_widths, line_length):
    """Each column's width, padding included and borders excluded, in a table `line_length` wide.

    Every column asks for its width plus one space each side; when they do not
    fit, all are reduced evenly; when they leave room, it is shared out in
    proportion (rich's fixed-width, expanded table).
    """
    max_width = line_length - (len(column_widths) + 1)
    widths = [min(w + 2, max_width) for w in column_widths]
    if sum(widths) > max_width:
        widths = _ratio_reduce(sum(widths) - max_width, [1] * len(widths), widths, widths)
    if sum(widths) < max_width:
        extra = _ratio_distribute(max_width - sum(widths), widths)
        widths = [w + e for w, e in zip(widths, extra)]
    return widths


def _rule(parts, widths):
    left, fill, cross, right = parts
    return left + cross.join(fill * w for w in widths) + right


def render_table(header, rows, widths, justify):
    """The table's lines: `header` and `rows` (lists of cell strings) in columns of `widths`."""
    def render_row(cells, bars, bottom_align):
        wrapped = [wrap_text(cell, w - 2, justify=j, overflow="ellipsis")
                   for cell, w, j in zip(cells, widths, justify)]
        height = max(len(c) for c in wrapped)
        out = []
        for cell, w in zip(wrapped, widths):
            blank = [" " * (w - 2)] * (height - len(cell))
            out.append(blank + cell if bottom_align else cell + blank)
        left, mid, right = bars
        return [left + mid.join(f" {out[c][i]} " for c in range(len(out))) + right for i in range(height)]

    lines = [_rule(_TOP, widths)]
    lines += render_row(header, _HEAD_ROW, bottom_align=True)
    lines.append(_rule(_HEAD_RULE, widths))
    for i, row in enumerate(rows):
        if i:
            lines.append(_rule(_ROW_RULE, widths))
        lines += render_row(row, _BODY_ROW, bottom_align=False)
    lines.append(_rule(_BOTTOM, widths))
    return lines


# -- the model's rows -----------------------------------------------------------------------
def _format_shape(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")"




def _is_shape(x):
    return isinstance(x, tuple) and all(d is None or isinstance(d, int) for d in x)


def _map_shape_structure(fn, structure):
    if _is_shape(structure):
        return fn(structure)
    if isinstance(structure, (list, tuple)):
        return type(structure)(_map_shape_structure(fn, s) for s in structure)
    if isinstance(structure, dict):
        return {k: _map_shape_structure(fn, v) for k, v in structure.items()}
    return fn(tuple(structure))


def _flatten(structure):
    if isinstance(structure, (list, tuple)):
        return [x for s in structure for x in _flatten(s)]
    if isinstance(structure, dict):
        return [x for s in structure.values() for x in _flatten(s)]
    return [structure]


def format_layer_shape(layer):
    """The "Output Shape" cell: the last call's output shape(s), or `?` when unknown."""
    nodes = getattr(layer, "_inbound_nodes", [])
    build_shapes = getattr(layer, "_build_shapes", None)
    if not nodes and build_shapes is None:
        return "?"
    if nodes:
        shapes = map_structure(lambda t: _format_shape(t.shape), nodes[-1].outputs)
    else:
        try:
            if hasattr(layer, "output_shape"):
                shapes = _format_shape(layer.output_shape)
            else:
                shapes = _map_shape_structure(_format_shape, layer.compute_output_shape(build_shapes))
        except NotImplementedError:
            return "?"
    flat = _flatten(shapes)
    if len(flat) == 1:
        return flat[0]
    return str(shapes).replace("'", "")


def _layout(model):
    """(layers to list, whether the model reads as a plain stack, the graph's nodes or None)."""
    from minikeras.models.functional import Functional
    from minikeras.models.sequential import Sequential

    if isinstance(model, Sequential) or not isinstance(model, Functional):
        return model.layers, True, None
    from minikeras.saving.functional_config import map_graph

    nodes_by_depth, operations, _ = map_graph(model)
    sequential_like, nodes = True, []
    for depth in nodes_by_depth.values():
        if len(depth) > 1 or (len(depth) == 1 and len(depth[0].input_tensors) > 1):
            sequential_like = False
            break
        nodes += depth
    if sequential_like:
        # A layer called twice in the graph (a shared layer) makes it a graph too.
        node_ids = {id(n) for n in nodes}
        for layer in model.layers:
            if sum(id(n) in node_ids for n in layer._inbound_nodes) > 1:
                sequential_like = False
                break
    graph_nodes = [n for depth in nodes_by_depth.values() for n in depth]
    return operations, sequential_like, graph_nodes


def _connections(layer, graph_nodes):
    node_ids = {id(n) for n in graph_nodes}
    parts = []
    for node in layer._inbound_nodes:
        if graph_nodes and id(node) not in node_ids:
            continue  # a call made outside this model
        for t in node.input_tensors:
            inbound, node_index, tensor_index = t._keras_history
            parts.append(f"{inbound.name}[{node_index}][{tensor_index}]")
    return ", ".join(parts) or "-"


def _layer_rows(layer, sequential_like, graph_nodes, show_trainable, expand_nested, level=0):
    prefix = "   " * level + "└ " if level else ""
    if not layer.built:
        params = "0 (unbuilt)"
    else:
        params = f"{layer.count_params():,}"
    row = [f"{prefix}{layer.name} ({layer.__class__.__name__})", format_layer_shape(layer), params]
    if not sequential_like:
        row.append(_connections(layer, graph_nodes))
    if show_trainable:
        row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
    rows = [row]
    sublayers = getattr(layer, "layers", None) if expand_nested else None
    if sublayers:
        for sub in sublayers:
            rows += _layer_rows(sub, sequential_like, graph_nodes, show_trainable, expand_nested, level + 1)
    return rows


def get_layer_index_bound_by_layer_name(layers, layer_range=None):
    """`[first, last + 1]`: the slice of `layers` from the first match of `layer_range[0]` to the
    last match of `layer_range[1]` (names or regular expressions), or all layers for `None`."""
    if layer_range is None:
        return [0, len(layers)]
    if len(layer_range) != 2:
        raise ValueError("layer_range must be a list or tuple of length 2. Received: "
                         f"layer_range = {layer_range} of length {len(layer_range)}")
    if not isinstance(layer_range[0], str) or not isinstance(layer_range[1], str):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(f"Passed layer_names do not match the layer names in the model. Received: {layer_range}")
    if min(lower) > max(upper):
        return [min(upper), max(lower) + 1]
    return [min(lower), max(upper) + 1]


def summary_text(model, line_length=None, positions=None, expand_nested=False, show_trainable=False,
                 layer_range=None):
    """The summary as one string (ending in a newline), exactly as Keras prints it."""
    layers, sequential_like, graph_nodes = _layout(model)
    if sequential_like:
        default_length, positions = 88, positions or [0.45, 0.80, 1.0]
        header, justify = ["Layer (type)", "Output Shape", "Param #"], ["left", "left", "right"]
    else:
        default_length, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        justify = ["left", "left", "right", "left"]
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header, justify = header + ["Trainable"], justify + ["center"]
    default_length = min(default_length, shutil.get_terminal_size().columns - 4)
    line_length = line_length or default_length
    column_widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        column_widths.append(width)
        current += width
    if len(column_widths) < len(header):
        # Keras fails here with an IndexError; extra positions it ignores.
        raise ValueError(f"`positions` must give the end of each of the {len(header)} columns "
                         f"{header}. Received: positions={positions}")

    first, last = get_layer_index_bound_by_layer_name(layers, layer_range)
    rows = []
    for layer in layers[first:last]:
        rows += _layer_rows(layer, sequential_like, graph_nodes, show_trainable, expand_nested)
    table = render_table(header, rows, table_widths(column_widths, line_length), justify)

    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    counts = [count_params(trainable), count_params(non_trainable)]
    sizes = [weight_memory_size(trainable), weight_memory_size(non_trainable)]
    optimizer = getattr(model, "optimizer", None)
    optimizer_built = bool(getattr(model, "compiled", False) and optimizer is not None
                           and getattr(optimizer, "built", False))
    if optimizer_built:
        counts.append(count_params(optimizer.variables))
        sizes.append(weight_memory_size(optimizer.variables))
    totals = [(" Total params: ", sum(counts), sum(sizes)),
              (" Trainable params: ", counts[0], sizes[0]),
              (" Non-trainable params: ", counts[1], sizes[1])]
    if optimizer_built:
        totals.append((" Optimizer params: ", counts[2], sizes[2]))

    console_width = _console_width()
    lines = wrap_text(f'Model: "{model.name}"', console_width)
    lines += [line[:console_width] for line in table]  # rich crops what the console cannot show
    for label, count, size in totals:
        lines += wrap_text(f"{label}{count:,} ({readable_memory_size(size)})", console_width)
    return "\n".join(lines) + "\n"


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Print (or hand to `print_fn`, in one call) Keras 3's summary of `model`.

    Args:
        model: a minikeras model.
        line_length: the table's width (default: 88, or 108 for graphs with
            branches, at most the terminal width minus 4).
        positions: where each column ends, as fractions of `line_length`
            (default `[0.45, 0.80, 1.0]`, or `[0.3, 0.56, 0.74, 1.0]` with the
            "Connected to" column).
        print_fn: called once with the whole summary; default prints to stdout.
        expand_nested: also list the layers inside nested models.
        show_trainable: add a "Trainable" column (Y / N / - for no weights).
        layer_range: two names or regular expressions, the first and last
            layers to list.
    """
    text = summary_text(model, line_length=line_length, positions=positions, expand_nested=expand_nested,
                        show_trainable=show_trainable, layer_range=layer_range)
    if not print_fn and not io_utils.is_interactive_logging_enabled():
        print_fn = io_utils.print_msg
    if print_fn is io_utils.print_msg:
        print_fn(text, line_break=False)
    elif print_fn:
        print_fn(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
