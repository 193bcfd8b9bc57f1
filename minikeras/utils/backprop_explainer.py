"""See backpropagation happen: the recorded graph, local derivatives and chain-rule products.

`explain_backprop` runs a forward pass under a `GradientTape`, then reads the
tape back (`tape.nodes`): every recorded node is one op with its forward
value, its parents and its vector-Jacobian product (VJP). Feeding the VJP the
unit vectors `e_k` yields the rows of the op's *local* Jacobian `∂out/∂parent`.
The explainer multiplies those local Jacobians backwards itself (the chain
rule, written as explicit matrix products) and checks the result against the
engine's own `tape.gradient`.

Op names are not stored on the tape; they are read from the VJP closure's
`__qualname__` (`matmul.<locals>.vjp` -> `matmul`), looking into the closure of
shared helpers such as `_unary` for the op that built them.

The lesson's hand exercises live in `minikeras.utils.backprop_exercises`.
"""

import numpy as np

from minikeras.ops.autodiff import GradientTape, Tensor, VariableBase, value

__all__ = ["explain_backprop", "BackpropExplanation", "op_name"]

# Local Jacobians larger than this many entries are summarised by shape only.
_MAX_JACOBIAN_SIZE = 64
# Local Jacobians are printed up to this many entries.
_MAX_PRINTED = 16


def op_name(node):
    """The name of the op that recorded `node`, read from its VJP's `__qualname__`."""
    fn = node.vjp
    outer = getattr(fn, "__qualname__", "op").split(".<locals>")[0]
    if outer.startswith("_"):
        # A shared helper (e.g. `_unary`) built the VJP: the op's own function sits in its closure.
        for cell in getattr(fn, "__closure__", None) or ():
            try:
                content = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            inner = getattr(content, "__qualname__", None)
            if callable(content) and inner:
                inner = inner.split(".<locals>")[0]
                if not inner.startswith("_"):
                    return inner
        return outer.lstrip("_")
    return outer


def _local_jacobians(node):
    """`[∂out/∂parent_i as a (out.size, parent.size) matrix, or None]` from the node's VJP."""
    out = np.asarray(node.value)
    jac = [None] * len(node.parents)
    sizes = [np.size(value(p)) for p in node.parents]
    if out.size * max(sizes + [1]) > _MAX_JACOBIAN_SIZE * 16:
        return jac
    rows = [[] for _ in node.parents]
    for k in range(out.size):
        seed = np.zeros(out.size, dtype=out.dtype)
        seed[k] = 1
        grads = node.vjp(seed.reshape(out.shape), node.need)
        for i, (g, wanted) in enumerate(zip(grads, node.need)):
            if wanted:
                g = np.zeros(sizes[i]) if g is None else np.asarray(g, dtype=np.float64)
                rows[i].append(np.broadcast_to(g, np.shape(value(node.parents[i]))).reshape(-1))
    for i, wanted in enumerate(node.need):
        if wanted:
            jac[i] = np.array(rows[i]).reshape(out.size, sizes[i])
    return jac


def _fmt(a, digits=7):
    a = np.asarray(a)
    if a.size == 1:
        return f"{float(a.reshape(-1)[0]):.{digits}g}"
    return np.array2string(a, precision=digits - 2, separator=", ", suppress_small=False).replace("\n", "")


class BackpropExplanation:
    """What `explain_backprop` found.

    Attributes:
        nodes: one dict per recorded op, in forward order: `label`, `op`, `value`,
            `parents` (labels), `jacobians` (local `∂out/∂parent` matrices or None).
        target: the label of the differentiated node (the loss, or the output).
        gradients: `{source name: gradient}` from the explainer's own chain rule.
        engine_gradients: `{source name: gradient}` from `tape.gradient`.
        paths: `{source name: [(labels along the path, factors, product)]}` when every
            node on the way is a scalar (the hand-exercise case).
        lines: the printed report, line by line.
    """

    def __init__(self, nodes, target, gradients, engine_gradients, paths, lines):
        self.nodes = nodes
        self.target = target
        self.gradients = gradients
        self.engine_gradients = engine_gradients
        self.paths = paths
        self.lines = lines

    @property
    def text(self):
        return "\n".join(self.lines)

    @property
    def max_abs_difference(self):
        """Largest |chain rule − engine| over every gradient entry."""
        diffs = [np.max(np.abs(np.asarray(self.gradients[k], np.float64) - np.asarray(v, np.float64)))
                 for k, v in self.engine_gradients.items() if v is not None]
        return float(max(diffs)) if diffs else 0.0

    def __repr__(self):
        return self.text

    def to_dot(self):
        """The graph as a `pydot.Dot`, or None when pydot is not installed."""
        try:
            import pydot
        except ImportError:
            return None
        dot = pydot.Dot(graph_type="digraph", rankdir="LR")
        for n in self.nodes:
            dot.add_node(pydot.Node(n["label"], label=f"{n['label']} = {n['op']}\\n{_fmt(n['value'], 4)}", shape="box"))
            for p in n["parents"]:
                if p not in {m["label"] for m in self.nodes}:
                    dot.add_node(pydot.Node(p, shape="ellipse"))
                dot.add_edge(pydot.Edge(p, n["label"]))
        return dot

    def draw(self, to_file="backprop.png"):
        """Write the graph with pydot/graphviz; silently does nothing when they are missing."""
        dot = self.to_dot()
        if dot is None:
            return None
        try:
            ext = to_file.rsplit(".", 1)[-1]
            dot.write(to_file, format=ext)
        except Exception:  # graphviz's `dot` binary missing
            return None
        return to_file


