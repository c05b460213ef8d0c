"""The optimisation itself: examples -> sequences -> batches grouped by length -> AdamW steps;
and temperature scaling of the two heads on a dev split."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from .bench import ece
from .config import SENTIMENT_LABELS, STANCE_LABELS
from .corpora import Example
from .model import Pair, StanceModel

IGNORE = -100


@dataclass(frozen=True)
class Sequences:
    """Encoder inputs with one label per task (IGNORE where the item has no label for it)."""

    firsts: list[str]
    seconds: list[str]
    stance: torch.Tensor
    sentiment: torch.Tensor


# With `pair_sentiment`, a quote's sentiment label outside training is read from its pair with
# this target: the one every quote of `stance score` is scored toward (unmarked, as topics are).
SENTIMENT_TARGET = "tariffs"


def to_sequences(model: StanceModel, examples: Sequence[Example], *, rng: random.Random | None = None,
                 drop_speaker: float = 0.0, drop_context: float = 0.0) -> Sequences:
    """One sequence per stance label (target, quote) and per sentiment label ("", quote).

    With `rng`, the speaker and the context are each left out at the given rates (input dropout);
    without, the checkpoint's settings decide, as in `predict`. With the checkpoint's
    `pair_sentiment`, a sentiment label without a target is read from a (target, quote) pair
    instead: in training (`rng`) it rides on a stance pair of the same quote drawn at random (one
    sequence, both labels), else, and when the quote has none, on its pair with SENTIMENT_TARGET.
    """
    pair_mode = model.settings.pair_sentiment
    siblings: dict[tuple, list[int]] = {}
    if pair_mode and rng is not None:
        for i, ex in enumerate(examples):
            if ex.stance is not None:
                siblings.setdefault((ex.text, ex.speaker, ex.context), []).append(i)
    riding: dict[int, str] = {}  # stance example index -> the sentiment label it also carries
    alone: set[int] = set()  # sentiment examples without a free stance pair of their quote
    for j, ex in enumerate(examples):
        if ex.sentiment is None or ex.target or not pair_mode:
            continue
        free = [i for i in siblings.get((ex.text, ex.speaker, ex.context), []) if i not in riding]
        if free:
            riding[rng.choice(free)] = ex.sentiment  # type: ignore[union-attr]
        else:
            alone.add(j)
    firsts, seconds, stance, senti = [], [], [], []

    def add(first: str, ex: Example, stance_label: str | None, sentiment_label: str | None,
            marked: str | None = None) -> None:
        """One sequence: `first` as the target block, the quote with `marked` (default `first`) marked."""
        speaker = None if rng and rng.random() < drop_speaker else ex.speaker
        with_context = (rng.random() >= drop_context) if rng else None
        firsts.append(" ".join(first[:200].split()))
        seconds.append(model.segment(Pair(ex.text, first if marked is None else marked, speaker, ex.context),
                                     with_context=with_context))
        stance.append(IGNORE if stance_label is None else STANCE_LABELS.index(stance_label))
        senti.append(IGNORE if sentiment_label is None else SENTIMENT_LABELS.index(sentiment_label))

    for i, ex in enumerate(examples):
        if ex.stance is not None:
            add(ex.target, ex, ex.stance, riding.get(i))
        if ex.sentiment is None:
            continue
        if not pair_mode:  # ("", quote), the example's target (a NewsMTSC mention) marked
            add("", ex, None, ex.sentiment, marked=ex.target)
        elif ex.target or i in alone:
            add(ex.target or SENTIMENT_TARGET, ex, None, ex.sentiment)
    return Sequences(firsts, seconds, torch.tensor(stance, dtype=torch.long), torch.tensor(senti, dtype=torch.long))


def length_batches(seqs: Sequences, batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length: shuffle, sort within pools of 50 batches, shuffle batches."""
    order = list(range(len(seqs.firsts)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: len(seqs.firsts[i]) + len(seqs.seconds[i]))
        batches += [chunk[j:j + batch_size] for j in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def freeze_except(model: StanceModel) -> list[nn.Parameter]:
    """Train only the parameter groups the checkpoint stores; returns them."""
    stored = set(model.net.named_stored(model.settings.trained))
    params = []
    for name, param in model.net.named_parameters():
        param.requires_grad = name in stored
        if param.requires_grad:
            params.append(param)
    return params


def task_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over the labelled items; zero when the batch has none for this task."""
    if bool((labels != IGNORE).any()):
        return nn.functional.cross_entropy(logits, labels, ignore_index=IGNORE)
    return logits.sum() * 0.0


def fit(model: StanceModel, examples: Sequence[Example], *, epochs: int, batch_size: int, lr: float,
        weight_decay: float, warmup: float, sentiment_weight: float, seed: int,
        drop_speaker: float = 0.0, drop_context: float = 0.0, max_steps: int | None = None,
        autocast: str | None = None, log: Callable[[dict], None] | None = None) -> list[float]:
    """Fine-tune in place; returns the loss of every step. Seeded: same data and seed, same model.
    `autocast="bf16"`: forward passes in bfloat16 where torch's CPU autocast allows (weights, gradients
    and optimiser state stay fp32); fast only on a CPU with native bfloat16 (AVX512-BF16, AMX)."""
    if autocast not in (None, "bf16"):
        raise ValueError(f"train.autocast: {autocast!r}; choose null or bf16")
    torch.manual_seed(seed)
    rng = random.Random(seed)
    params = freeze_except(model)
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    seqs = to_sequences(model, examples, rng=rng, drop_speaker=drop_speaker, drop_context=drop_context)
    per_epoch = math.ceil(len(seqs.firsts) / batch_size)  # fewer with pair_sentiment (labels share sequences)
    total = min(per_epoch * epochs, max_steps or per_epoch * epochs)
    warm = max(1, int(total * warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    model.net.train()
    losses: list[float] = []
    for epoch in range(epochs):
        if epoch:
            seqs = to_sequences(model, examples, rng=rng, drop_speaker=drop_speaker, drop_context=drop_context)
        for idx in length_batches(seqs, batch_size, rng):
            if len(losses) >= total:
                break
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast == "bf16"):
                stance_logits, senti_logits = model.forward([seqs.firsts[i] for i in idx],
                                                            [seqs.seconds[i] for i in idx])
            loss = task_loss(stance_logits.float(), seqs.stance[idx]) + \
                sentiment_weight * task_loss(senti_logits.float(), seqs.sentiment[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            losses.append(loss.item())
            if log:
                log({"epoch": epoch, "step": len(losses), "loss": round(loss.item(), 4), "of": total})
    model.net.eval()
    return losses


TEMPERATURE_RANGE = (0.05, 20.0)


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The temperature that minimises the negative log-likelihood of `labels` (1.0 with no data)."""
    if len(labels) == 0:
        return 1.0
    # A bounded grid over log T: LBFGS on log T diverges (NaN) when the best fit is a uniform
    # distribution (T -> infinity), e.g. on a few near-constant rows after a short retrain.
    temps = torch.logspace(math.log10(TEMPERATURE_RANGE[0]), math.log10(TEMPERATURE_RANGE[1]), 241)
    with torch.no_grad():
        nll = torch.stack([nn.functional.cross_entropy(logits.float() / t, labels) for t in temps])
    nll = torch.where(torch.isfinite(nll), nll, torch.full_like(nll, float("inf")))
    if not torch.isfinite(nll).any():
        return 1.0
    return float(temps[int(nll.argmin())])


def dev_logits(model: StanceModel, examples: Sequence[Example], *, batch_size: int = 64
               ) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Per task, the raw logits of the labelled dev items and their gold label indices."""
    seqs = to_sequences(model, examples)
    stance_logits, senti_logits = model.logits(seqs.firsts, seqs.seconds, batch_size=batch_size)
    out = {}
    for task, logits, labels in (("stance", stance_logits, seqs.stance), ("sentiment", senti_logits, seqs.sentiment)):
        keep = labels != IGNORE
        out[task] = (logits[keep], labels[keep])
    return out


def calibrate(model: StanceModel, dev: Sequence[Example], *, batch_size: int = 64) -> dict[str, dict[str, float]]:
    """Fit one temperature per head on `dev`, store them in the model; ECE (15 bins) before/after."""
    report = {}
    for task, (logits, labels) in dev_logits(model, dev, batch_size=batch_size).items():
        temp = fit_temperature(logits, labels)
        setattr(model.settings, f"{task}_temperature", temp)
        report[task] = {"temperature": round(temp, 4), "n": len(labels),
                        "ece_before": round(ece(torch.softmax(logits, -1), labels), 4),
                        "ece_after": round(ece(torch.softmax(logits / temp, -1), labels), 4)}
    return report
