"""The speaker x target matrix benchmark: is each favor / against cell toward an actor right?

    python -m stance.bench.matrix [--model DIR] [--previous REV_OR_DIR] [--realnews FILE] [--unlabelled OUT]
                                  [--precision fp32|bf16|int8]

Two sets, each quote scored toward every target the product scores for it (`stance.targets` +
`stance.routes`, with the gold speaker, so attribution errors do not enter):
- the in-domain test part (`annotations/indomain/test.json`), its PolNeAR quotes with the
  speakers our extractor finds in the whole PolNeAR article, its written quotes with the other
  speakers of their scenario group; labels toward targets the part did not label come from
  `annotations/indomain/source/test_targets.jsonl` (`--unlabelled OUT` lists the pairs to label);
- the real-news test part (`annotations/realnews/quotes.jsonl`, `split: test`): every quote of
  20+ articles labelled toward every actor it reaches; an actor it does not list is `none`.

Figures, on actors (people, countries, bodies; not topics): matrix precision (share of favor /
against labels that gold confirms), false-stance rate (share of gold-`none` pairs given a
direction), directional recall (share of gold favor / against pairs, scored or not, given the
gold label), then tariff macro-F1 and scoring speed. Columns: the previous shipped model with the
most probable label everywhere, and as `stance score` runs it by default (this code's routes, its
own relevance thresholds, or DEFAULT_RELEVANCE for a model without any); the same for this model.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..annotations import REPO_ROOT, default_corpus_root, load_annotations
from ..config import STANCE_LABELS
from ..io import read_jsonl
from ..model import PRECISIONS, SETTINGS_FILE, SHIPPED_MODEL, WEIGHTS_FILE, Pair, StanceModel, load_model
from ..negatives import is_topic_label
from ..routes import article_view
from ..scoring import directed, quote_item
from ..targets import TargetConfig, load_targets
from . import macro_f1

INDOMAIN_TEST = REPO_ROOT / "annotations" / "indomain" / "test.json"
INDOMAIN_EXTRA = REPO_ROOT / "annotations" / "indomain" / "source" / "test_targets.jsonl"
WRITTEN_SOURCE = REPO_ROOT / "annotations" / "indomain" / "source" / "written.jsonl"
REALNEWS = REPO_ROOT / "annotations" / "realnews" / "quotes.jsonl"


@dataclass
class GoldQuote:
    quote_id: str
    article: str
    text: str
    context: str
    speaker: str
    gold: dict[str, str]  # target -> label; targets not listed are `none`
    speakers: tuple[str, ...] = ()


@dataclass
class Scored:
    """The model's probabilities for every (quote, target) pair the product scores."""

    rows: list[tuple[GoldQuote, str, str, dict[str, float]]] = field(default_factory=list)  # quote, target, via, probs
    seconds: float = 0.0


def _polnear_speakers(files: Sequence[str], corpus_root: Path) -> dict[str, list[str]]:
    """Speakers our extractor finds in each PolNeAR article (what `stance score` would see)."""
    from ..pipeline import extract

    out: dict[str, list[str]] = {}
    for name in files:
        for split in ("train", "dev", "test"):
            path = corpus_root / "polnear" / split / "text" / name
            if path.is_file():
                out[name] = [q.speaker for q in extract([path]) if q.speaker]
                break
    return out


def indomain_set(corpus_root: Path | None = None) -> tuple[list[GoldQuote], dict[str, list[str]]]:
    """The in-domain test quotes with their labels (test part + extension), and each article's speakers."""
    root = corpus_root or default_corpus_root()
    labeled = load_annotations(INDOMAIN_TEST, corpus_root=root)
    groups = {row["text"]: row["group"] for _, row in read_jsonl(WRITTEN_SOURCE)} if WRITTEN_SOURCE.is_file() else {}
    extra: dict[str, dict[str, str]] = defaultdict(dict)
    if INDOMAIN_EXTRA.is_file():
        for _, row in read_jsonl(INDOMAIN_EXTRA):
            extra[row["quote_id"]][row["target"]] = row["label"]
    quotes = []
    for q in labeled:
        article = groups.get(q.text, q.article or q.quote_id) if q.article == "written" else (q.article or q.quote_id)
        quotes.append(GoldQuote(q.quote_id, article, q.text, q.context, q.speaker or "",
                                {**extra.get(q.quote_id, {}), **q.stance}))
    speakers: dict[str, list[str]] = defaultdict(list)
    for q in quotes:
        speakers[q.article].append(q.speaker)
    for name, found in _polnear_speakers([a for a in speakers if a.endswith(".txt")], root).items():
        speakers[name] += found
    return quotes, dict(speakers)


