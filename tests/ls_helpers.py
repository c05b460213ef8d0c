"""Small inline fixtures for the Label Studio tests: scored quotes and export tasks built by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stance.config import SENTIMENT_LABELS, STANCE_LABELS
from stance.records import Quote, quote_id

ROSTER_YAML = """\
speakers:
  - name: Marco Rubio
    aliases: [Rubio]
  - name: Wang Yi
    aliases: [Wang]
  - name: Jamieson Greer
    aliases: [Greer]
  - name: "O'Brien & \\"Co\\""
"""


def write_roster(folder: Path) -> Path:
    path = folder / "speakers.yaml"
    path.write_text(ROSTER_YAML, encoding="utf-8")
    return path


def quote(article: str, start: int, text: str, speaker: str | None, mention: str | None, **kw: Any) -> Quote:
    end = start + len(text)
    return Quote(id=quote_id(article, start, end), article=article, text=text, start=start, end=end,
                 paragraph=kw.pop("paragraph", 0), kind="direct", speaker=speaker, speaker_mention=mention,
                 context=kw.pop("context", f"{mention} said: \u201c{text}\u201d"), title=kw.pop("title", "Trade talks"),
                 source=f"{article}.txt", **kw)


def probs(labels: tuple[str, ...], top: str, p: float) -> dict[str, float]:
    rest = (1.0 - p) / (len(labels) - 1)
    return {label: round(p if label == top else rest, 4) for label in labels}


def scored(q: Quote, stance: dict[str, tuple[str, float]], sentiment: tuple[str, float],
           version: str = "minilm-test-1") -> dict[str, Any]:
    row = q.to_dict()
    row["stance"] = {t: {"label": lab, "probs": probs(STANCE_LABELS, lab, p)} for t, (lab, p) in stance.items()}
    row["sentiment"] = {"label": sentiment[0], "probs": probs(SENTIMENT_LABELS, *sentiment)}
    row["model_version"] = version
    return row


def seed_rows() -> list[dict[str, Any]]:
    """Four scored quotes: two targets, one, three, and a syndicated copy of the first."""
    q1 = quote("a1", 100, "Tariffs will hurt American farmers and we will push back", "Marco Rubio", "Rubio")
    q2 = quote("a1", 300, "We welcome a fair deal with the United States", "Wang Yi", "Wang", paragraph=2)
    q3 = quote("a2", 40, "The trade war is over if China buys soybeans", None, "he")
    copy = quote("a3", 100, q1.text, "Marco Rubio", "Rubio", duplicate_of=q1.id)
    return [
        scored(q1, {"tariffs": ("against", 0.7), "China": ("none", 0.55)}, ("negative", 0.8)),
        scored(q2, {"United States": ("favor", 0.6)}, ("positive", 0.5)),
        scored(q3, {"trade war": ("against", 0.4), "China": ("none", 0.5), "soybeans": ("none", 0.9)},
               ("neutral", 0.45)),
        scored(copy, {"tariffs": ("against", 0.7), "China": ("none", 0.55)}, ("negative", 0.8)),
    ]


def write_scores(folder: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    path = folder / "scores.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows or seed_rows()), encoding="utf-8")
    return path


def choice(name: str, value: str, to: str = "quote") -> dict[str, Any]:
    return {"from_name": name, "to_name": to, "type": "choices", "value": {"choices": [value]}}


def stance(index: int, value: str) -> dict[str, Any]:
    return choice(f"stance_{index}", value, to=f"target_{index}")


def other_speaker(name: str) -> dict[str, Any]:
    return {"from_name": "speaker_other", "to_name": "quote", "type": "textarea", "value": {"text": [name]}}


def annotation(result: list[dict[str, Any]], *, who: int = 1, when: str = "2025-06-01T10:00:00Z",
               cancelled: bool = False, truth: bool = False, ann_id: int = 1) -> dict[str, Any]:
    return {"id": ann_id, "completed_by": who, "was_cancelled": cancelled, "ground_truth": truth,
            "created_at": when, "updated_at": when, "result": result}


def task(quote_id_: str, targets: list[str], annotations: list[dict[str, Any]], *,
         speaker: str = "Marco Rubio", predictions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    data = {"quote_id": quote_id_, "text": f"text of {quote_id_}", "speaker": speaker, "speaker_mention": "Rubio",
            "article": "a1", "title": "T", "context": f"paragraph of {quote_id_}", "kind": "direct",
            "targets": [{"name": t} for t in targets]}
    return {"id": sum(map(ord, quote_id_)), "data": data, "annotations": annotations,
            "predictions": predictions or []}
