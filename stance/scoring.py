"""Stage 5: score quote records with the stance model, streaming, in input order.

Each scored record is the quote record plus `stance` ({target: {label, probs, via}}), `sentiment`
({label, probs}) and `model_version`. `via` is how the quote reaches the target (`stance.routes`).
A direction (favor / against) is given only when the model's relevance, P(favor) + P(against),
reaches the threshold of that route (`relevance_thresholds` in the model's settings, chosen on the
dev split and written in its model card); otherwise the label is `none` and `probs` still show
what the model said. `gated=False` gives the plain most-probable label for every target.

A quote with `speaker: null` is not speech (a name in quote marks, a scare quote, an unattributed
fragment): it is kept, so the output has one row per extracted quote, but it gets `stance: {}`
and `sentiment: null` - nobody's stance to score.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from .io import write_records
from .model import Pair, Prediction, StanceModel
from .records import BatchReport, Quote
from .routes import ArticleView, article_view, routes
from .targets import TargetConfig, load_targets, targets_for

WINDOW_PAIRS = 512  # pairs gathered before a model call: bounds memory, lets batches group by length, and
# keeps the progress bar moving (a window is a few seconds of model time on a laptop CPU)
DEFAULT_BATCH_SIZE = 64
MAX_TEXT_CHARS = 2000  # what the model is given of a text or context (it reads at most max_length tokens)


@dataclass(frozen=True)
class _Item:
    """A record waiting in the window, with the pairs to score for it."""

    record: dict[str, Any]
    targets: tuple[str, ...]
    pair: Pair | None  # text/speaker/context shared by all its targets; None: not speech
    via: tuple[str, ...] = ()  # the route of each target (stance.routes)
    topic: tuple[bool, ...] = ()  # whether each target is a topic (tariffs): gated by its own threshold


def labelled(probs: dict[str, float]) -> dict[str, Any]:
    """{label, probs}: the most probable label and the (rounded) distribution."""
    return {"label": max(probs, key=probs.__getitem__), "probs": {k: round(v, 6) for k, v in probs.items()}}


def directed(probs: dict[str, float], threshold: float | None) -> str:
    """The stance label after the relevance decision: a direction only when P(favor) + P(against)
    reaches `threshold` (None: the most probable label)."""
    if threshold is None:
        return max(probs, key=probs.__getitem__)
    if probs["favor"] + probs["against"] < threshold:
        return "none"
    return "favor" if probs["favor"] >= probs["against"] else "against"


def stance_entry(probs: dict[str, float], via: str, model: StanceModel, *, gated: bool = True,
                 topic: bool = False) -> dict[str, Any]:
    """{label, probs, via} of one target, the label gated by the route's relevance threshold."""
    threshold = model.relevance_threshold(via, topic=topic) if gated else None
    return {"label": directed(probs, threshold), "probs": {k: round(v, 6) for k, v in probs.items()}, "via": via}


def progress_bar(*, enabled: bool | None, unit: str, total: int | None = None) -> Any:
    """A tqdm bar on stderr (with a total, an estimate of the time left); None (auto) shows it only
    when stderr is a terminal."""
    from tqdm.auto import tqdm

    show = sys.stderr.isatty() if enabled is None else enabled
    return tqdm(total=total, unit=unit, file=sys.stderr, disable=not show, dynamic_ncols=True, mininterval=0.5)


def _articles_ticking(quotes: Iterable[Quote], report: BatchReport, bar: Any) -> Iterator[Quote]:
    """Pass quotes through, moving `bar` by the articles the extractor has read (or skipped) so far."""
    done = 0
    for q in quotes:
        now = report.read + len(report.skipped)
        if now > done:
            bar.update(now - done)
            done = now
        yield q
    bar.update(report.read + len(report.skipped) - done)


def ticking(records: Iterable[dict[str, Any]], bar: Any) -> Iterator[dict[str, Any]]:
    """The records unchanged, the progress bar moved one step for each."""
    for rec in records:
        bar.update(1)
        yield rec


def _article_speakers(group: list[dict[str, Any]]) -> list[str]:
    """The named speakers of one article; a group counts through its members."""
    names: list[str] = []
    for rec in group:
        if rec.get("speaker_type") == "group":
            names.extend(rec.get("speakers") or ())
        elif rec.get("speaker"):
            names.append(rec["speaker"])
    return list(dict.fromkeys(names))


def _items(quotes: Iterable[dict[str, Any] | Quote], config: TargetConfig, extra: Sequence[str],
           article_targets: bool = True) -> Iterator[_Item]:
    """Records with their targets and routes. An article's quotes arrive together (as the
    extractor writes them), so its other speakers are those of the consecutive records sharing its
    `article`; a record without `article` is an article of its own. `article_targets=False` drops
    the targets a quote reaches only as another speaker of its article."""
    records = (q.to_dict() if isinstance(q, Quote) else q for q in quotes)
    for _, run in groupby(records, key=lambda r: r.get("article") or object()):
        group = list(run)
        speakers = _article_speakers(group)
        view = article_view(config, speakers, (r.get("context") or "" for r in group))
        for rec in group:
            if not rec.get("speaker"):
                yield _Item(rec, (), None)
                continue
            yield quote_item(rec, config, view, extra, article_targets=article_targets)