def realnews_set(path: Path = REALNEWS, split: str = "test") -> tuple[list[GoldQuote], dict[str, list[str]]]:
    """The real-news quotes of one split (speech only) and each article's speakers."""
    quotes, speakers = [], defaultdict(list)
    for _, row in read_jsonl(path):
        if row.get("split") != split or not row.get("speech") or not row.get("speaker"):
            continue
        members = tuple(s.strip() for s in row["speaker"].split(" and ")) if row.get("speaker_type") == "group" else ()
        quotes.append(GoldQuote(row["id"], row["article"], row["text"], row["paragraph"], row["speaker"],
                                dict(row.get("targets") or {}), members))
        speakers[row["article"]] += list(members) or [row["speaker"]]
    return quotes, dict(speakers)


def score_set(model: StanceModel, quotes: Sequence[GoldQuote], speakers: dict[str, list[str]],
              config: TargetConfig, *, batch_size: int = 64) -> Scored:
    """Every (quote, target) pair the product scores, with the model's calibrated probabilities."""
    by_article: dict[str, list[GoldQuote]] = defaultdict(list)
    for q in quotes:
        by_article[q.article].append(q)
    items = []
    for article, group in by_article.items():
        view = article_view(config, speakers.get(article, []), [q.context for q in group])
        for q in group:
            rec = {"text": q.text, "context": q.context, "speaker": q.speaker, "speakers": list(q.speakers),
                   "speaker_type": "group" if q.speakers else "person"}
            items.append((q, quote_item(rec, config, view)))
    pairs = [Pair(it.pair.text, t, it.pair.speaker, it.pair.context) for _, it in items for t in it.targets]
    start = time.perf_counter()
    gates = [model.relevance_threshold(via, topic=topic) for _, it in items for via, topic in zip(it.via, it.topic)]
    preds = iter(model.predict(pairs, batch_size=batch_size, gates=gates))  # gates: int8-checked's close calls
    out = Scored()
    for q, it in items:
        for target, via in zip(it.targets, it.via):
            out.rows.append((q, target, via, next(preds).stance))
    out.seconds = time.perf_counter() - start
    return out


def figures(scored: Scored, quotes: Sequence[GoldQuote], config: TargetConfig, model: StanceModel | None) -> dict:
    """Matrix precision, false-stance rate, directional recall (actors), tariff macro-F1, speed.
    `model` None: the most probable label everywhere; else that model's relevance thresholds."""
    def is_actor(target: str) -> bool:
        return not is_topic_label(config, target)

    pred: dict[tuple[str, str], str] = {}
    for q, target, via, probs in scored.rows:
        threshold = model.relevance_threshold(via, topic=not is_actor(target)) if model else None
        pred[(q.quote_id, target)] = directed(probs, threshold)
    gold = {(q.quote_id, t): g for q in quotes for t, g in q.gold.items()}
    hits = [gold.get(k, "none") == p for k, p in pred.items() if p != "none" and is_actor(k[1])]
    nones = [pred[k] != "none" for k in pred if gold.get(k, "none") == "none" and is_actor(k[1])]
    wanted = [(k, g) for k, g in gold.items() if g != "none" and is_actor(k[1])]
    recalled = [pred.get(k) == g for k, g in wanted]
    tariff_gold = [q.gold.get("tariffs", "none") for q in quotes]
    tariff_pred = [pred.get((q.quote_id, "tariffs"), "none") for q in quotes]
    return {
        "actor_pairs": sum(is_actor(k[1]) for k in pred), "directional_labels": len(hits),
        "matrix_precision": round(sum(hits) / len(hits), 3) if hits else None,
        "false_stance_rate": round(sum(nones) / len(nones), 3) if nones else None,
        "gold_directional": len(wanted),
        "directional_recall": round(sum(recalled) / len(recalled), 3) if recalled else None,
        "tariff_macro_f1": round(100 * macro_f1(tariff_gold, tariff_pred, STANCE_LABELS), 2),
        "quotes_per_s": round(len(quotes) / scored.seconds, 1) if scored.seconds else None,
    }


