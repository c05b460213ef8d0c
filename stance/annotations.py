"""Label Studio exports -> training examples: one resolved label set per reviewed quote.

Reads the JSON export format (a list of tasks with `data`, `annotations`, `predictions`), whether
it came from `stance ls pull`, from the Label Studio web page, or was written by hand. Resolution:
cancelled annotations are dropped, each annotator's latest is kept, then per field a ground-truth
annotation wins, else the majority, ties going to the latest annotation.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .config import SENTIMENT_LABELS, STANCE_LABELS
from .errors import LabelStudioError
from .labelstudio import fields as F

CORPUS_ROOT_ENV = "STANCE_CORPUS_ROOT"
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class LabeledQuote:
    """A quote with the labels reviewers settled on (and the model's, when the task had them)."""

    quote_id: str
    text: str
    context: str
    speaker: str | None  # the reviewers' speaker, else the extracted one they left alone
    targets: tuple[str, ...]
    stance: dict[str, str]  # target -> favor|against|none, only targets a reviewer labelled
    sentiment: str | None
    source: str  # the file it came from
    predicted: dict[str, str] | None = None  # model stance labels from `predictions`
    predicted_sentiment: str | None = None
    article: str | None = None  # data.article: quotes of one article share it


def default_corpus_root() -> Path:
    """Where `ref` items point: $STANCE_CORPUS_ROOT, else ../shared/datasets beside the repo."""
    env = os.environ.get(CORPUS_ROOT_ENV)
    return Path(env) if env else REPO_ROOT.parent / "shared" / "datasets"


def load_annotations(path: Path | str, *, corpus_root: Path | None = None) -> list[LabeledQuote]:
    """Resolved labelled quotes from an export file or a folder of `*.json` exports.

    Tasks nobody annotated are left out. When a quote appears in several files of a folder, the
    file later by name wins (pulled files are named by time, so the newest pull wins).
    """
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise LabelStudioError("no *.json export in this folder", path=str(path))
    root = corpus_root or default_corpus_root()
    by_id: dict[str, LabeledQuote] = {}
    for file in files:
        for index, task in enumerate(read_export(file)):
            where = f"task {index}"
            resolved = resolve_task(task, where=where, path=str(file))
            if resolved is None:
                continue
            quote = to_labeled(task, resolved, source=str(file), corpus_root=root, where=where)
            by_id.pop(quote.quote_id, None)
            by_id[quote.quote_id] = quote
    return list(by_id.values())


def read_export(path: Path) -> list[dict[str, Any]]:
    """The tasks of an export file, checked to be a JSON list of objects with `data`."""
    try:
        tasks = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LabelStudioError("export file not found", path=str(path)) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise LabelStudioError(f"not a JSON export ({exc})", path=str(path)) from None
    if not isinstance(tasks, list):
        raise LabelStudioError(
            f"a Label Studio JSON export is a list of tasks, got {type(tasks).__name__}; "
            "export with the JSON format (not JSON_MIN or CSV)", path=str(path))
    for index, task in enumerate(tasks):
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise LabelStudioError(f"task {index}: no `data` object; is this a Label Studio JSON export?",
                                   path=str(path))
    return tasks


def task_targets(task: dict[str, Any], *, where: str = "task", path: str | None = None) -> tuple[str, ...]:
    """The target names of a task, from `data.targets` ([{"name": ...}, ...])."""
    raw = task["data"].get("targets") or []
    if not isinstance(raw, list) or not all(isinstance(t, dict) and isinstance(t.get("name"), str) for t in raw):
        raise LabelStudioError(f"{where}: data.targets must be a list of {{\"name\": str}}", path=path)
    return tuple(t["name"] for t in raw)


def parse_result(result: Any, *, n_targets: int, where: str = "task",
                 path: str | None = None) -> dict[str, str]:
    """One annotation's (or prediction's) result as {field: value}: speaker, sentiment, stance_<i>.

    The free-text speaker wins over the roster choice. Anything this labeling config does not
    define raises, since it means the export came from another project or config.
    """
    if not isinstance(result, list):
        raise LabelStudioError(f"{where}: `result` must be a list", path=path)
    values: dict[str, str] = {}
    other: str | None = None
    for item in result:
        name = item.get("from_name") if isinstance(item, dict) else None
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, dict):
            raise LabelStudioError(f"{where}: result item without a `value` object: {item!r}", path=path)
        index = F.stance_index(name or "")
        if name == F.SPEAKER_OTHER:
            text = " ".join(t.strip() for t in value.get("text") or [] if isinstance(t, str)).strip()
            other = text or other
        elif name in (F.SPEAKER, F.SENTIMENT) or index is not None:
            if index is not None and index >= n_targets:
                raise LabelStudioError(f"{where}: {name} but the task has {n_targets} target(s)", path=path)
            choice = _single_choice(value, name, where=where, path=path)
            if choice is not None:
                values[name] = choice
        else:
            raise LabelStudioError(
                f"{where}: unknown from_name {name!r}; this export was made with another labeling config "
                f"(expected {F.SPEAKER}, {F.SPEAKER_OTHER}, {F.SENTIMENT}, {F.STANCE_PREFIX}<i>)", path=path)
    if other:
        values[F.SPEAKER] = other
    return values


