"""Memory on long runs: peak RSS of `stance classify` (streaming) as the input grows.

    python -m stance.bench.memory [--rows 1000,10000,100000] [--precision int8]

Each size runs in its own process on a JSON-lines file of distinct news sentences (NewsMTSC,
each row a sentence toward one of five targets, a new sentence every row), so each peak RSS is
that run's own. Beside it, the baseline a streaming design avoids: the same rows read into a
list and scored in one `predict` call (`--baseline-rows`, default the smallest two sizes, since
its memory grows with the input). Flat memory means the streaming peaks do not grow with rows.
`--precision int8` only makes the run shorter; memory behaviour is the same in fp32.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..model import PRECISIONS
from .speed import TARGETS, news_sentences


def write_rows(path: Path, n_rows: int) -> None:
    """`n_rows` distinct rows: NewsMTSC sentences, numbered once the corpus runs out."""
    sentences = news_sentences()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n_rows):
            text = sentences[i % len(sentences)]
            if i >= len(sentences):
                text = f"{text} ({i // len(sentences)})"
            fh.write(json.dumps({"text": text, "target": TARGETS[i % len(TARGETS)]}) + "\n")


def measure(method: str, rows: Path, precision: str) -> dict:
    """Run one method in this process; returns rows, seconds and this process's peak RSS."""
    from ..model import Pair, load_model
    from ..classify import classify_file

    model = load_model(precision=precision)
    start = time.perf_counter()
    if method == "streaming":
        counts = classify_file(rows, rows.with_suffix(".out.jsonl"), model=model, progress=False)
        n = counts.scored
    else:  # all in memory: read every row, score them in one call, keep every result
        data = [json.loads(line) for line in rows.open(encoding="utf-8")]
        preds = model.predict([Pair(d["text"], d["target"]) for d in data])
        out = [{**d, "stance": p.stance, "sentiment": p.sentiment} for d, p in zip(data, preds)]
        n = len(out)
    return {"method": method, "rows": n, "seconds": round(time.perf_counter() - start, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", default="1000,10000,100000", help="comma-separated input sizes")
    ap.add_argument("--baseline-rows", default=None, help="sizes for the all-in-memory baseline")
    ap.add_argument("--precision", default="int8", choices=PRECISIONS)
    ap.add_argument("--one", nargs=2, default=None, help=argparse.SUPPRESS)  # internal: METHOD FILE
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one[0], Path(args.one[1]), args.precision)))
        return
    sizes = [int(x) for x in args.rows.split(",")]
    base_sizes = [int(x) for x in args.baseline_rows.split(",")] if args.baseline_rows else sorted(sizes)[:2]
    runs = [("all-in-memory", n) for n in base_sizes] + [("streaming", n) for n in sizes]
    print(f"{'method':14} {'rows':>7} {'seconds':>8} {'peak RSS MB':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for method, n in runs:
            rows = Path(tmp) / f"rows-{n}.jsonl"
            if not rows.exists():
                write_rows(rows, n)
            cmd = [sys.executable, "-m", "stance.bench.memory", "--precision", args.precision,
                   "--one", method, str(rows)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{method} {n}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{r['method']:14} {r['rows']:>7} {r['seconds']:>8} {r['peak_rss_mb']:>11}", flush=True)


if __name__ == "__main__":
    main()