def _source_table(model, variables):
    """`[(name, source object)]`: model weights by path, or named leaves."""
    if variables:
        return list(variables.items())
    return [(getattr(w, "path", None) or w.name, w) for w in model.trainable_weights]


def explain_backprop(model, x=None, y=None, loss=None, *, print_fn=print, dtype=None, **variables):
    """Record one forward pass, print the graph, local derivatives and chain-rule gradients.

    Two ways to call it:

    - a model (or layer) and one sample or a small batch: `explain_backprop(model, x, y,
      loss="binary_crossentropy")` differentiates the loss (or, without `y`, the sum of the
      outputs) with respect to every trainable weight;
    - a function of named scalars/arrays: `explain_backprop(lambda w, b: ops.sigmoid(w * 0.5 + b),
      w=3.0, b=1.0)` differentiates its value with respect to each named argument.

    Args:
        model: a minikeras `Model`/`Layer`, or a callable taking the keyword `variables`.
        x: the input sample(s) for a model.
        y: targets; with `loss`, the loss is the differentiated quantity.
        loss: a loss name, instance or callable `loss(y_true, y_pred)`.
        print_fn: where the report goes (None to stay silent).
        dtype: dtype for named `variables` (default: float64 when given Python floats).
        **variables: named values for a plain function.

    Returns:
        A `BackpropExplanation` (`.gradients`, `.engine_gradients`, `.nodes`, `.text`).
    """
    named = {}
    with GradientTape(persistent=True) as tape:
        if variables:
            for k, v in variables.items():
                arr = np.asarray(v, dtype=dtype or (np.float64 if np.asarray(v).dtype.kind in "iuf" else None))
                named[k] = tape.watch(arr)
            out = model(**named)
        else:
            if x is None:
                raise ValueError("explain_backprop needs `x` for a model, or named `variables` for a function.")
            out = model(x, training=True)
        target = out
        if y is not None and loss is not None:
            from minikeras import losses as losses_module

            loss_fn = losses_module.get(loss) if isinstance(loss, (str, dict)) else loss
            target = loss_fn(y, out)
            if not isinstance(loss_fn, losses_module.Loss) and np.size(value(target)) != 1:
                # A per-sample loss function: reduce as `compile` does (sum_over_batch_size).
                target = _mean(target)
        elif y is not None:
            raise ValueError("`y` was given without a `loss`: pass loss=... to differentiate a loss.")
        if not isinstance(target, Tensor):
            raise ValueError("The output does not depend on any trainable weight or named variable.")
        if np.size(target.value) != 1:
            target = _sum(target)
    sources = named if variables else dict(_source_table(model, None))
    source_list = list(sources.items())
    engine = tape.gradient(target, [s for _, s in source_list])
    engine_gradients = {k: (None if g is None else np.asarray(g)) for (k, _), g in zip(source_list, engine)}
    target_label = "L" if (loss is not None or np.size(out.value) != 1) else "ŷ"
    return _explain(tape.nodes, target, source_list, engine_gradients, x, y, print_fn, target_label)


def _sum(t):
    from minikeras import ops

    return ops.sum(t)


def _mean(t):
    from minikeras import ops

    return ops.mean(t)


def _leaf_of(source):
    if isinstance(source, VariableBase):
        return source._leaf
    return source