def _single_choice(value: dict[str, Any], name: str, *, where: str, path: str | None) -> str | None:
    choices = value.get("choices")
    if not choices:
        return None
    if not isinstance(choices, list) or len(choices) != 1 or not isinstance(choices[0], str):
        raise LabelStudioError(f"{where}: {name} must hold one choice, got {choices!r}", path=path)
    choice = choices[0]
    allowed = SENTIMENT_LABELS if name == F.SENTIMENT else STANCE_LABELS if name != F.SPEAKER else None
    if allowed is not None and choice not in allowed:
        raise LabelStudioError(f"{where}: {name} = {choice!r} is not one of {', '.join(allowed)}", path=path)
    return choice


def kept_annotations(task: dict[str, Any]) -> list[dict[str, Any]]:
    """Annotations that count: not cancelled, each annotator's latest, oldest first."""
    anns = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    ordered = sorted(enumerate(anns), key=lambda p: (_when(p[1]), p[0]))
    latest: dict[str, dict[str, Any]] = {}
    for position, ann in ordered:
        key = annotator_key(ann, position)
        latest.pop(key, None)
        latest[key] = ann
    return list(latest.values())


def annotator_key(ann: dict[str, Any], position: int) -> str:
    """Who made an annotation: `completed_by` as an id, a user object or a name."""
    who = ann.get("completed_by")
    if isinstance(who, dict):
        who = who.get("id", who.get("email"))
    return str(who) if who is not None else f"annotation#{ann.get('id', position)}"


def _when(ann: dict[str, Any]) -> datetime:
    stamp = ann.get("updated_at") or ann.get("created_at")
    try:
        moment = datetime.fromisoformat(stamp) if isinstance(stamp, str) else datetime.min
    except ValueError:
        moment = datetime.min
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment.astimezone().replace(tzinfo=None)


def resolve_task(task: dict[str, Any], *, where: str = "task", path: str | None = None) -> dict[str, Any] | None:
    """The settled labels of a task, or None when no annotation counts.

    Returns {"speaker": str | None, "stance": {target: label}, "sentiment": str | None,
    "annotators": int, "ground_truth": bool}.
    """
    targets = task_targets(task, where=where, path=path)
    anns = kept_annotations(task)
    if not anns:
        return None
    parsed = [parse_result(a.get("result") or [], n_targets=len(targets), where=where, path=path) for a in anns]
    truth = [p for a, p in zip(anns, parsed) if a.get("ground_truth")]
    names = [F.SPEAKER, F.SENTIMENT] + [F.stance_field(i) for i in range(len(targets))]
    settled = {name: _settle(name, parsed, truth) for name in names}
    return {
        "speaker": settled[F.SPEAKER],
        "stance": {t: settled[F.stance_field(i)] for i, t in enumerate(targets) if settled[F.stance_field(i)]},
        "sentiment": settled[F.SENTIMENT],
        "annotators": len(anns),
        "ground_truth": bool(truth),
    }


