"""The learning curve of the correction loop: one row per pull (a review round) of a project.

Each `stance ls pull` appends to `<out_dir>/<project>-rounds.csv`: when, how many tasks were
annotated in all and how many are new since the previous round, and how often the reviewers kept
the model's label (stance per target, sentiment) and the extractor's speaker, overall and for the
tasks predicted by each model version; `<project>-rounds.png` plots the agreement per round.
A model that learns from the corrections shows the agreement rising from round to round.
"""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path
from typing import Any

from ..io import atomic_open
from . import metrics

FIELDS = ("round", "time", "annotated", "new", "stance_agreement", "sentiment_agreement", "speaker_agreement",
          "model_versions", "agreement_by_version")


def _agreement(changed: int, n: int) -> float | None:
    return round(1 - changed / n, 4) if n else None


def _by_version(tasks: list[dict[str, Any]]) -> dict[str, float | None]:
    """Stance agreement of the tasks predicted by each model version."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        preds = task.get("predictions") or []
        version = next((p.get("model_version") for p in preds if isinstance(p, dict) and p.get("model_version")), None)
        if version:
            groups.setdefault(version, []).append(task)
    out = {}
    for version, group in sorted(groups.items()):
        report = metrics.correction_report(group)
        n = sum(e["n"] for e in report["stance"].values())
        out[version] = _agreement(sum(e["changed"] for e in report["stance"].values()), n)
    return out


def paths(out_dir: Path, stem: str) -> tuple[Path, Path]:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower() or "export"
    return Path(out_dir) / f"{slug}-rounds.csv", Path(out_dir) / f"{slug}-rounds.png"


def read_rounds(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def record_round(tasks: list[dict[str, Any]], report: dict[str, Any], *, out_dir: Path, stem: str) -> dict[str, Any]:
    """Append this pull's row to the project's rounds CSV and redraw the PNG; returns the row."""
    csv_path, png_path = paths(out_dir, stem)
    rows = read_rounds(csv_path)
    stance_n = sum(e["n"] for e in report["stance"].values())
    stance_changed = sum(e["changed"] for e in report["stance"].values())
    by_version = _by_version([t for t in tasks if t.get("annotations")])
    row = {"round": len(rows) + 1, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "annotated": report["annotated"],
           "new": report["annotated"] - (int(rows[-1]["annotated"]) if rows else 0),
           "stance_agreement": _agreement(stance_changed, stance_n),
           "sentiment_agreement": _agreement(report["sentiment"]["changed"], report["sentiment"]["n"]),
           "speaker_agreement": _agreement(report["speaker"]["changed"], report["speaker"]["n"]),
           "model_versions": " ".join(by_version),
           "agreement_by_version": " ".join(f"{v}={a}" for v, a in by_version.items())}
    rows.append({k: str(v) for k, v in row.items()})
    with atomic_open(csv_path) as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    _draw(rows, png_path)
    return {**row, "csv": str(csv_path), "png": str(png_path)}


def _draw(rows: list[dict[str, str]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=110)
    x = [int(r["round"]) for r in rows]
    for key, label in (("stance_agreement", "stance"), ("sentiment_agreement", "sentiment"),
                       ("speaker_agreement", "speaker")):
        ys = [float(r[key]) if r[key] not in ("", "None") else float("nan") for r in rows]
        ax.plot(x, ys, marker="o", label=label)
    ax.set_xlabel("review round (stance ls pull)")
    ax.set_ylabel("share of labels reviewers kept")
    ax.set_ylim(0, 1.02)
    ax.set_xticks(x)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("Agreement of the model with its reviewers, per round", fontsize=9)
    fig.tight_layout()
    with atomic_open(path, "wb") as fh:
        fig.savefig(fh, format="png")
    plt.close(fig)
