"""Benchmarks of the stance model: accuracy (`stance.bench.models`) and speed (`stance.bench.speed`).

This module holds the metrics both use: the benchmark scores as defined in /work/shared/README.md
and the expected calibration error.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from sklearn.metrics import f1_score

ECE_BINS = 15


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    """Macro-F1 over the given labels (NewsMTSC, VAST, in-domain)."""
    return float(f1_score(list(gold), list(pred), labels=list(labels), average="macro", zero_division=0))


def f_avg(gold: Sequence[str], pred: Sequence[str]) -> float:
    """SemEval-2016 Task 6A: (F1_favor + F1_against) / 2 over all test items pooled."""
    return macro_f1(gold, pred, ("favor", "against"))


def ece(probs: torch.Tensor, labels: torch.Tensor, bins: int = ECE_BINS) -> float:
    """Expected calibration error: |accuracy - confidence| per equal-width confidence bin, weighted."""
    if len(labels) == 0:
        return float("nan")
    conf, pred = probs.max(dim=-1)
    correct = (pred == labels).float()
    edges = torch.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            total += inside.float().mean().item() * abs(correct[inside].mean().item() - conf[inside].mean().item())
    return total
