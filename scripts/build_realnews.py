"""Build annotations/realnews/quotes.jsonl from the annotators' files in annotations/realnews/raw/.

    python scripts/build_realnews.py [--test-share 50] [--check-only]

Each raw record is checked (the quote is an exact substring of its paragraph, labels are valid,
a speech record has a speaker and tariffs); every page address and every quote is checked against
the evaluation block list (../shared/tools/blocked.py) and blocked ones are dropped; records get a
stable `id` and a `split`. The split is by outlet (all articles of an outlet on one side, so the
test part measures outlets the training part never saw), outlets taken in a stable hashed order
until the test part holds `--test-share` percent of the articles. A split once written is kept:
an article already in quotes.jsonl keeps its side, so adding annotations never moves the test part,
and (unless --rebalance) articles added later go to training: the test part is fixed once written
(a new article of an outlet on the test side is kept as split "held", used by neither side).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stance.config import SENTIMENT_LABELS, STANCE_LABELS  # noqa: E402
from stance.records import stable_id  # noqa: E402

RAW = REPO / "annotations" / "realnews" / "raw"
OUT = REPO / "annotations" / "realnews" / "quotes.jsonl"
BLOCKED = REPO.parent / "shared" / "tools" / "blocked.py"
SECOND = REPO / "annotations" / "realnews" / "second"
AUDIT = REPO / "annotations" / "realnews" / "audit" / "retaliation_convention.jsonl"
KEYS = ("id", "split", "url", "outlet", "date", "title", "article", "paragraph_index", "paragraph", "text", "speech",
        "speaker", "speaker_type", "speaker_mention", "targets", "sentiment", "annotator", "notes", "first_labels")


def adjudicate(records: list[dict]) -> int:
    """Apply the adjudicator's labels (second/adjudicated*.jsonl) where the two annotators differed;
    the first annotator's label is kept in `first_labels` for the agreement figures."""
    rulings = [json.loads(line) for path in sorted(SECOND.glob("adjudicated*.jsonl"))
               for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_id = {r["id"]: r for r in records}
    applied = 0
    for rule in rulings:
        rec = by_id.get(rule["id"])
        if rec is None:  # a record of a raw file not read this time (--check-only FILE)
            continue
        applied += 1
        first = rec.setdefault("first_labels", {})
        if rule["field"] == "sentiment":
            first.setdefault("sentiment", rec["sentiment"])
            rec["sentiment"] = rule["label"]
        else:
            first.setdefault(rule["field"], rec["targets"][rule["field"]])
            rec["targets"][rule["field"]] = rule["label"]
    return applied


def apply_audit(records: list[dict]) -> int:
    """The tariff labels of the retaliation-convention relabel (audit/README.md), applied after the
    adjudications: its `before` is the adjudicated label, its `after` the label kept (the audit file,
    not `first_labels`, keeps the label before)."""
    if not AUDIT.is_file():
        return 0
    by_id = {r["id"]: r for r in records}
    changed = 0
    for line in AUDIT.read_text(encoding="utf-8").splitlines():
        item = json.loads(line) if line.strip() else {}
        rec = by_id.get(item.get("id")) if item.get("set") == "realnews" else None
        if rec is not None and item["after"] != rec["targets"].get("tariffs"):
            rec["targets"]["tariffs"] = item["after"]
            changed += 1
    return changed


def problems(rec: dict) -> list[str]:
    out = []
    for key in ("url", "article", "paragraph", "text"):
        if not isinstance(rec.get(key), str) or not rec[key].strip():
            out.append(f"missing {key}")
    if not out and rec["text"] not in rec["paragraph"]:
        out.append("text is not a substring of paragraph")
    if rec.get("speech"):
        targets = rec.get("targets") or {}
        if "tariffs" not in targets:
            out.append("speech without a tariffs label")
        bad = {t: v for t, v in targets.items() if v not in STANCE_LABELS}
        if bad:
            out.append(f"bad stance labels {bad}")
        if rec.get("sentiment") not in SENTIMENT_LABELS:
            out.append(f"bad sentiment {rec.get('sentiment')!r}")
        if rec.get("speaker") and rec["speaker"] in targets:
            out.append("the speaker is a target of their own quote")
    return out


def blocked(lines: list[str], *, quotes: bool) -> set[str]:
    if not BLOCKED.is_file():
        print(f"warning: {BLOCKED} not found; block list not checked", file=sys.stderr)
        return set()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps({"text": t}) if quotes else t for t in lines) + "\n")
    args = [sys.executable, str(BLOCKED), "--quotes", fh.name] if quotes else [sys.executable, str(BLOCKED), "-"]
    stdin = None if quotes else "\n".join(lines)
    res = subprocess.run(args, input=stdin, capture_output=True, text=True)
    return {line.strip() for line in res.stdout.splitlines() if line.strip()}


