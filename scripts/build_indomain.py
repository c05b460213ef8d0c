"""Build annotations/indomain/{train,test}.json (Label Studio JSON exports) from annotations/indomain/source/.

Real PolNeAR quotes are stored by reference; every reference is read back and checked against the
sha1 kept with it. Items are split by article (written ones by scenario group) with a stable hash,
about 25 % of each origin to the test part, and the groups chosen are written once to
`source/test_groups.txt`, which fixes the test part from then on (relabelling cannot move it); `source/written_train.jsonl` and
`source/polnear_train_labels.jsonl` (labelled after the test part was fixed) go to the training
part only. Afterwards both files are loaded with
`stance.annotations.load_annotations` and every label is compared with the source.

    python scripts/build_indomain.py [--corpus-root ../shared/datasets] [--counts]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stance.annotations import load_annotations  # noqa: E402
from stance.config import SENTIMENT_LABELS, STANCE_LABELS  # noqa: E402
from stance.records import stable_id  # noqa: E402
from stance.roster import load_roster  # noqa: E402

HERE = REPO / "annotations" / "indomain"
SOURCES = (HERE / "source" / "polnear_labels.jsonl", HERE / "source" / "written.jsonl")
# Labelled after the test part was fixed: always training data, so the test part never moves.
TRAIN_ONLY = (HERE / "source" / "polnear_train_labels.jsonl", HERE / "source" / "written_train.jsonl")
TEST_SHARE = 0.25
# The groups of the test part, written once: the hash split below weighs `tariffs` labels, so a
# relabelled item could otherwise move a group between parts. Present: the test part is read here.
TEST_GROUPS = HERE / "source" / "test_groups.txt"
STAMP = "2026-11-22T00:00:00Z"


def read_source(path: Path) -> list[dict]:
    """The source records of one file, each checked for its labels; errors name file and line."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        where = f"{path.name}:{n}"
        if row["targets"].get("tariffs") is None:
            sys.exit(f"{where}: every item needs the target 'tariffs'")
        bad = [v for v in row["targets"].values() if v not in STANCE_LABELS] + \
            ([row["sentiment"]] if row["sentiment"] not in SENTIMENT_LABELS else [])
        if bad or row["speaker"] in row["targets"]:
            sys.exit(f"{where}: bad label {bad} or the speaker is one of its own targets")
        row["where"] = where
        rows.append(row)
    return rows


def check_ref(row: dict, corpus_root: Path) -> None:
    """Read the referenced span back and compare it with the stored sha1."""
    ref = row["ref"]
    file = corpus_root / ref["corpus"] / ref["split"] / "text" / ref["file"]
    with open(file, encoding="utf-8", newline="") as fh:
        body = fh.read()
    span = body[ref["start"]:ref["end"]]
    if ref["split"] == "test" or not span.strip() or \
            hashlib.sha1(span.encode()).hexdigest()[:12] != row["text_sha1"]:
        sys.exit(f"{row['where']}: reference {ref} does not give the labelled text (or is PolNeAR test)")


def group_of(row: dict) -> str:
    return f"polnear/{row['ref']['file']}" if "ref" in row else f"written/{row['group']}"


def split_groups(rows: list[dict]) -> set[str]:
    """Groups for the test part: in stable-hash order, a group joins unless it would push the test
    share of some `tariffs` label past TEST_SHARE + 5 points; filled to TEST_SHARE of the items."""
    sizes = Counter(group_of(r) for r in rows)
    labels = {g: Counter(r["targets"]["tariffs"] for r in rows if group_of(r) == g) for g in sizes}
    totals = Counter(r["targets"]["tariffs"] for r in rows)
    order = sorted(sizes, key=lambda g: hashlib.sha1(g.encode()).hexdigest())
    test, n, taken = set(), 0, Counter()
    for g in order:
        if n >= TEST_SHARE * len(rows):
            break
        if any(taken[k] + v > (TEST_SHARE + 0.05) * totals[k] + 1 for k, v in labels[g].items()):
            continue
        test.add(g)
        n += sizes[g]
        taken.update(labels[g])
    return test


def to_task(row: dict, task_id: int, roster_names: set[str]) -> dict:
    """One Label Studio task with its ground-truth annotation."""
    names = list(row["targets"])
    data = {"speaker": row["speaker"], "speaker_mention": row["speaker_mention"], "title": None,
            "kind": "direct", "targets": [{"name": t} for t in names]}
    if "ref" in row:
        r = row["ref"]
        data.update(quote_id=stable_id(r["corpus"], r["split"], r["file"], r["start"], r["end"]),
                    ref=r, article=r["file"], origin="polnear")
    else:
        data.update(quote_id=stable_id("written", row["text"]), text=row["text"], context=row["context"],
                    article="written", origin="written")
    speaker = ({"from_name": "speaker", "to_name": "quote", "type": "choices",
                "value": {"choices": [row["speaker"]]}} if row["speaker"] in roster_names else
               {"from_name": "speaker_other", "to_name": "quote", "type": "textarea",
                "value": {"text": [row["speaker"]]}})
    result = [speaker] + [
        {"from_name": f"stance_{i}", "to_name": f"target_{i}", "type": "choices",
         "value": {"choices": [row["targets"][t]]}} for i, t in enumerate(names)] + [
        {"from_name": "sentiment", "to_name": "quote", "type": "choices", "value": {"choices": [row["sentiment"]]}}]
    return {"id": task_id, "data": data, "predictions": [],
            "annotations": [{"id": task_id, "completed_by": 1, "was_cancelled": False, "ground_truth": True,
                             "created_at": STAMP, "updated_at": STAMP, "result": result}]}