def previous_model(spec: str | None, current: StanceModel) -> tuple[StanceModel, str]:
    """The previous shipped model: a folder, a git revision, or (None) the last committed model
    whose version differs from `current`."""
    if spec and Path(spec).is_dir():
        return load_model(spec), spec
    revs = [spec] if spec else subprocess.run(
        ["git", "log", "--format=%H", "--", str(SHIPPED_MODEL.relative_to(REPO_ROOT) / WEIGHTS_FILE)],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.split()
    rel = SHIPPED_MODEL.relative_to(REPO_ROOT)
    for rev in revs:
        folder = Path(tempfile.mkdtemp(prefix="stance-previous-"))
        for name in (SETTINGS_FILE, WEIGHTS_FILE):
            blob = subprocess.run(["git", "show", f"{rev}:{rel / name}"], cwd=REPO_ROOT, capture_output=True, check=True)
            (folder / name).write_bytes(blob.stdout)
        model = load_model(folder)
        if spec or model.model_version != current.model_version:
            return model, rev[:10]
    raise SystemExit("no previous model in the git history; pass --previous DIR")


def unlabelled_pairs(scored: Scored) -> list[dict]:
    """Pairs the product scores that the in-domain test part has no label for (to be labelled)."""
    return [{"quote_id": q.quote_id, "target": t, "via": via, "speaker": q.speaker, "text": q.text,
             "context": q.context} for q, t, via, _ in scored.rows if t not in q.gold]


COLUMNS = (("previous, most probable", "prev", False), ("previous (default)", "prev", True),
           ("this, most probable", "this", False), ("this (default)", "this", True))
ROWS = ("actor_pairs", "directional_labels", "matrix_precision", "false_stance_rate", "gold_directional",
        "directional_recall", "tariff_macro_f1", "quotes_per_s")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="checkpoint folder (default: the current model)")
    ap.add_argument("--previous", default=None, help="previous model: folder or git revision (default: the last "
                                                      "committed model of another version)")
    ap.add_argument("--realnews", default=str(REALNEWS), help="real-news quotes (JSON lines with split: test)")
    ap.add_argument("--unlabelled", default=None, help="write the in-domain test pairs without a label here and stop")
    ap.add_argument("--json", default=None, help="also write the figures as JSON here")
    ap.add_argument("--precision", default="fp32", choices=PRECISIONS, help="scoring arithmetic of both models")
    ap.add_argument("--previous-precision", default=None, choices=PRECISIONS,
                    help="scoring arithmetic of the previous model (default: --precision); e.g. --precision int8 "
                         "--previous-precision fp32 --previous DIR with DIR the same model: int8 beside fp32")
    args = ap.parse_args(argv)
    config = load_targets()
    model = load_model(args.model, precision=args.precision)
    sets = {"in-domain test": indomain_set()}
    if Path(args.realnews).is_file():
        sets["real-news test"] = realnews_set(Path(args.realnews))
    if args.unlabelled:
        rows = unlabelled_pairs(score_set(model, *sets["in-domain test"], config))
        Path(args.unlabelled).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{len(rows)} unlabelled pairs -> {args.unlabelled}")
        return
    prev, prev_name = previous_model(args.previous, load_model(args.model))
    prev.set_precision(args.previous_precision or args.precision)
    models = {"prev": prev, "this": model}
    print(f"this model {model.model_version} ({model.precision}); previous {prev.model_version} ({prev_name}, "
          f"{prev.precision})")
    report = {}
    for name, (quotes, speakers) in sets.items():
        scored = {k: score_set(m, quotes, speakers, config) for k, m in models.items()}
        cols = {title: figures(scored[k], quotes, config, models[k] if gated else None) for title, k, gated in COLUMNS}
        report[name] = cols
        print(f"\n{name}: {len(quotes)} quotes, {len({q.article for q in quotes})} articles")
        print(f"{'':22}" + "".join(f"{title:>22}" for title, _, _ in COLUMNS))
        for row in ROWS:
            print(f"{row:22}" + "".join(f"{'-' if cols[t][row] is None else cols[t][row]:>22}" for t, _, _ in COLUMNS))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
