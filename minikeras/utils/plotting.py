"""`plot_history`: training curves from `fit` with matplotlib (imported only when called)."""

__all__ = ["plot_history"]


def plot_history(history, metrics=None, to_file=None, figsize=None, title=None):
    """Plot each metric of a `History` against the epoch, with its `val_` twin when present.

    One panel per metric (`loss`, `accuracy`, ...): the training curve and, when
    `fit` validated, the validation curve.

    Args:
        history: the `History` returned by `fit`, or its `.history` dict.
        metrics: names to plot (default: every non-`val_` key, `loss` first).
        to_file: save the figure there (any format matplotlib knows) when given.
        figsize: matplotlib figure size (default: 4.5 inches wide per panel).
        title: a title over the figure.

    Returns:
        The matplotlib `Figure`.

    Raises:
        ValueError: if the history is empty or a requested metric is missing.
        TypeError: if `history` is neither a `History` nor a dict.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(
            f"`history` must be the History returned by fit() or its `.history` dict. Received: {type(history).__name__}"
        )
    if not logs:
        raise ValueError("The history is empty: call fit() (with at least one epoch) first.")
    if metrics is None:
        metrics = [k for k in logs if not k.startswith("val_")]
        metrics.sort(key=lambda k: k != "loss")
    elif isinstance(metrics, str):
        metrics = [metrics]
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(f"Unknown metric(s) {missing}: the history holds {sorted(logs)}.")
    import matplotlib.pyplot as plt

    n = len(metrics)
    fig, axes = plt.subplots(1, n, figsize=figsize or (4.5 * n, 3.5), squeeze=False)
    for ax, name in zip(axes[0], metrics):
        values = logs[name]
        epochs = range(1, len(values) + 1)
        ax.plot(epochs, values, label=f"training {name}")
        if f"val_{name}" in logs:
            ax.plot(range(1, len(logs[f"val_{name}"]) + 1), logs[f"val_{name}"], label=f"validation {name}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if to_file is not None:
        fig.savefig(to_file)
    return fig