def check_round_trip(path: Path, tasks: list[dict], corpus_root: Path) -> None:
    """Load the written export with the shared loader; every label must come back."""
    loaded = {q.quote_id: q for q in load_annotations(path, corpus_root=corpus_root)}
    if len(loaded) != len(tasks):
        sys.exit(f"{path}: {len(tasks)} tasks written, {len(loaded)} loaded (duplicate quote_id?)")
    for t in tasks:
        d, q = t["data"], loaded[t["data"]["quote_id"]]
        want = {r["from_name"]: (r["value"].get("choices") or r["value"].get("text"))[0]
                for r in t["annotations"][0]["result"]}
        stance = {x["name"]: want[f"stance_{i}"] for i, x in enumerate(d["targets"])}
        speaker = want.get("speaker_other", want.get("speaker"))
        if (q.stance, q.sentiment, q.speaker) != (stance, want["sentiment"], speaker) or not q.text.strip() \
                or ("text" in d and q.text != d["text"]) or q.text not in q.context:
            sys.exit(f"{path}: task {t['id']} does not round-trip: {q}")


def counts(rows: list[dict]) -> dict:
    """Label counts: tariffs, actors (not topics), free trade, sentiment."""
    topics = {"tariffs", "free trade", "NAFTA", "TPP"}
    return {"items": len(rows),
            "tariffs": Counter(r["targets"]["tariffs"] for r in rows),
            "actors": Counter(v for r in rows for t, v in r["targets"].items() if t not in topics),
            "free trade": Counter(r["targets"]["free trade"] for r in rows if "free trade" in r["targets"]),
            "sentiment": Counter(r["sentiment"] for r in rows)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus-root", type=Path, default=REPO.parent / "shared" / "datasets")
    ap.add_argument("--counts", action="store_true", help="print label counts per part and origin")
    args = ap.parse_args()
    roster_names = set(load_roster().by_name)
    by_origin = [read_source(p) for p in SOURCES]
    for row in by_origin[0]:
        check_ref(row, args.corpus_root)
    parts: dict[str, list[dict]] = {"train": [], "test": []}
    frozen = set(TEST_GROUPS.read_text(encoding="utf-8").split()) if TEST_GROUPS.exists() else None
    if frozen is not None and (missing := frozen - {group_of(r) for rows in by_origin for r in rows}):
        sys.exit(f"{TEST_GROUPS}: test groups with no item in the sources: {sorted(missing)}")
    for rows in by_origin:
        test = frozen if frozen is not None else split_groups(rows)
        for row in rows:
            parts["test" if group_of(row) in test else "train"].append(row)
    test_groups = {group_of(r) for r in parts["test"]}
    if frozen is None:
        TEST_GROUPS.write_text("".join(f"{g}\n" for g in sorted(test_groups)), encoding="utf-8")
    seen = {json.dumps(r.get("ref") or r["text"], sort_keys=True) for rows in by_origin for r in rows}
    for path in TRAIN_ONLY:
        if not path.exists():
            continue
        extra = read_source(path)
        for row in extra:
            if "ref" in row:
                check_ref(row, args.corpus_root)
            key = json.dumps(row.get("ref") or row["text"], sort_keys=True)
            if group_of(row) in test_groups or key in seen:
                sys.exit(f"{row['where']}: its article or group is in the test part, or the item is already "
                         "labelled; train-only items must be new and apart from the test part")
            seen.add(key)
        parts["train"] += extra
    for name, rows in parts.items():
        tasks = [to_task(r, i, roster_names) for i, r in enumerate(rows, 1)]
        path = HERE / f"{name}.json"
        path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        check_round_trip(path, tasks, args.corpus_root)
        print(f"{path.relative_to(REPO)}: {len(tasks)} tasks, round trip ok")
        if args.counts:
            for origin in ("polnear", "written"):
                sel = [r for r in rows if ("ref" in r) == (origin == "polnear")]
                print(f"  {origin}: " + "; ".join(f"{k} {dict(v) if isinstance(v, Counter) else v}"
                                                  for k, v in counts(sel).items()))


if __name__ == "__main__":
    main()