def _explain(tape_nodes, target, sources, engine_gradients, x, y, print_fn, target_label="L"):
    leaf_names = {id(_leaf_of(s)): name for name, s in sources}
    # Only the nodes the target depends on (others, e.g. a sigmoid whose logits the loss used, are dead).
    alive = {id(target)}
    for node in reversed(tape_nodes):
        if id(node) in alive:
            alive.update(id(p) for p, w in zip(node.parents, node.need) if w)
    nodes = [n for n in tape_nodes if id(n) in alive]
    labels = {}
    for i, n in enumerate(nodes):
        labels[id(n)] = f"t{i + 1}"
    labels[id(target)] = target_label

    def label_of(p):
        if id(p) in labels:
            return labels[id(p)]
        if id(p) in leaf_names:
            return leaf_names[id(p)]
        v = np.asarray(value(p))
        for name, given in (("x", x), ("y", y)):
            if given is not None and v.shape == np.shape(given) and np.array_equal(v, np.asarray(given, v.dtype)):
                return name
        return _fmt(v, 4) if v.size <= 4 else f"const{v.shape}"

    lines = ["Forward pass (the recorded graph):"]
    info = []
    for n in nodes:
        op = op_name(n)
        parents = [label_of(p) for p in n.parents]
        jac = _local_jacobians(n)
        info.append({"label": labels[id(n)], "op": op, "value": np.asarray(n.value), "parents": parents,
                     "jacobians": jac, "need": n.need})
        lines.append(f"  {labels[id(n)]} = {op}({', '.join(parents)}) = {_fmt(n.value)}")
    lines.append("Local derivatives (each op's Jacobian, read from its VJP):")
    for n, d in zip(nodes, info):
        for p_label, j, wanted in zip(d["parents"], d["jacobians"], n.need):
            if not wanted:
                continue
            if j is None or j.size > _MAX_PRINTED:
                size = np.size(n.value), np.size(value(n.parents[list(d["parents"]).index(p_label)]))
                shown = f"a {size[0]}×{size[1]} Jacobian (applied through the op's VJP; printed up to {_MAX_PRINTED} entries)"
            else:
                shown = _fmt(j.reshape(-1)[0] if j.size == 1 else j)
            lines.append(f"  ∂{d['label']}/∂{p_label} = {shown}")

    # The chain rule backwards with explicit Jacobian products: ḡ_parent += ḡ_node · J.
    bar = {id(target): np.ones(1)}
    for n, d in zip(reversed(nodes), reversed(info)):
        g = bar.get(id(n))
        if g is None:
            continue
        if any(j is None and w for j, w in zip(d["jacobians"], n.need)):
            # Too large for explicit matrices: fall back to the op's VJP (still the chain rule).
            grads = n.vjp(g.reshape(np.shape(n.value)).astype(np.asarray(n.value).dtype), n.need)
            contribs = [None if gp is None else np.asarray(gp, np.float64).reshape(-1) for gp in grads]
        else:
            contribs = [None if j is None else g @ j for j in d["jacobians"]]
        for p, c, w in zip(n.parents, contribs, n.need):
            if w and c is not None:
                bar[id(p)] = c if id(p) not in bar else bar[id(p)] + c
    gradients = {}
    for name, s in sources:
        g = bar.get(id(_leaf_of(s)))
        shape = np.shape(value(s))
        gradients[name] = np.zeros(shape) if g is None else g.reshape(shape)

    paths = _scalar_paths(nodes, info, target, sources, labels)
    lines.append(f"Chain rule (gradient of {labels[id(target)]} with respect to each weight):")
    for name, _ in sources:
        if paths is not None and name in paths:
            terms = []
            for path_labels, factors, product in paths[name]:
                chain = " · ".join(f"∂{a}/∂{b}" for a, b in zip(path_labels[:-1], path_labels[1:]))
                terms.append(f"{chain} = {' × '.join(_fmt(f) for f in factors)} = {_fmt(product)}")
            for t in terms:
                lines.append(f"  ∂{labels[id(target)]}/∂{name}: {t}")
            if len(terms) > 1:
                lines.append(f"  sum over paths: ∂{labels[id(target)]}/∂{name} = {_fmt(gradients[name])}")
        else:
            lines.append(f"  ∂{labels[id(target)]}/∂{name} = {_fmt(gradients[name])}")
    lines.append("Check against the engine's tape.gradient:")
    for name, g in engine_gradients.items():
        if g is None:
            lines.append(f"  {name}: not connected (engine gives None)")
            continue
        diff = float(np.max(np.abs(np.asarray(g, np.float64) - gradients[name]))) if np.size(g) else 0.0
        lines.append(f"  {name}: engine {_fmt(g)}   |difference| = {diff:.1e}")
    result = BackpropExplanation(info, labels[id(target)], gradients, engine_gradients, paths, lines)
    if print_fn is not None:
        print_fn(result.text)
    return result


def _scalar_paths(nodes, info, target, sources, labels):
    """Every path source -> target with its local-derivative factors, if all values are scalars."""
    if any(np.size(d["value"]) != 1 for d in info):
        return None
    by_id = {id(n): (n, d) for n, d in zip(nodes, info)}
    paths = {}
    for name, s in sources:
        if np.size(value(s)) != 1:
            continue
        leaf = _leaf_of(s)
        found = []

        def walk(node, labels_so_far, factors):
            n, d = by_id[id(node)]
            for p, j, w in zip(n.parents, d["jacobians"], n.need):
                if not w or j is None:
                    continue
                f = float(j.reshape(-1)[0])
                if p is leaf:
                    found.append((labels_so_far + [name], factors + [f], float(np.prod(factors + [f]))))
                elif id(p) in by_id:
                    walk(p, labels_so_far + [labels[id(p)]], factors + [f])

        walk(target, [labels[id(target)]], [])
        paths[name] = found
    return paths
