"""Evaluation figures: confusion matrices, ROC and precision–recall curves,
reliability diagrams.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import metrics


def plot_confusion_matrix(
    cm: np.ndarray,
    labels: Sequence[str] | None = None,
    *,
    ax: Axes | None = None,
    normalize: bool = False,
    title: str | None = None,
) -> Axes:
    """Draw a confusion matrix (rows: true class, columns: predicted class) with each
    cell's count.

    With ``normalize`` each row is divided by its total, so the diagonal shows per-class
    recall.
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square matrix, got shape {cm.shape}")
    k = cm.shape[0]
    labels = [str(i) for i in range(k)] if labels is None else list(labels)
    if len(labels) != k:
        raise ValueError(f"labels must name the {k} classes, got {len(labels)} names")
    if ax is None:
        _, ax = plt.subplots(figsize=(3.2, 3.0))
    shown = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1) if normalize else cm
    ax.imshow(shown, cmap="Blues", vmin=0, vmax=max(float(shown.max()), 1e-12))
    ax.grid(False)  # grid lines would cut through the cells
    cut = 0.6 * float(shown.max())
    for i in range(k):
        for j in range(k):
            text = f"{shown[i, j]:.2f}" if normalize else f"{int(cm[i, j])}"
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize="small",
                color="white" if shown[i, j] > cut else "black",
            )
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title:
        ax.set_title(title, fontsize="medium")
    return ax


def plot_roc(
    fpr: np.ndarray,
    tpr: np.ndarray,
    *,
    ax: Axes | None = None,
    label: str | None = None,
    chance: bool = True,
    **kwargs,
) -> Axes:
    """Draw an ROC curve (TPR against FPR), with the chance diagonal of a random
    scorer.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(3.5, 3.5))
    if chance and not any(line.get_label() == "chance" for line in ax.lines):
        ax.plot([0, 1], [0, 1], ":", color="grey", label="chance")
    ax.plot(fpr, tpr, label=label, **kwargs)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate (recall)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    if label or chance:
        ax.legend(fontsize="small", loc="lower right")
    return ax


def plot_pr(
    recall: np.ndarray,
    precision: np.ndarray,
    *,
    ax: Axes | None = None,
    label: str | None = None,
    prevalence: float | None = None,
    **kwargs,
) -> Axes:
    """Draw a precision–recall curve as the step function average precision integrates.

    ``prevalence`` (the fraction of positives) draws the level of a random scorer.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(3.5, 3.5))
    if prevalence is not None:
        ax.axhline(prevalence, ls=":", color="grey", label="chance")
    ax.plot(recall, precision, drawstyle="steps-post", label=label, **kwargs)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    if label or prevalence is not None:
        ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_reliability(
    frac_pos: np.ndarray,
    mean_pred: np.ndarray,
    *,
    ax: Axes | None = None,
    label: str | None = None,
    **kwargs,
) -> Axes:
    """Reliability diagram: observed fraction of positives against mean predicted
    probability per bin.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(3.5, 3.5))
    if not any(line.get_label() == "perfectly calibrated" for line in ax.lines):
        ax.plot([0, 1], [0, 1], ":", color="grey", label="perfectly calibrated")
    ax.plot(mean_pred, frac_pos, "o-", label=label, **kwargs)
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("fraction of positives")
    ax.set_aspect("equal")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def threshold_view(y_true: np.ndarray, y_score: np.ndarray, threshold: float) -> Figure:
    """Confusion matrix, ROC and PR curves of a scorer, with the operating point at
    ``threshold``.

    The classifier predicts positive when score ≥ threshold; the panels show its
    confusion matrix, its (FPR, TPR) point on the ROC curve and its (recall, precision)
    point on the PR curve. The static image of the threshold widget.
    """
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score)
    y_pred = (y_score >= threshold).astype(np.int64)
    cm = metrics.confusion_matrix(y_true, y_pred, labels=np.array([0, 1]))
    (tn, fp), _ = cm
    precision, recall, _ = metrics.precision_recall_f1(y_true, y_pred)
    fpr_pt = fp / max(fp + tn, 1)
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
    plot_confusion_matrix(
        cm,
        ["neg", "pos"],
        ax=axes[0],
        title=f"t = {threshold:.2f}: P = {precision:.2f}, R = {recall:.2f}",
    )
    fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
    plot_roc(
        fpr, tpr, ax=axes[1], label=f"AUC = {metrics.roc_auc(y_true, y_score):.3f}"
    )
    axes[1].plot([fpr_pt], [recall], "o", color="C3", ms=8)
    prec_c, rec_c, _ = metrics.precision_recall_curve(y_true, y_score)
    plot_pr(
        rec_c,
        prec_c,
        ax=axes[2],
        prevalence=float(np.mean(y_true)),
        label=f"AP = {metrics.average_precision(y_true, y_score):.3f}",
    )
    axes[2].plot([recall], [precision], "o", color="C3", ms=8)
    fig.tight_layout()
    return fig
