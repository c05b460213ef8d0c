"""Quotes and canonical speakers on real news from many outlets (`annotations/realnews/quotes.jsonl`).

Each article of the set is rebuilt from the paragraphs kept for it (in page order, its headline
first when known) and run through the extractor. A gold quote is *found* when a predicted quote
overlaps its span; its *speaker is right* when the predicted canonical speaker equals the gold one
(accents, case, spaces and punctuation aside; a group: the same members), or names the body a
spokesperson speaks for (`speaks_for`: the guidelines give the body), or is the gold speaker's
family name alone when the kept paragraphs never give the full name (annotators named speakers
from the whole page; the set keeps only the paragraphs with quote marks, so an article's "Mr Chan"
may never meet its "Chan Chun Sing").
*Quote + speaker* is both, over all gold speech quotes. Spans that are
not speech ("Phase One", a programme title) should come out without a speaker. The baseline takes
quote marks and the words beside the nearest "said"/"says" (`stance.bench.quotes`) and is right
when those words hold the gold speaker's family name.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

from ..cleaning import make_article
from ..io import read_jsonl
from ..pipeline import extract_article
from ..roster import fold, load_roster, name_key
from .quotes import predict_baseline

REALNEWS = Path(__file__).resolve().parents[2] / "annotations" / "realnews" / "quotes.jsonl"


def rebuild(rows: list[dict]) -> tuple[str, list[tuple[dict, int, int]]]:
    """The article text from its kept paragraphs, and each gold record with its span in that text."""
    paras: dict[int, str] = {}
    for r in sorted(rows, key=lambda r: r["paragraph_index"]):
        paras.setdefault(r["paragraph_index"], r["paragraph"])
    title = next((r["title"] for r in rows if r.get("title")), None)
    text, offsets = (f"{title}\n\n" if title else ""), {}
    for index, para in paras.items():
        offsets[index] = len(text)
        text += para + "\n\n"
    spans = []
    for r in rows:
        at = r["paragraph"].find(r["text"])
        start = offsets[r["paragraph_index"]] + at
        spans.append((r, start, start + len(r["text"])))
    return text, spans


def _members(name: str | None) -> frozenset[str]:
    return frozenset(p.strip() for p in (name or "").replace(",", " and ").split(" and ") if p.strip())


def _family_name_only(pred: str, gold: str, text: str) -> bool:
    """`pred` is the gold person's family name (first or last word, "Mr" aside), and the text never
    gives the gold name in full."""
    words = [w for w in pred.replace(".", "").split() if w not in ("Mr", "Mrs", "Ms", "Dr")]
    parts = gold.split()
    return len(words) == 1 and len(parts) > 1 and words[0] in (parts[0], parts[-1]) and gold not in text


def named_in_text(gold: str, text: str, roster) -> bool:  # type: ignore[no-untyped-def]
    """Whether the kept text (quotes blanked) names the gold speaker at all: the name, a roster alias,
    or a person's first or last name (family names come first in many). Annotators read the whole
    page; a speaker named only in a paragraph the set did not keep ("he said" whose antecedent was
    left out) cannot be found from the text."""
    entry = roster.get(gold)
    names = {gold, *(entry.aliases if entry is not None else ())}
    if (entry is None or entry.type == "person") and " and " not in gold and len(gold.split()) > 1:
        names |= {gold.split()[0], gold.split()[-1]}
    folded = fold(text)
    return any(fold(n) in folded for n in names if n)


def best_match(preds: list[tuple], start: int, end: int) -> tuple | None:
    """The predicted span (start, end, ...) that is the gold span [start, end): of those overlapping
    it, the one with the highest overlap over union, so that a term nested in a quote ("the 'blind
    faith'") is matched to its own span, not to the quote around it."""
    def jaccard(p: tuple) -> float:
        inter = min(end, p[1]) - max(start, p[0])
        return inter / (max(end, p[1]) - min(start, p[0]))
    overlapping = [p for p in preds if p[0] < end and start < p[1]]
    return max(overlapping, key=jaccard, default=None)


def run(path: Path = REALNEWS, split: str | None = None) -> dict[str, dict[str, float]]:
    """Counts per system: speech quotes, found, speaker right, both; non-speech spans left without a speaker."""
    roster = load_roster()
    by_article: dict[str, list[dict]] = defaultdict(list)
    for _, row in read_jsonl(path):
        if split is None or row["split"] == split:
            by_article[row["article"]].append(row)
    results = {}
    for system in ("baseline", "stance"):
        c = {"articles": len(by_article), "speech": 0, "found": 0, "speaker_right": 0, "non_speech": 0,
             "non_speech_no_speaker": 0, "named": 0, "named_right": 0}
        t0 = time.perf_counter()
        for name, rows in by_article.items():
            text, spans = rebuild(rows)
            outside = text
            for _, s, e in spans:
                outside = outside[:s] + " " * (e - s) + outside[e:]
            if system == "stance":
                art = make_article(text, source=name, article_id=name)
                preds = [(q.start, q.end, q.speaker, q.speakers, q.speaks_for) for q in extract_article(art, roster=roster)]
            else:
                preds = [(p.span[0], p.span[1], p.speaker, (), None) for p in predict_baseline(text)]
            for r, s, e in spans:
                hit = best_match(preds, s, e)
                if not r["speech"]:
                    c["non_speech"] += 1
                    c["non_speech_no_speaker"] += hit is None or not hit[2]
                    continue
                if not r.get("speaker"):
                    continue
                c["speech"] += 1
                in_text = named_in_text(r["speaker"], outside, roster)
                c["named"] += in_text
                if hit is None or not hit[2]:
                    continue
                c["found"] += 1
                if system == "stance":
                    said = {name_key(n) for n in (hit[2], hit[4]) if n}  # speaker, or the body spoken for
                    right = name_key(r["speaker"]) in said or (r.get("speaker_type") == "group"
                                                            and _members(r["speaker"]) == frozenset(hit[3])) \
                        or _family_name_only(hit[2], r["speaker"], text)
                else:
                    right = r["speaker"].split()[-1].lower() in hit[2].lower().split()
                c["speaker_right"] += right
                c["named_right"] += right and in_text
        c["seconds"] = round(time.perf_counter() - t0, 1)
        results[system] = c
    return results


def format_table(results: dict[str, dict[str, float]]) -> str:
    rows = [f"{'system':10} {'found':>7} {'speaker right (of found)':>25} {'quote + speaker':>16} "
            f"{'non-speech left without speaker':>32}"]
    for name, c in results.items():
        found = c["found"] / c["speech"] if c["speech"] else 0
        right = c["speaker_right"] / c["found"] if c["found"] else 0
        both = c["speaker_right"] / c["speech"] if c["speech"] else 0
        ns = c["non_speech_no_speaker"] / c["non_speech"] if c["non_speech"] else 0
        rows.append(f"{name:10} {100 * found:7.1f} {100 * right:25.1f} {100 * both:16.1f} {100 * ns:32.1f}")
    c = next(iter(results.values()))
    rows.append(f"{c['articles']} articles, {c['speech']} attributed speech quotes, {c['non_speech']} non-speech spans")
    rows.append(f"{c['named']} of the speech quotes have a speaker the kept text names outside the quotes (its name, "
                f"an alias, a first or last name); quote + speaker on those: " + ", ".join(
                    f"{name} {100 * r['named_right'] / r['named']:.1f}" for name, r in results.items() if r["named"]))
    return "\n".join(rows)