def quote_item(rec: dict[str, Any], config: TargetConfig, view: ArticleView, extra: Sequence[str] = (), *,
               article_targets: bool = True) -> _Item:
    """One speech record with its targets, their routes and the pair the model reads."""
    country = view.country_of(rec["speaker"])
    targets = targets_for(rec, config=config, article_speakers=view.speakers, extra_targets=extra,
                          speaker_country=country)
    text, context = (rec.get("text") or "")[:MAX_TEXT_CHARS], (rec.get("context") or "")[:MAX_TEXT_CHARS]
    via = routes(config, targets, text=text, context=context, speaker=rec["speaker"], view=view,
                 extra=[config.canonical(t) or " ".join(t.split()) for t in extra],
                 own=config.own_targets(rec["speaker"], rec.get("speakers") or (), country))
    targets = [t for t in via if article_targets or via[t] != "article"]
    pair = Pair(text=text, target="", speaker=rec["speaker"], context=context or None)
    return _Item(rec, tuple(targets), pair, tuple(via[t] for t in targets), tuple(is_topic(config, t, view.speakers) for t in targets))


def is_topic(config: TargetConfig, target: str, speakers: Sequence[str] = ()) -> bool:
    """A configured topic (tariffs, NAFTA), not an actor; a free-text extra target that is not a
    speaker of the article ("free trade") counts as a topic."""
    t = config.by_name.get(target)
    return t.kind == "topic" if t is not None else target not in speakers


def _windows(items: Iterable[_Item], size: int) -> Iterator[list[_Item]]:
    """Consecutive items holding about `size` pairs (an item is never split)."""
    window: list[_Item] = []
    pairs = 0
    for item in items:
        window.append(item)
        pairs += max(1, len(item.targets))
        if pairs >= size:
            yield window
            window, pairs = [], 0
    if window:
        yield window


def _score_window(window: list[_Item], model: StanceModel, batch_size: int, gated: bool = True) -> Iterator[dict[str, Any]]:
    """One model call for the window (it sorts by length inside); records back in input order."""
    pairs = [Pair(it.pair.text, t, it.pair.speaker, it.pair.context) for it in window if it.pair for t in it.targets]
    gates = [model.relevance_threshold(via, topic=topic) if gated else None
             for it in window if it.pair for via, topic in zip(it.via, it.topic)]
    preds: Iterator[Prediction] = iter(model.predict(pairs, batch_size=batch_size, gates=gates))
    for it in window:
        out = dict(it.record)
        out["stance"], out["sentiment"] = {}, None
        for target, via, topic in zip(it.targets, it.via, it.topic):
            pred = next(preds)
            out["stance"][target] = stance_entry(pred.stance, via, model, gated=gated, topic=topic)
            out["sentiment"] = labelled(pred.sentiment)  # the same for every pair of a quote
        out["model_version"] = model.model_version
        yield out


def score_quotes(
    quotes: Iterable[dict[str, Any] | Quote],
    *,
    model: StanceModel,
    targets_config: TargetConfig | None = None,
    extra_targets: Sequence[str] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
    window: int = WINDOW_PAIRS,
    progress: bool | None = None,
    gated: bool = True,
    article_targets: bool = True,
) -> Iterator[dict[str, Any]]:
    """Scored records (dicts), lazily and in input order.

    `gated=False` labels every target by its most probable class (no relevance thresholds);
    `article_targets=False` leaves out targets reached only as another speaker of the article.
    Memory holds one window (`window` pairs, or one article's quotes if more) at a time.
    """
    config = targets_config or load_targets()
    if targets_config is not None:
        model.targets = config  # the same aliases mark the target's mentions in the model input
    bar = progress_bar(enabled=progress, unit="quote")
    try:
        for chunk in _windows(_items(quotes, config, extra_targets, article_targets), window):
            yield from ticking(_score_window(chunk, model, batch_size, gated), bar)
    finally:
        bar.close()


def score_paths(
    paths: Sequence[str | Path],
    out: str | Path | None,
    *,
    fmt: str | None = None,
    model: StanceModel | None = None,
    targets_config: TargetConfig | None = None,
    extra_targets: Sequence[str] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool | None = None,
    roster: str | Path | None = None,
    fixed: dict[str, str] | None = None,
    gated: bool = True,
    article_targets: bool = True,
) -> BatchReport:
    """Articles -> quotes -> scored records written to `out` (jsonl/csv/parquet, atomically).

    Returns the extractor's BatchReport (articles read, quotes, skipped articles with reasons),
    so the CLI can exit non-zero when an article was skipped. `roster` (a YAML path) and `fixed`
    (quote id -> speaker corrections) go to the extractor.
    """
    from . import pipeline
    from .articles import check_inputs, count_articles
    from .model import load_model
    from .roster import load_roster

    check_inputs(paths)
    report = BatchReport()
    model = model or load_model()
    bar = progress_bar(enabled=progress, unit="article", total=count_articles(paths))
    try:
        quotes = _articles_ticking(pipeline.extract(paths, roster=load_roster(roster), fixed=fixed, report=report),
                                   report, bar)
        scored = score_quotes(quotes, model=model, targets_config=targets_config, extra_targets=extra_targets,
                              batch_size=batch_size, progress=False, gated=gated, article_targets=article_targets)
        write_records(scored, Path(out) if out is not None else None, fmt)
    finally:
        bar.close()
    return report
