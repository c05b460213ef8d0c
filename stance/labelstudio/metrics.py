"""What the reviewers changed: correction rates, prediction-vs-correction confusion, agreement.

Label Studio's community edition computes none of these. All functions take export tasks (as
checked by `stance.annotations`) and return plain dicts, ready to print or keep as JSON.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from .. import annotations as A
from . import fields as F


def krippendorff_alpha(units: Iterable[Sequence[str]]) -> float | None:
    """Krippendorff's alpha for nominal labels; units with fewer than two values are skipped.

    None when it is undefined (no unit with two values, or a single category in all the data).
    """
    coincidence: Counter[tuple[str, str]] = Counter()
    for values in units:
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c in counts:
            for k in counts:
                pairs = counts[c] * (counts[k] - (1 if c == k else 0))
                if pairs:
                    coincidence[c, k] += pairs / (m - 1)
    totals: Counter[str] = Counter()
    for (c, _), weight in coincidence.items():
        totals[c] += weight
    n = sum(totals.values())
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if n <= 1 or expected == 0:
        return None
    observed = sum(w for (c, k), w in coincidence.items() if c != k)
    return 1.0 - (n - 1) * observed / expected


def _rate(changed: int, n: int) -> float | None:
    return round(changed / n, 4) if n else None


def _confusion_entry() -> dict[str, Any]:
    return {"n": 0, "changed": 0, "confusion": defaultdict(Counter)}


def _count(entry: dict[str, Any], predicted: str, corrected: str) -> None:
    entry["n"] += 1
    entry["changed"] += predicted != corrected
    entry["confusion"][predicted][corrected] += 1


def _finish(entry: dict[str, Any]) -> dict[str, Any]:
    return {"n": entry["n"], "changed": entry["changed"], "rate": _rate(entry["changed"], entry["n"]),
            "confusion": {p: dict(c) for p, c in sorted(entry["confusion"].items())}}


def agreement_units(tasks: Sequence[dict[str, Any]]) -> dict[str, list[list[str]]]:
    """Per field kind (stance, sentiment, speaker), the values each kept annotator gave per unit."""
    units: dict[str, list[list[str]]] = {"stance": [], "sentiment": [], "speaker": []}
    for task in tasks:
        targets = A.task_targets(task)
        parsed = [A.parse_result(a.get("result") or [], n_targets=len(targets)) for a in A.kept_annotations(task)]
        if len(parsed) < 2:
            continue
        for i in range(len(targets)):
            units["stance"].append([p[F.stance_field(i)] for p in parsed if F.stance_field(i) in p])
        units["sentiment"].append([p[F.SENTIMENT] for p in parsed if F.SENTIMENT in p])
        units["speaker"].append([p[F.SPEAKER] for p in parsed if F.SPEAKER in p])
    return units


def correction_report(tasks: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per target and for sentiment: how often reviewers changed the model's label, and into what;
    for the speaker: how often they changed the extractor's; Krippendorff's alpha per field kind."""
    stance: dict[str, dict[str, Any]] = defaultdict(_confusion_entry)
    sentiment = _confusion_entry()
    speaker = {"n": 0, "changed": 0}
    annotated = 0
    for task in tasks:
        resolved = A.resolve_task(task)
        if resolved is None:
            continue
        annotated += 1
        predicted, predicted_sentiment = A.predicted_labels(task)
        for target, label in resolved["stance"].items():
            if predicted and target in predicted:
                _count(stance[target], predicted[target], label)
        if predicted_sentiment and resolved["sentiment"]:
            _count(sentiment, predicted_sentiment, resolved["sentiment"])
        speaker["n"] += 1
        extracted = task["data"].get("speaker") or None
        speaker["changed"] += bool(resolved["speaker"]) and resolved["speaker"] != extracted
    units = agreement_units(tasks)
    return {
        "tasks": len(tasks), "annotated": annotated,
        "stance": {t: _finish(e) for t, e in sorted(stance.items())},
        "sentiment": _finish(sentiment),
        "speaker": {**speaker, "rate": _rate(speaker["changed"], speaker["n"])},
        "alpha": {kind: _round(krippendorff_alpha(u)) for kind, u in units.items()},
        "multi_annotator_tasks": sum(1 for t in tasks if len(A.kept_annotations(t)) > 1),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def format_report(report: dict[str, Any]) -> str:
    """A short human-readable summary of a correction report."""
    lines = [f"{report['annotated']} of {report['tasks']} tasks annotated "
             f"({report['multi_annotator_tasks']} by several reviewers)"]
    for target, entry in report["stance"].items():
        lines.append(f"  stance {target}: {entry['changed']}/{entry['n']} corrected (rate {entry['rate']})")
    s = report["sentiment"]
    lines.append(f"  sentiment: {s['changed']}/{s['n']} corrected (rate {s['rate']})")
    sp = report["speaker"]
    lines.append(f"  speaker: {sp['changed']}/{sp['n']} corrected (rate {sp['rate']})")
    alpha = ", ".join(f"{k} {v if v is not None else 'n/a'}" for k, v in report["alpha"].items())
    lines.append(f"  Krippendorff's alpha: {alpha}")
    r = report.get("round")
    if r:
        lines.append(f"  round {r['round']}: {r['new']} new annotated task(s); reviewers kept the model's stance "
                     f"{r['stance_agreement']}, sentiment {r['sentiment_agreement']}, speaker {r['speaker_agreement']}"
                     f" (learning curve: {r['csv']}, {r['png']})")
    order = report.get("review_order")
    if order:
        disputed = ", ".join(order["most_disputed"]) or "none"
        lines.append(f"  review order: tab \"review order\" (reviewer disagreement, then model uncertainty); "
                     f"most disputed: {disputed}")
    return "\n".join(lines)