def _settle(name: str, parsed: list[dict[str, str]], truth: list[dict[str, str]]) -> str | None:
    """Ground truth (the latest) if it sets the field, else the majority, ties to the latest."""
    for values in reversed(truth):
        if name in values:
            return values[name]
    votes = [p[name] for p in parsed if name in p]
    if not votes:
        return None
    counts = Counter(votes)
    top = max(counts.values())
    return next(v for v in reversed(votes) if counts[v] == top)


def prediction_objects(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The task's predictions; a server export lists only their ids, so then the copy each
    annotation carries (its `prediction`) is used."""
    preds = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    if not preds:
        preds = [a["prediction"] for a in task.get("annotations") or []
                 if isinstance(a, dict) and isinstance(a.get("prediction"), dict) and "result" in a["prediction"]]
    return preds


def predicted_labels(task: dict[str, Any], *, where: str = "task",
                     path: str | None = None) -> tuple[dict[str, str] | None, str | None]:
    """The model's stance labels (target -> label) and sentiment from the task's last prediction."""
    preds = prediction_objects(task)
    if not preds:
        return None, None
    targets = task_targets(task, where=where, path=path)
    values = parse_result(preds[-1].get("result") or [], n_targets=len(targets), where=f"{where} prediction",
                          path=path)
    stance = {t: values[F.stance_field(i)] for i, t in enumerate(targets) if F.stance_field(i) in values}
    return stance, values.get(F.SENTIMENT)


def to_labeled(task: dict[str, Any], resolved: dict[str, Any], *, source: str, corpus_root: Path,
               where: str = "task") -> LabeledQuote:
    """A LabeledQuote from a task and its resolved labels; `ref` items are read from the corpus."""
    data = task["data"]
    quote_id = data.get("quote_id")
    if not isinstance(quote_id, str) or not quote_id:
        raise LabelStudioError(f"{where}: data.quote_id is missing; tasks must come from `stance ls export`",
                               path=source)
    where = f"{where} (quote_id {quote_id})"
    if data.get("ref") is not None:
        text, context = read_ref(data["ref"], corpus_root, where=where, path=source)
    elif isinstance(data.get("text"), str):
        text, context = data["text"], data.get("context") or ""
    else:
        raise LabelStudioError(f"{where}: data has neither `text` nor `ref`", path=source)
    predicted, predicted_sentiment = predicted_labels(task, where=where, path=source)
    return LabeledQuote(
        quote_id=quote_id, text=text, context=context,
        speaker=resolved["speaker"] or data.get("speaker") or None,
        targets=task_targets(task, where=where, path=source),
        stance=dict(resolved["stance"]), sentiment=resolved["sentiment"], source=source,
        predicted=predicted, predicted_sentiment=predicted_sentiment,
        article=data.get("article") if isinstance(data.get("article"), str) else None,
    )


def read_ref(ref: Any, corpus_root: Path, *, where: str, path: str) -> tuple[str, str]:
    """(quote text, paragraph around it) for a `ref` into a corpus's text/ folder."""
    keys = ("corpus", "split", "file", "start", "end")
    if not isinstance(ref, dict) or any(k not in ref for k in keys):
        raise LabelStudioError(f"{where}: ref must have {', '.join(keys)}", path=path)
    parts = [ref["corpus"], ref["split"], ref["file"]]
    if not all(isinstance(p, str) and p and "/" not in p and p not in (".", "..") for p in parts):
        raise LabelStudioError(f"{where}: ref corpus/split/file must be plain names, got {parts!r}", path=path)
    file = corpus_root / ref["corpus"] / ref["split"] / "text" / ref["file"]
    if not file.is_file():
        raise LabelStudioError(
            f"{where}: the referenced corpus file {file} is missing; set {CORPUS_ROOT_ENV} or pass "
            "corpus_root to the folder that holds the data sets", path=path)
    with open(file, encoding="utf-8", newline="") as fh:
        body = fh.read()
    start, end = ref["start"], ref["end"]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body)):
        raise LabelStudioError(f"{where}: ref offsets {start}..{end} are outside {file} ({len(body)} chars)",
                               path=path)
    para_start = body.rfind("\n\n", 0, start)
    para_end = body.find("\n\n", end)
    context = body[0 if para_start < 0 else para_start + 2: len(body) if para_end < 0 else para_end]
    return body[start:end], context.strip()
