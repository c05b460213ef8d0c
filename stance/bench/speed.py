"""Speed and memory: quote-target pairs per second and peak RSS, beside a naive baseline.

    python -m stance.bench.speed [--pairs 10000] [--baseline-pairs 2000] [--model DIR]
    python -m stance.bench.speed --whole [--pairs 10000]
    python -m stance.bench.speed --startup

`--whole` times whole processes as a user runs them (start-up, model load, reading and writing
included): `stance classify` with default settings and with `--precision fp32`, beside the naive
pipeline's process (the `pipeline` method below, its load included), on the same rows. When the
default is int8, its one-time ONNX export (per model version and machine) is done before timing.

The workload is realistic scoring: distinct news sentences (NewsMTSC, unmarked) as quotes, each
scored toward five targets, so 10,000 pairs are 2,000 quotes (plus one sentiment pass per quote, none
with a model that reads sentiment from the pairs, `pair_sentiment`).
Each method runs in its own process, so its peak RSS is its own:
- `pipeline`: the naive baseline, a transformers text-classification pipeline over the same
  weights (stance head, and sentiment head once per quote), called one input at a time;
- `plain`: `StanceModel.predict` with the checkpoint forced to the plain cross-encoder layout
  (`shared_layers=0`): batching alone;
- `batched`: `StanceModel.predict` as shipped (batches grouped by length, a quote's lower layers
  shared by its targets when the checkpoint has `shared_layers`);
- `bf16`: the same with the weights in bfloat16 (`--precision bf16`): fast where the CPU has native
  bfloat16 (AVX512-BF16, AMX), slow where it has not;
- `int8`: the same through ONNX Runtime with int8 linear layers (`--precision int8`, stance.quantized);
- `int8-checked`: int8, then the close calls (stance.quantized.close_calls) scored again in bf16 where
  the CPU has native bfloat16, else fp32 (the default where the CPU has int8 dot products).
With `shared_layers` > 0 the pipeline and `plain` run the same weights as a plain cross-encoder,
which is how a pipeline would serve them; their probabilities differ a little from the shipped
layout's (the `labels = batched` column says how often the labels agree).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from ..corpora import MARK_CLOSE, MARK_OPEN, load_newsmtsc
from ..model import PRECISIONS, Pair, StanceModel, load_model
from ..precision import cpu_has_int8_dot, cpu_has_native_bf16

TARGETS = ("tariffs", "China", "United States", "Donald Trump", "ASEAN")
SPEAKERS = ("Scott Bessent", "He Lifeng", "Anwar Ibrahim", "a Treasury spokesperson")
METHODS = ("pipeline", "plain", "batched", "bf16", "int8", "int8-checked")


def news_sentences() -> list[str]:
    """Distinct NewsMTSC train sentences with the target marks taken out."""
    return list(dict.fromkeys(e.text.replace(f"{MARK_OPEN} ", "").replace(f" {MARK_CLOSE}", "")
                              for e in load_newsmtsc("train")))


def workload(n_pairs: int) -> list[Pair]:
    """`n_pairs` pairs: distinct news sentences, each toward every one of TARGETS."""
    sentences = news_sentences()
    n_quotes = -(-n_pairs // len(TARGETS))
    if n_quotes > len(sentences):
        raise ValueError(f"at most {len(sentences) * len(TARGETS)} pairs available")
    pairs = [Pair(s, t, SPEAKERS[i % len(SPEAKERS)]) for i, s in enumerate(sentences[:n_quotes]) for t in TARGETS]
    return pairs[:n_pairs]


def run_pipeline(model: StanceModel, pairs: list[Pair]) -> int:
    """The naive baseline: one pipeline call per pair, and one per distinct quote for sentiment."""
    from transformers import BertForSequenceClassification, pipeline

    pipes = {}
    for task, head in (("stance", model.net.stance_head), ("sentiment", model.net.sentiment_head)):
        clf = BertForSequenceClassification(model.net.encoder.config.__class__(
            **{**model.net.encoder.config.to_dict(), "num_labels": 3}))
        clf.bert.load_state_dict(model.net.encoder.state_dict())
        clf.classifier.load_state_dict(head.state_dict())
        pipes[task] = pipeline("text-classification", model=clf.eval(), tokenizer=model.tokenizer, top_k=None,
                               device=-1, truncation=True, max_length=model.settings.max_length)
    seen: set[str] = set()
    for pair in pairs:
        segment = model.segment(pair)
        pipes["stance"]({"text": pair.target, "text_pair": segment})
        if segment not in seen:
            seen.add(segment)
            pipes["sentiment"]({"text": "", "text_pair": segment})
    return len(pairs)


def measure(method: str, n_pairs: int, model_path: str | None) -> dict:
    """Run one method in this process; pairs/s counts the scoring only, not loading or export."""
    model = load_model(model_path, precision=method if method in PRECISIONS else "fp32",
                       lean=False if method == "pipeline" else None)  # the pipeline needs transformers' BertModel
    if method == "plain":
        model.settings.shared_layers = 0
    pairs = workload(n_pairs)
    model.predict(pairs[:64])  # warm-up
    start = time.perf_counter()
    if method == "pipeline":
        run_pipeline(model, pairs)
        labels = None
    else:
        preds = model.predict(pairs)
        labels = [p.stance_label for p in preds] + [p.sentiment_label for p in preds]
    seconds = time.perf_counter() - start
    return {"method": method, "pairs": n_pairs, "seconds": round(seconds, 2),
            "pairs_per_s": round(n_pairs / seconds, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "labels": labels}


def whole(n_pairs: int, model: str | None, previous: str | None = None) -> list[dict]:
    """Wall-clock seconds of whole processes over the same `n_pairs` rows (see the module docstring);
    `previous`: a second model folder, whose default `stance classify` runs beside (a model against
    the one it would replace)."""
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="stance-speed-"))
    rows = folder / "rows.jsonl"
    rows.write_text("".join(json.dumps({"text": p.text, "target": p.target, "speaker": p.speaker}) + "\n"
                            for p in workload(n_pairs)), encoding="utf-8")
    classify = [sys.executable, "-c", "from stance.cli import main; main()", "classify", str(rows), "-o",
                str(folder / "out.jsonl"), "--no-progress"]
    stance = [*classify, *(["--model", model] if model else [])]
    runs = {"pipeline (one pair at a time)": [sys.executable, "-m", "stance.bench.speed", "--one", "pipeline",
                                              "--pairs", str(n_pairs), *(["--model", model] if model else [])],
            "stance classify (default)": stance,
            "stance classify --precision fp32": [*stance, "--precision", "fp32"]}
    if previous:
        runs["stance classify (default), previous model"] = [*classify, "--model", previous]
    if cpu_has_native_bf16():  # the previous default on such CPUs, beside the others
        runs["stance classify --precision bf16"] = [*stance, "--precision", "bf16"]
    # int8 scoring exports the model to ONNX once per model version (stance.quantized, about 7 s, the
    # first time a model is scored in int8 on a machine); the timed runs find it cached, as every
    # run after a user's first does
    from ..quantized import available

    if cpu_has_int8_dot() and available():  # int8 beside the others where the CPU has int8 dot products
        runs["stance classify --precision int8"] = [*stance, "--precision", "int8"]
        for checkpoint in (model, *([previous] if previous else [])):  # also the export a default int8 needs
            load_model(checkpoint, precision="int8")
    out = []
    for name, cmd in runs.items():
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            print(f"{name}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        note = next((line for line in done.stderr.splitlines() if line.startswith("precision:")), "")
        out.append({"run": name, "pairs": n_pairs, "seconds": round(seconds, 1),
                    "pairs_per_s": round(n_pairs / seconds, 1), "note": note})
    base = out[0]["seconds"] if out and out[0]["run"].startswith("pipeline") else None
    for r in out:
        r["speed_up"] = round(base / r["seconds"], 2) if base else None
    return out


STARTUP_CODE = ("import time; t = time.perf_counter(); from stance.model import Pair, load_model; "
                "load_model(lean={lean}, precision='auto').predict([Pair('We will fight back.', 'tariffs', 'A')]); "
                "print(time.perf_counter() - t)")


def startup(rounds: int = 3) -> list[dict]:
    """Seconds from a fresh interpreter to the first scored pair (median of `rounds`): the model on
    transformers' BertModel (as before stance.backbone) beside the lean default, and a whole
    `stance classify` process over one row."""
    import statistics
    import tempfile
    from pathlib import Path

    rows = Path(tempfile.mkdtemp(prefix="stance-startup-")) / "one.jsonl"
    rows.write_text(json.dumps({"text": "We will fight back.", "target": "tariffs"}) + "\n", encoding="utf-8")
    runs = {"load_model(lean=False) + 1 pair": [sys.executable, "-c", STARTUP_CODE.format(lean=False)],
            "load_model() + 1 pair (default)": [sys.executable, "-c", STARTUP_CODE.format(lean=None)],
            "stance classify, 1 row, whole process": [sys.executable, "-c", "from stance.cli import main; main()",
                                                      "classify", str(rows), "-o", str(rows.with_suffix(".out"))]}
    out = []
    for name, cmd in runs.items():
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, text=True, check=True)
            times.append(time.perf_counter() - start)
        out.append({"run": name, "seconds": round(statistics.median(times), 2)})
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=10000)
    ap.add_argument("--baseline-pairs", type=int, default=2000, help="pairs for the (slow) pipeline baseline")
    ap.add_argument("--model", default=None)
    ap.add_argument("--previous", default=None, help="with --whole: also time the default classify of this model folder")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)  # internal: measure one method and print JSON
    ap.add_argument("--whole", action="store_true", help="time whole processes (stance classify vs the pipeline)")
    ap.add_argument("--startup", action="store_true", help="seconds to the first scored pair, fresh processes")
    args = ap.parse_args(argv)
    if args.startup:
        for r in startup():
            print(f"{r['run']:40} {r['seconds']:>6} s")
        return
    if args.whole:
        print(f"{'run':42} {'pairs':>6} {'seconds':>8} {'pairs/s':>8} {'speed-up':>8}")
        for r in whole(args.pairs, args.model, args.previous):
            print(f"{r['run']:42} {r['pairs']:>6} {r['seconds']:>8} {r['pairs_per_s']:>8} {r['speed_up']:>7}x  {r['note']}")
        return
    if args.one:
        print(json.dumps(measure(args.one, args.pairs, args.model)))
        return
    results = []
    for method in args.methods.split(","):
        n = args.baseline_pairs if method == "pipeline" else args.pairs
        cmd = [sys.executable, "-m", "stance.bench.speed", "--one", method, "--pairs", str(n)]
        cmd += ["--model", args.model] if args.model else []
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{method}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(format_results(results))


def format_results(results: list[dict]) -> str:
    """Side by side: pairs/s, speed-up over the pipeline baseline, peak RSS, label agreement with `batched`."""
    base = next((r["pairs_per_s"] for r in results if r["method"] == "pipeline"), None)
    ref = next((r["labels"] for r in results if r["method"] == "batched"), None)
    lines = [f"{'method':10} {'pairs':>6} {'seconds':>8} {'pairs/s':>8} {'speed-up':>8} {'peak RSS MB':>11} "
             f"{'labels = batched':>16}"]
    for r in results:
        up = f"{r['pairs_per_s'] / base:.1f}x" if base else "-"
        agree = "-"
        if ref and r["labels"] and r["method"] != "batched":
            agree = f"{100 * sum(a == b for a, b in zip(ref, r['labels'])) / len(ref):.1f}%"
        lines.append(f"{r['method']:10} {r['pairs']:>6} {r['seconds']:>8} {r['pairs_per_s']:>8} {up:>8} "
                     f"{r['peak_rss_mb']:>11} {agree:>16}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
