"""Accuracy benchmarks: the model and a TF-IDF + logistic regression baseline on the same data.

    python -m stance.bench.models [--model DIR] [--config training/config.yaml] [--set key=value ...]

SemEval-2016 6A test F_avg, NewsMTSC rw test macro-F1 (sentiment toward the marked mention, and
the same read as stance toward the mention), VAST zero-shot test macro-F1 and the in-domain test
part (stance and sentiment macro-F1), with the published figures beside ours. The sets and
metrics live in `stance.evaluation`, shared with training.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ..evaluation import BENCHMARKS, benchmark_sets, evaluate, tfidf_baseline


def format_table(ours: dict[str, dict], baseline: dict[str, float], *, title: str = "model",
                 previous: dict[str, dict] | None = None) -> str:
    """A plain-text table: benchmark, metric, n, ours, the previous model, TF-IDF+LR (this run), published."""
    prev_col = f" {'previous':>8}" if previous is not None else ""
    lines = [f"{'benchmark':30} {'metric':9} {'n':>5} {title:>8}{prev_col} {'tfidf+lr':>8}  published"]
    for name, res in ours.items():
        bench = BENCHMARKS[name]
        pub = ", ".join(f"{k} {v}" for k, v in bench.published) or "-"
        base = baseline.get(name)
        prev = "" if previous is None else f" {previous[name]['score']:>8.2f}" if name in previous else f" {'-':>8}"
        lines.append(f"{bench.name:30} {bench.metric:9} {res['n']:>5} {res['score']:>8.2f}{prev} "
                     f"{'-' if base is None else f'{base:.2f}':>8}  {pub}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    from ..corpora import load_realnews
    from ..model import PRECISIONS, load_model
    from ..training import build_base_data, load_config, parse_sets
    from .matrix import previous_model

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="checkpoint folder (default: the current model)")
    ap.add_argument("--previous", default=None,
                    help="previous model to print beside: folder or git revision (default: the last committed "
                         "model of another version; 'none' to leave it out)")
    ap.add_argument("--config", default=None, help="training config (default: as `stance train`)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="config override")
    ap.add_argument("--precision", default="fp32", choices=PRECISIONS, help="scoring arithmetic")
    ap.add_argument("--int8", action="store_true", help="same as --precision int8")
    ap.add_argument("--previous-precision", default=None, choices=PRECISIONS,
                    help="scoring arithmetic of the previous model (default: --precision); with --previous the "
                         "same model folder, e.g. --precision int8 --previous-precision fp32: int8 beside fp32")
    args = ap.parse_args(argv)
    cfg = load_config(args.config, parse_sets(args.set))
    data = build_base_data(cfg)
    sets = benchmark_sets(root=cfg["data"]["root"], limit=cfg["eval"]["limit"], seed=cfg["seed"],
                          newsmtsc_variant=cfg["data"]["newsmtsc"]["variant"], indomain_test=data.test,
                          realnews_test=load_realnews("test"))
    precision = "int8" if args.int8 else args.precision
    model = load_model(args.model, precision=precision)
    ours = evaluate(model, sets, batch_size=cfg["eval"]["batch_size"])
    previous = None
    if args.previous != "none":
        prev, rev = previous_model(args.previous, load_model(args.model))
        prev.set_precision(args.previous_precision or precision)
        previous = evaluate(prev, sets, batch_size=cfg["eval"]["batch_size"])
        print(f"previous model {prev.model_version} ({rev}, {prev.precision})")
    baseline = tfidf_baseline(data.train, sets) if cfg["eval"]["baseline"] else {}
    print(f"model {model.model_version} ({model.precision})")
    print(format_table(ours, baseline, previous=previous))
    print("ECE (15 bins), uncalibrated -> calibrated: " + "; ".join(
        f"{k} {v['ece_uncalibrated']:.3f} -> {v['ece_calibrated']:.3f}" for k, v in ours.items()))


if __name__ == "__main__":
    main()
