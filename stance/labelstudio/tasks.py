"""Scored quotes -> Label Studio import JSON: the quote in `data`, the model's labels as a prediction.

A task's `data` keeps the fields of the annotation contract (quote_id, text, speaker, ...), the
paragraph as HTML with the quote marked, per target its route and a hint with the model's
probabilities, the full probabilities, and `uncertainty` (mean of 1 - max probability over the stance heads and the
sentiment head) so reviewers can sort the least certain first. The prediction's `score` is
1 - uncertainty, which Label Studio's "prediction-score-min" sampling serves lowest first.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..config import DEFAULT_ROSTER, SENTIMENT_LABELS, STANCE_LABELS
from ..errors import InputError
from ..io import atomic_open, read_jsonl
from . import fields as F
from .config import read_roster

QUOTE_KEYS = ("text", "speaker_mention", "article", "title", "context", "kind")


def check_head(head: Any, labels: Sequence[str], what: str, *, path: str, line: int) -> dict[str, float]:
    """The probabilities of one scored head ({"label", "probs"}), checked against its label set."""
    if not isinstance(head, dict) or head.get("label") not in labels or not isinstance(head.get("probs"), dict):
        raise InputError(f"{what} must be {{\"label\": one of {', '.join(labels)}, \"probs\": {{...}}}}, "
                         f"got {head!r}; is this a file written by `stance score`?", path=path, line=line)
    probs = head["probs"]
    if set(probs) != set(labels) or not all(isinstance(p, (int, float)) and 0 <= p <= 1 for p in probs.values()):
        raise InputError(f"{what}.probs must give a probability for each of {', '.join(labels)}", path=path, line=line)
    return {label: float(probs[label]) for label in labels}


def uncertainty(record: dict[str, Any]) -> float:
    """Mean over the heads (each target's stance, and sentiment) of 1 - the top probability."""
    heads = [h["probs"] for h in record["stance"].values()] + [record["sentiment"]["probs"]]
    return round(sum(1.0 - max(p.values()) for p in heads) / len(heads), 6)


def choice(from_name: str, to_name: str, value: str) -> dict[str, Any]:
    return {"from_name": from_name, "to_name": to_name, "type": "choices", "value": {"choices": [value]}}


def prediction_result(record: dict[str, Any], roster: Sequence[str]) -> list[dict[str, Any]]:
    """The model's (and the extractor's) labels in the annotation result format."""
    result = []
    speaker = record.get("speaker")
    if speaker in roster:
        result.append(choice(F.SPEAKER, F.QUOTE, speaker))
    elif speaker:
        result.append({"from_name": F.SPEAKER_OTHER, "to_name": F.QUOTE, "type": "textarea",
                       "value": {"text": [speaker]}})
    for index, head in enumerate(record["stance"].values()):
        result.append(choice(F.stance_field(index), F.target_field(index), head["label"]))
    result.append(choice(F.SENTIMENT, F.QUOTE, record["sentiment"]["label"]))
    return result


def check_record(record: dict[str, Any], *, path: str, line: int) -> None:
    """Raise InputError naming file and line unless `record` is a scored quote."""
    for key in ("id", "text", "model_version"):
        if not isinstance(record.get(key), str) or not record[key]:
            raise InputError(f"scored quote has no `{key}`; is this a file written by `stance score`?",
                             path=path, line=line)
    if not isinstance(record.get("stance"), dict):
        raise InputError("scored quote has no `stance` object (target -> label, probs)", path=path, line=line)
    for target, head in record["stance"].items():
        check_head(head, STANCE_LABELS, f"stance[{target!r}]", path=path, line=line)
    check_head(record.get("sentiment"), SENTIMENT_LABELS, "sentiment", path=path, line=line)


ROUTE_WORDS = {"named": "named in the quote", "referred": "referred to in the quote (he, they, both sides, ...)",
               "invoked": "named in the quote only for its rules (WTO rules)",
               "context": "named only in the paragraph", "article": "another speaker of the article, not in the quote",
               "always": "scored for every quote", "extra": "asked for on the command line"}


def target_hint(head: dict[str, Any]) -> str:
    """How the quote reaches a target and what the model gives it: "named in the quote · model:
    against 0.82 (favor 0.05, against 0.82, none 0.13)"."""
    probs = head["probs"]
    route = ROUTE_WORDS.get(head.get("via") or "", head.get("via") or "")
    spread = ", ".join(f"{k} {probs[k]:.2f}" for k in STANCE_LABELS)
    return f"{route + ' · ' if route else ''}model: {head['label']} {probs[head['label']]:.2f} ({spread})"


def highlighted(context: str, text: str) -> str:
    """The paragraph as escaped HTML with the quote in <mark> (its first occurrence)."""
    at = context.find(text) if text else -1
    if at < 0:
        return f"<p>{html.escape(context)}</p>" if context else f"<p><mark>{html.escape(text)}</mark></p>"
    return (f"<p>{html.escape(context[:at])}<mark>{html.escape(text)}</mark>"
            f"{html.escape(context[at + len(text):])}</p>")


def source_line(record: dict[str, Any]) -> str:
    parts = [record.get("url") or record.get("source"), record.get("date")]
    return " · ".join(str(p) for p in parts if p)


def task_for(record: dict[str, Any], roster: Sequence[str]) -> dict[str, Any]:
    """One Label Studio task for a checked scored quote."""
    data: dict[str, Any] = {"quote_id": record["id"]}
    data.update({k: record.get(k) for k in QUOTE_KEYS})
    for key in ("text", "title", "context"):  # Label Studio's Text and Header tags need strings
        data[key] = data[key] or ""
    data["speaker"] = record.get("speaker") or ""
    data["targets"] = [{"name": name, "hint": target_hint(head), "via": head.get("via")}
                       for name, head in record["stance"].items()]
    data["context_html"] = highlighted(data["context"], data["text"])
    data["source_line"] = source_line(record)
    data["date"], data["url"] = record.get("date"), record.get("url")
    data["uncertainty"] = uncertainty(record)
    data["disagreement"] = 0.0  # between reviewers; `stance ls pull` writes it (stance.labelstudio.order)
    data["model_version"] = record["model_version"]
    data["probs"] = {"stance": {t: h["probs"] for t, h in record["stance"].items()},
                     "sentiment": record["sentiment"]["probs"]}
    return {"data": data, "predictions": [{
        "model_version": record["model_version"],
        "score": round(1.0 - data["uncertainty"], 6),
        "result": prediction_result(record, roster),
    }]}


def iter_tasks(scores_path: Path, roster: Sequence[str], *,
               include_duplicates: bool = False) -> Iterator[dict[str, Any]]:
    """Tasks for a scores file, one per quote id; syndicated copies (`duplicate_of`) and spans that are
    not speech (no speaker, no scores) left out."""
    seen: set[str] = set()
    for line, record in read_jsonl(Path(scores_path)):
        if isinstance(record, dict) and record.get("speaker") is None and not record.get("stance") \
                and record.get("sentiment") is None:
            continue  # a span the extractor judged not speech (a name, a scare quote): nothing to score
        check_record(record, path=str(scores_path), line=line)
        if record["id"] in seen or (record.get("duplicate_of") and not include_duplicates):
            continue
        seen.add(record["id"])
        yield task_for(record, roster)


def export_tasks(scores_path: Path, out_path: Path, *, roster: Path = DEFAULT_ROSTER,
                 include_duplicates: bool = False) -> int:
    """Write the Label Studio import JSON for a scores file (atomically); returns the task count."""
    tasks = list(iter_tasks(scores_path, read_roster(roster), include_duplicates=include_duplicates))
    with atomic_open(Path(out_path)) as fh:
        json.dump(tasks, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return len(tasks)