def outlet_key(outlet: str) -> str:
    low = " ".join((outlet or "unknown").lower().split())
    return low[4:] if low.startswith("the ") else low


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--test-share", type=int, default=50)
    ap.add_argument("--check-only", action="store_true")
    ap.add_argument("--rebalance", dest="fixed_test", action="store_false",
                    help="let new outlets join the test part until it holds --test-share percent (default: once "
                         "quotes.jsonl exists its test part is fixed and new articles go to training)")
    ap.add_argument("files", nargs="*", type=Path, help="raw files (default: every annotations/realnews/raw/*.jsonl)")
    args = ap.parse_args(argv)
    records, errors = [], 0
    for path in args.files or sorted(RAW.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            found = problems(rec)
            if found:
                errors += 1
                print(f"{path.name}:{n}: {'; '.join(found)}: dropped", file=sys.stderr)
                continue
            rec["annotator"] = path.stem
            records.append(rec)
    bad_urls = blocked(sorted({r["url"] for r in records}), quotes=False)
    bad_quotes = blocked([r["text"] for r in records], quotes=True)
    kept = [r for r in records if r["url"] not in bad_urls and r["text"].strip() not in bad_quotes]
    print(f"{len(records)} records read, {errors} with problems dropped, {len(records) - len(kept)} blocked dropped",
          file=sys.stderr)
    previous = {}
    if OUT.is_file():
        for line in OUT.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                previous[row["article"]] = row["split"]
    articles_by_outlet: dict[str, set[str]] = defaultdict(set)
    for r in kept:
        articles_by_outlet[outlet_key(r.get("outlet", ""))].add(r["article"])
    n_articles = sum(len(a) for a in articles_by_outlet.values())
    split: dict[str, str] = {a: previous[a] for arts in articles_by_outlet.values() for a in arts if a in previous}
    in_test = sum(v == "test" for v in split.values())
    for outlet in sorted(articles_by_outlet, key=lambda o: stable_id("realnews-split", o)):
        fresh = [a for a in articles_by_outlet[outlet] if a not in split]
        if not fresh:
            continue
        old_sides = {split[a] for a in articles_by_outlet[outlet] if a in split}
        if args.fixed_test and previous:
            # the test part stays as it is: a new outlet trains; a new article of a test outlet
            # is kept aside (read by neither training nor the benchmarks)
            side = "held" if "test" in old_sides else "train"
        else:
            side = old_sides.pop() if len(old_sides) == 1 else \
                "test" if in_test < n_articles * args.test_share / 100 else "train"
        for a in fresh:
            split[a] = side
        in_test += len(fresh) * (side == "test")
    for r in kept:
        r["id"] = stable_id("realnews", r["url"], r["paragraph_index"], r["text"])
        r["split"] = split[r["article"]]
    print(f"{adjudicate(kept)} adjudicated labels applied", file=sys.stderr)
    print(f"{apply_audit(kept)} tariff labels of the retaliation relabel applied", file=sys.stderr)
    out = [{k: r.get(k) for k in KEYS} for r in kept]
    counts = Counter((r["split"], r["speech"]) for r in out)
    arts = Counter(split.values())
    print(f"articles: {dict(arts)}; records (split, speech): {dict(counts)}; "
          f"outlets: {len(articles_by_outlet)}", file=sys.stderr)
    if args.check_only:
        return 1 if errors else 0
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    tmp.replace(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
