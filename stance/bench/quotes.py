"""Benchmark the quote extractor on PolNeAR (gold attributions in news), beside a simple baseline.

    python -m stance.bench.quotes [--split test] [--root ../shared/datasets/polnear] [--realnews FILE]

Then the same systems on the real-news set (`stance.bench.speakers`: found, canonical speaker
right, quote + speaker, non-speech spans left without a speaker), in the same run.

Gold quotes are the attributions whose Content span contains a quotation mark. A predicted quote
(a span with a speaker; spans we call "not speech" are left out) is matched to a gold Content:
  exact   - the text inside the marks equals the gold content, or the part of it between its first and
            last quotation mark, with marks and edge punctuation stripped
  overlap - the predicted span and the gold content share at least one character
Quote precision counts predictions matched to any gold Content (quoted or not); recall counts
quoted gold Contents matched by a prediction. A source is right when it names the gold Source:
  exact   - the speaker mention equals the gold Source text (case and determiners ignored)
  overlap - the speaker mention or canonical speaker shares a content word with the gold Source
Source accuracy is over gold quotes that were found; source P/R/F1 count a quote as right only when
both the quote (overlap) and its source match (P over predictions, R over gold quoted contents).
Baseline: quote-mark pairs and the nearest "said/says" in the paragraph, with the words beside it.
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass
from pathlib import Path

from ..cleaning import make_article
from ..pipeline import extract_article
from ..roster import load_roster

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "polnear"
QUOTE_CHARS = "\"“”‘’'"
STOP = {"the", "a", "an", "of", "his", "her", "their", "its", "and", "to", "for", "in", "at", "on", "'s", "s"}


@dataclass(frozen=True)
class Gold:
    content: tuple[int, int]
    source: tuple[int, int] | None
    quoted: bool


@dataclass(frozen=True)
class Pred:
    span: tuple[int, int]
    mention: str
    speaker: str


def load_gold(ann: Path, text: str) -> list[Gold]:
    """Attributions of one BRAT .ann file: content and source spans."""
    spans: dict[str, tuple[int, int]] = {}
    out = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, info, *_ = line.split("\t")
            nums = [int(x) for x in re.findall(r"\d+", info.split(" ", 1)[1])]
            spans[tid] = (min(nums), max(nums))
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("E"):
            roles = dict(part.split(":") for part in line.split("\t")[1].split())
            if "Content" not in roles:
                continue
            c = spans[roles["Content"]]
            s = spans.get(roles.get("Source", ""))
            out.append(Gold(c, s, any(ch in text[c[0]:c[1]] for ch in "\"“”")))
    return out


def predict_ours(text: str, name: str, roster) -> list[Pred]:  # type: ignore[no-untyped-def]
    art = make_article(text, source=name, article_id=name)
    return [Pred((q.start, q.end), q.speaker_phrase or q.speaker_mention or q.speaker or "", q.speaker or "")
            for q in extract_article(art, roster=roster) if q.speaker is not None]


def predict_baseline(text: str) -> list[Pred]:
    """Quote marks plus the nearest 'said'/'says' in the same paragraph and the words next to it."""
    preds = []
    for m in re.finditer(r"[\"“]([^\"“”\n]+)[\"”]", text):
        start, end = m.span(1)
        ps = text.rfind("\n", 0, start) + 1
        pe = text.find("\n", end)
        pe = len(text) if pe < 0 else pe
        best = None
        for v in re.finditer(r"\b(said|says)\b", text[ps:pe]):
            vs = ps + v.start()
            if start - 1 <= vs <= end + 1:
                continue
            d = abs(vs - start) if vs < start else abs(vs - end)
            if best is None or d < best[0]:
                best = (d, vs, ps + v.end())
        if best is None:
            continue
        before = re.findall(r"[A-Za-z][\w.'-]*", text[max(ps, best[1] - 40):best[1]])
        after = re.findall(r"[A-Za-z][\w.'-]*", text[best[2]:best[2] + 40])
        if before and text[best[1] - 2:best[1]].strip() not in ("”", "\",", ",”", "\""):
            src = " ".join(before[-2:])
        else:
            src = " ".join(after[:2])
        preds.append(Pred((start, end), src, src))
    return preds


def _words(s: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", s.lower()) if w not in STOP}


def _strip(text: str, s: int, e: int) -> str:
    return text[s:e].strip().strip(QUOTE_CHARS + ",.;: ").strip(QUOTE_CHARS + ",.;: ")


def _quoted_part(text: str, g: Gold) -> str:
    """The words between the first and last quotation mark of a gold content."""
    s, e = g.content
    inner = text[s:e]
    marks = [i for i, ch in enumerate(inner) if ch in "\"“”"]
    if len(marks) < 2:
        return _strip(text, s, e)
    return _strip(text, s + marks[0] + 1, s + marks[-1])


def _exact(text: str, p: Pred, g: Gold) -> bool:
    mine = _strip(text, *p.span)
    return mine in (_strip(text, *g.content), _quoted_part(text, g))


def _source_ok(text: str, p: Pred, g: Gold, exact: bool = False) -> bool:
    if g.source is None:
        return False
    src = _words(text[g.source[0]:g.source[1]])
    if exact:
        return bool(src) and _words(p.mention) == src
    return bool(src & (_words(p.mention) | _words(p.speaker)))


def score(text: str, gold: list[Gold], preds: list[Pred], counts: dict[str, int]) -> None:
    """Accumulate match counts for one article."""
    quoted = [g for g in gold if g.quoted]
    counts["gold"] += len(quoted)
    counts["pred"] += len(preds)
    for p in preds:
        hits = [g for g in gold if p.span[0] < g.content[1] and g.content[0] < p.span[1]]
        if hits:
            counts["pred_overlap"] += 1
        if any(_exact(text, p, g) for g in hits):
            counts["pred_exact"] += 1
        if any(_source_ok(text, p, g) for g in hits):
            counts["pred_src"] += 1
    for g in quoted:
        hits = [p for p in preds if p.span[0] < g.content[1] and g.content[0] < p.span[1]]
        if not hits:
            continue
        counts["gold_overlap"] += 1
        if any(_exact(text, p, g) for p in hits):
            counts["gold_exact"] += 1
        if g.source is None:
            continue
        counts["with_source"] += 1
        if _source_ok(text, hits[0], g, exact=True):
            counts["src_exact"] += 1
        if _source_ok(text, hits[0], g):
            counts["src_overlap"] += 1


def _prf(tp_p: int, n_pred: int, tp_r: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(root: Path, split: str, limit: int | None = None) -> dict[str, dict[str, int]]:
    """Score both systems on a PolNeAR split; returns the raw counts per system."""
    roster = load_roster()
    # Some articles were annotated twice (file names end in an annotator code): score the first.
    by_text: dict[str, Path] = {}
    for ann in sorted((root / split / "attributions").glob("*.ann")):
        by_text.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    files = sorted(by_text.items())[:limit]
    results = {}
    for system in ("baseline", "stance"):
        counts = {k: 0 for k in ("gold", "pred", "pred_overlap", "pred_exact", "gold_overlap", "gold_exact",
                                 "with_source", "src_exact", "src_overlap", "pred_src")}
        t0 = time.perf_counter()
        for stem, ann in files:
            text = (root / split / "text" / (stem + ".txt")).read_text(encoding="utf-8")
            gold = load_gold(ann, text)
            preds = predict_baseline(text) if system == "baseline" else predict_ours(text, ann.stem, roster)
            score(text, gold, preds, counts)
        counts["seconds"] = round(time.perf_counter() - t0, 1)
        results[system] = counts
    return results


def format_table(results: dict[str, dict[str, int]]) -> str:
    rows = [f"{'system':10} {'quote P/R/F1 (overlap)':26} {'quote P/R/F1 (exact)':26} "
            f"{'source acc exact/overlap':26} {'source P/R/F1 (overlap)':26} {'sec':>5}"]
    for name, c in results.items():
        qo = _prf(c["pred_overlap"], c["pred"], c["gold_overlap"], c["gold"])
        qe = _prf(c["pred_exact"], c["pred"], c["gold_exact"], c["gold"])
        acc = (c["src_exact"] / c["with_source"] if c["with_source"] else 0,
               c["src_overlap"] / c["with_source"] if c["with_source"] else 0)
        so = _prf(c["pred_src"], c["pred"], c["src_overlap"], c["gold"])
        f = lambda t: "/".join(f"{100 * x:5.1f}" for x in t)  # noqa: E731
        rows.append(f"{name:10} {f(qo):26} {f(qe):26} {f(acc):26} {f(so):26} {c['seconds']:5}")
    c = next(iter(results.values()))
    rows.append(f"gold quoted contents: {c['gold']}; predictions: " +
                ", ".join(f"{k} {v['pred']}" for k, v in results.items()))
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    ap.add_argument("--split", default="test", choices=("train", "dev", "test"))
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--realnews", type=Path, default=None, help="real-news quotes (default: annotations/realnews)")
    ap.add_argument("--realnews-split", default=None, choices=("train", "test"), help="one split only (default: all)")
    args = ap.parse_args()
    if not (args.root / args.split / "attributions").is_dir():
        raise SystemExit(f"PolNeAR not found under {args.root} (pass --root)")
    print(f"PolNeAR {args.split}")
    print(format_table(run(args.root.resolve(), args.split, args.limit)))
    from . import speakers

    path = args.realnews or speakers.REALNEWS
    if path.is_file():
        print(f"\nreal news ({path.name}{', ' + args.realnews_split if args.realnews_split else ''})")
        print(speakers.format_table(speakers.run(path, args.realnews_split)))


if __name__ == "__main__":
    main()
