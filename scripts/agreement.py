"""Agreement of two independent labellings of the real-news test part, and the list to adjudicate.

    python scripts/agreement.py [--disagreements OUT.jsonl]

Compares `annotations/realnews/quotes.jsonl` (split test, the first annotators) with
`annotations/realnews/second/test_a2*.jsonl` (the second annotator, same quotes and targets), the
first annotators' labels as written (before adjudication, `first_labels`):
Cohen's kappa and Krippendorff's alpha (nominal) per target kind (tariffs, actors) and for
sentiment, and raw agreement. `--disagreements` writes every pair the two labelled differently.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

REPO = Path(__file__).resolve().parent.parent
FIRST = REPO / "annotations" / "realnews" / "quotes.jsonl"
SECOND = REPO / "annotations" / "realnews" / "second"


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def alpha(a: list[str], b: list[str]) -> float:
    import krippendorff

    codes = {v: i for i, v in enumerate(sorted(set(a) | set(b)))}
    return float(krippendorff.alpha(reliability_data=[[codes[x] for x in a], [codes[x] for x in b]],
                                    level_of_measurement="nominal"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--disagreements", type=Path, default=None)
    args = ap.parse_args(argv)
    first = {r["id"]: r for r in rows(FIRST) if r["split"] == "test"}
    adjudicated = {(r["id"], r["field"]) for path in sorted(SECOND.glob("adjudicated*.jsonl")) for r in rows(path)}
    pairs = {"tariffs": ([], []), "actors": ([], []), "sentiment": ([], [])}
    diffs = []
    seconds = [r for path in sorted(SECOND.glob("test_a2*.jsonl")) for r in rows(path)]
    for r2 in seconds:
        r1 = first[r2["id"]]
        orig = r1.get("first_labels") or {}
        for target, lab2 in r2["targets"].items():
            lab1 = orig.get(target, r1["targets"][target])
            kind = "tariffs" if target == "tariffs" else "actors"
            pairs[kind][0].append(lab1)
            pairs[kind][1].append(lab2)
            if lab1 != lab2 and (r2["id"], target) not in adjudicated:
                diffs.append({"id": r2["id"], "field": target, "first": lab1, "second": lab2})
        s1 = orig.get("sentiment", r1["sentiment"])
        pairs["sentiment"][0].append(s1)
        pairs["sentiment"][1].append(r2["sentiment"])
        if s1 != r2["sentiment"] and (r2["id"], "sentiment") not in adjudicated:
            diffs.append({"id": r2["id"], "field": "sentiment", "first": s1, "second": r2["sentiment"]})
    print(f"{'kind':10} {'pairs':>6} {'agree':>6} {'kappa':>6} {'alpha':>6}")
    for kind, (a, b) in pairs.items():
        agree = sum(x == y for x, y in zip(a, b)) / len(a)
        print(f"{kind:10} {len(a):>6} {agree:>6.3f} {cohen_kappa_score(a, b):>6.3f} {alpha(a, b):>6.3f}")
    print(f"{len(seconds)} quotes labelled twice; {len(diffs)} disagreements not yet adjudicated")
    if args.disagreements:
        args.disagreements.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in diffs), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
