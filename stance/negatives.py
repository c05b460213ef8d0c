"""Teaching the model "not addressed": hard negatives, target swaps, and the relevance thresholds.

A quote's tone must not become its stance toward every actor of its article. Training pairs each
labelled quote with actors it does not address (other actors of its article first, then roster
people and countries), labelled `none`, and pairs VAST comments with the topic of another
comment (`none`). After training, `choose_thresholds` picks per route (`stance.routes`) the
relevance P(favor) + P(against) a direction needs, on the dev split, by F0.5 of the directional
labels (a wrong direction in the matrix costs more than a missed one); topics (tariffs), which a
quote is about rather than an actor it may not reach, get one threshold by macro-F1 of their dev
labels (TOPIC_GRID; below 0.5 it gives a direction where P(none) is the largest but below 1 - t). On the routes where the
quote itself does not reach the target (context, article) a direction must be trustworthy: the
lowest threshold whose dev directions are at least MIN_PRECISION right (at least MIN_DIRECTIONS of
them) and give at most MAX_FALSE_STANCE of the route's gold-`none` pairs a direction; when none
does, NEVER (no direction on that route; the probabilities are still written).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from .annotations import LabeledQuote
from .corpora import Example, from_labeled
from .bench import macro_f1
from .config import STANCE_LABELS
from .model import TOPIC_ROUTE, Pair, Settings, StanceModel
from .routes import ADDRESSED, invoked_only, names
from .scoring import directed
from .targets import TargetConfig

THRESHOLD_GRID = (None, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)  # None = the most probable label
TOPIC_GRID = (None, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)  # topics: by macro-F1, ties to None
BETA = 0.5  # F-beta of directional labels: precision weighs twice recall
MIN_ITEMS = 20  # a route with fewer dev pairs keeps the default threshold
MAX_FALSE_STANCE = 0.05  # share of a route's gold-none dev pairs a threshold may give a direction
MIN_PRECISION, MIN_DIRECTIONS = 0.8, 5  # what a direction on an unaddressed route must show on dev
NEVER = 1.01  # a threshold above any probability: no direction on that route
TOPIC_TARGETS = ("free trade",)  # free-text topics of the in-domain labels


def _actors(config: TargetConfig) -> list[str]:
    return [t.name for t in config.targets if t.kind in ("actor", "person")]


def hard_negatives(quotes: Sequence[LabeledQuote], config: TargetConfig, *, per_quote: int, seed: int,
                   source: str = "indomain-neg") -> list[Example]:
    """Per labelled quote, `per_quote` actors it neither names nor has a label for, labelled `none`:
    another actor of the same article when there is one, then roster people and countries."""
    rng = random.Random(seed)
    by_article: dict[str, list[str]] = defaultdict(list)
    for q in quotes:
        if q.article and q.article != "written":
            by_article[q.article] += [q.speaker or "", *q.stance]
    pool = _actors(config)
    out: list[Example] = []
    for q in quotes:
        own = config.own_targets(q.speaker) | set(q.stance) | set(q.targets)
        text = f"{q.text}\n{q.context}"

        def usable(name: str) -> bool:
            return bool(name) and name not in own and name != "tariffs" and not names(config, name, text)

        same = [n for n in dict.fromkeys(by_article.get(q.article or "", [])) if usable(n)]
        chosen = rng.sample(same, min(len(same), max(1, per_quote // 2)))
        others = [n for n in pool if usable(n) and n not in chosen]
        chosen += rng.sample(others, min(len(others), per_quote - len(chosen)))
        out += [Example(text=q.text, target=n, stance="none", speaker=q.speaker, context=q.context or None,
                        source=source) for n in chosen]
    return out


def with_negatives(quotes: Sequence[LabeledQuote], config: TargetConfig, *, per_quote: int, seed: int,
                   source: str) -> list[Example]:
    """The examples of labelled quotes (`source`), then their hard negatives (`source`-neg)."""
    return from_labeled(quotes, source=source) + hard_negatives(quotes, config, per_quote=per_quote, seed=seed,
                                                                source=f"{source}-neg")


def named_none(examples: Sequence[Example], config: TargetConfig, repeat: int) -> list[Example]:
    """Extra copies of the labelled pairs whose quote names an actor without a position toward it
    (route `named`, gold `none`: "I can beat Hillary Clinton"), so that each is seen `repeat` times as
    often as before: the pairs that teach "named is not addressed with a position"."""
    if repeat <= 1:
        return []
    picked = [e for e in examples if e.stance == "none" and not e.source.endswith("-neg")
              and dev_route(config, e) == "named"]
    return picked * (repeat - 1)


def target_swaps(examples: Sequence[Example], n: int, *, seed: int, source: str = "vast-swap") -> list[Example]:
    """`n` stance items whose text is paired with the target of another item (a different target): `none`."""
    items = [e for e in examples if e.stance is not None]
    if len(items) < 2 or n <= 0:
        return []
    rng = random.Random(seed)
    out = []
    for e in rng.sample(items, min(n, len(items))):
        other = rng.choice(items)
        if other.target.lower() != e.target.lower() and other.target.lower() not in e.text.lower():
            out.append(Example(text=e.text, target=other.target, stance="none", speaker=e.speaker,
                               context=e.context, source=source))
    return out


def is_topic_label(config: TargetConfig, target: str) -> bool:
    """Whether a labelled target is a topic (tariffs, NAFTA, the labels' "free trade"), not an actor:
    the rule for gold labels, whose unconfigured targets are people unless TOPIC_TARGETS says so."""
    t = config.by_name.get(target)
    return t.kind == "topic" if t is not None else target in TOPIC_TARGETS


def dev_route(config: TargetConfig, ex: Example) -> str:
    """The route of a labelled dev pair, from its own text and context (no article at hand)."""
    if is_topic_label(config, ex.target):
        return TOPIC_ROUTE  # one threshold for topics, by macro-F1 (choose_thresholds)
    if names(config, ex.target, ex.text):
        return "invoked" if invoked_only(config, ex.target, ex.text) else "named"
    if ex.context and names(config, ex.target, ex.context):
        return "context"
    return "article"


def f_beta(gold: Sequence[str], pred: Sequence[str], beta: float = BETA) -> float:
    """F-beta of the directional labels: a hit is a favor/against label equal to the gold one."""
    tp = sum(p == g and p != "none" for g, p in zip(gold, pred))
    n_pred = sum(p != "none" for p in pred)
    n_gold = sum(g != "none" for g in gold)
    if tp == 0:
        return 0.0
    precision, recall = tp / n_pred, tp / n_gold
    return (1 + beta ** 2) * precision * recall / (beta ** 2 * precision + recall)


def _precision(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Share of the directional labels that gold confirms (0 with fewer than MIN_DIRECTIONS of them)."""
    made = [(g, p) for g, p in zip(gold, pred) if p != "none"]
    return sum(g == p for g, p in made) / len(made) if len(made) >= MIN_DIRECTIONS else 0.0


def false_stance(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Share of the gold-`none` pairs given a direction."""
    nones = [p for g, p in zip(gold, pred) if g == "none"]
    return sum(p != "none" for p in nones) / len(nones) if nones else 0.0


def choose_thresholds(model: StanceModel, dev: Sequence[Example], config: TargetConfig, *,
                      batch_size: int = 64) -> dict[str, dict]:
    """Per route, the relevance threshold by the rule of the module docstring (F0.5 ties: the lower
    threshold); stored in the model's settings. Returns the choice with the dev figures behind it."""
    items = [e for e in dev if e.stance is not None]
    if not items:
        return {}
    preds = model.predict([Pair(e.text, e.target, e.speaker, e.context) for e in items], batch_size=batch_size)
    by_route: dict[str, list[tuple[str, dict[str, float]]]] = defaultdict(list)
    for e, p in zip(items, preds):
        by_route[dev_route(config, e)].append((e.stance, p.stance))
    report: dict[str, dict] = {}
    chosen: dict[str, float | None] = {}
    topics = by_route.pop(TOPIC_ROUTE, [])
    if len(topics) >= MIN_ITEMS:
        gold = [g for g, _ in topics]
        labels = {t: [directed(probs, t) for _, probs in topics] for t in TOPIC_GRID}
        f1 = {t: round(100 * macro_f1(gold, labels[t], STANCE_LABELS), 2) for t in TOPIC_GRID}
        chosen[TOPIC_ROUTE] = max(TOPIC_GRID, key=lambda t: (f1[t], t is None))
        report[TOPIC_ROUTE] = {"n": len(topics), "directional": sum(g != "none" for g in gold),
                               "threshold": chosen[TOPIC_ROUTE], "macro_f1": f1[chosen[TOPIC_ROUTE]],
                               "macro_f1_argmax": f1[None]}
    for route, rows in sorted(by_route.items()):
        gold = [g for g, _ in rows]
        if len(rows) < MIN_ITEMS or not any(g != "none" for g in gold):
            report[route] = {"n": len(rows), "kept_default": model.relevance_threshold(route)}
            continue
        labels = {t: [directed(probs, t) for _, probs in rows] for t in (*THRESHOLD_GRID, NEVER)}
        if route in ADDRESSED:
            best = max(THRESHOLD_GRID, key=lambda t: (round(f_beta(gold, labels[t]), 4), -(t or 0)))
        else:
            trusted = [t for t in THRESHOLD_GRID if false_stance(gold, labels[t]) <= MAX_FALSE_STANCE
                       and _precision(gold, labels[t]) >= MIN_PRECISION]
            best = min(trusted, key=lambda t: t or 0) if trusted else NEVER
        chosen[route] = best
        report[route] = {"n": len(rows), "directional": sum(g != "none" for g in gold), "threshold": best,
                         "f05": round(100 * f_beta(gold, labels[best]), 2),
                         "f05_argmax": round(100 * f_beta(gold, labels[None]), 2),
                         "false_stance": round(false_stance(gold, labels[best]), 3),
                         "false_stance_argmax": round(false_stance(gold, labels[None]), 3)}
    if "named" in chosen:
        chosen.setdefault("referred", chosen["named"])
    if model.precision == "int8":  # its own thresholds beside the fp32 ones (Settings.precision_thresholds)
        model.settings.precision_thresholds = {**model.settings.precision_thresholds, "int8": chosen}
    else:
        model.settings.relevance_thresholds = {**model.settings.relevance_thresholds, **chosen}
    return report


def choose_int8_thresholds(path: Path, dev: Sequence[Example], config: TargetConfig, *,
                           batch_size: int = 64) -> dict[str, dict]:
    """Choose the relevance thresholds of the saved model at `path` again with its int8 scoring (ONNX
    Runtime) and store them in its model.json as `precision_thresholds["int8"]`, which lets `auto`
    pick int8 on CPUs with int8 dot products. Returns the report of `choose_thresholds` ({} when
    ONNX Runtime is not installed or the model has shared layers)."""
    from .model import load_model, write_settings
    from .quantized import available

    model = load_model(path, precision="fp32")
    if not available() or model.settings.shared_layers:
        return {}
    model.set_precision("int8")
    model.settings.precision_thresholds = {k: v for k, v in model.settings.precision_thresholds.items() if k != "int8"}
    report = choose_thresholds(model, dev, config, batch_size=batch_size)
    write_settings(path, model.settings)
    return report


def main(argv: Sequence[str] | None = None) -> None:
    """Choose the relevance thresholds of a trained model again on its config's dev split and store
    them in its model.json (weights, temperatures and model_version unchanged); `--precision int8`
    chooses its int8 thresholds (`precision_thresholds`) and leaves the fp32 ones; `--routes topic`
    (say) stores the new choice for those routes only and keeps the others as they were."""
    import argparse
    import json

    from .model import load_model, read_settings, write_settings
    from .targets import load_targets
    from .training import build_base_data, load_config, parse_sets

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("model", type=Path, help="checkpoint folder")
    ap.add_argument("--config", default=None, help="training config (default: as `stance train`)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--precision", default="fp32", choices=("fp32", "int8"), help="whose thresholds to choose")
    ap.add_argument("--routes", default=None, help="comma-separated routes to store (default: all)")
    args = ap.parse_args(argv)
    before = read_settings(args.model)
    dev = build_base_data(load_config(args.config, parse_sets(args.set))).indomain_dev
    if args.precision == "int8":
        report = choose_int8_thresholds(args.model, dev, load_targets())
    else:
        model = load_model(args.model)
        model.settings.relevance_thresholds = {}
        report = choose_thresholds(model, dev, load_targets())
        write_settings(args.model, model.settings)
    if args.routes:
        keep = set(args.routes.split(","))
        settings = read_settings(args.model)

        def merged(old: dict, new: dict) -> dict:
            return {**{k: v for k, v in old.items() if k not in keep}, **{k: v for k, v in new.items() if k in keep}}

        settings.relevance_thresholds = merged(before.relevance_thresholds, settings.relevance_thresholds)
        settings.precision_thresholds = {p: merged(before.precision_thresholds.get(p, {}), t)
                                         for p, t in settings.precision_thresholds.items()}
        write_settings(args.model, settings)
        report = {k: v for k, v in report.items() if k in keep}
    load_model(args.model)  # still loads: the version fingerprint does not cover the thresholds
    note_in_card(args.model, args.precision, read_settings(args.model))
    print(json.dumps(report, indent=2))


def note_in_card(path: Path, precision: str, settings: Settings) -> None:
    """Append to the checkpoint's model card (when it has one) the thresholds it now holds, dated, so
    the card never shows thresholds the model no longer uses (the lines above it are the training run's)."""
    from datetime import date

    card = Path(path) / "model_card.md"
    if not card.is_file():
        return
    held = settings.relevance_thresholds if precision == "fp32" else settings.precision_thresholds.get(precision, {})
    shown = ", ".join(f"{route} {value}" for route, value in sorted(held.items()))
    line = (f"- {date.today().isoformat()}: {precision} thresholds chosen again on the dev split "
            f"(`python -m stance.negatives MODEL --precision {precision}`); now {shown}. These replace the "
            f"{precision} thresholds given above.\n")
    text = card.read_text(encoding="utf-8")
    head = "## Thresholds chosen after training"
    if head not in text:
        text = text.rstrip("\n") + f"\n\n{head}\n\n"
    card.write_text(text + line, encoding="utf-8")


if __name__ == "__main__":
    main()
