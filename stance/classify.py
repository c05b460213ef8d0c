"""`stance classify`: score rows of {text, target, speaker?, context?} as they come, one target a row.

The quote-free entry point (a user's own table of sentences and targets); `scoring.py` scores
extracted quotes toward the targets of their article. A bad row is reported with its file and line
and skipped; long texts are cut to what the model reads, and the row keeps its full text.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from .errors import InputError
from .io import read_jsonl, write_records
from .model import Pair, StanceModel
from .scoring import DEFAULT_BATCH_SIZE, MAX_TEXT_CHARS, WINDOW_PAIRS, labelled, progress_bar, ticking
from .targets import TargetConfig, load_targets


@dataclass
class ClassifyCounts:
    """What `classify_file` did: rows read, scored, skipped (bad input), and notes given."""

    read: int = 0
    scored: int = 0
    skipped: int = 0
    truncated: int = 0
    unknown_targets: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.skipped == 0

    def summary(self) -> str:
        return (f"{self.read} rows read, {self.scored} scored, {self.skipped} skipped (bad input), "
                f"{self.truncated} long texts truncated, {self.unknown_targets} rows with targets not in the config")


def _row_problem(row: dict[str, Any]) -> str | None:
    """Why a classify row cannot be scored, or None."""
    for key in ("text", "target"):
        if key not in row:
            return f"missing field {key!r} (each row needs 'text' and 'target'; 'speaker' and 'context' are optional)"
        if not isinstance(row[key], str) or not row[key].strip():
            return f"field {key!r} must be a non-empty string, not {row[key]!r:.40}"
    for key in ("speaker", "context"):
        if row.get(key) is not None and not isinstance(row[key], str):
            return f"field {key!r} must be a string or null, not {type(row[key]).__name__}"
    return None


class _Classifier:
    """Reads rows, reports bad ones (file:line) as it goes, yields scorable (row, pair)."""

    def __init__(self, path: Path, config: TargetConfig, counts: ClassifyCounts) -> None:
        self.path, self.config, self.counts = path, config, counts

    def note(self, message: str) -> None:
        self.counts.messages.append(message)
        print(message, file=sys.stderr)

    def where(self, line: int) -> str:
        return f"{self.path}:{line}: note"

    def rows(self) -> Iterator[tuple[dict[str, Any], Pair]]:
        errors: list[str] = []
        for line, row in read_jsonl(self.path, errors=errors, report_blank=True):
            self._report(errors)
            self.counts.read += 1
            problem = _row_problem(row)
            if problem:
                self.counts.skipped += 1
                self.note(str(InputError(f"{problem}: skipped", path=str(self.path), line=line)))
                continue
            yield row, self._pair(line, row)
        self._report(errors)

    def _report(self, errors: list[str]) -> None:
        """Unreadable lines (empty, malformed JSON) that read_jsonl has passed over."""
        for message in errors:
            self.counts.read += 1
            self.counts.skipped += 1
            self.note(f"{message}: skipped")
        errors.clear()

    def _pair(self, line: int, row: dict[str, Any]) -> Pair:
        text, target = row["text"], row["target"]
        if len(text) > MAX_TEXT_CHARS:
            self.counts.truncated += 1
            if self.counts.truncated == 1:
                self.note(f"{self.where(line)}: text has {len(text):,} characters; the model reads only its start "
                          f"(first {MAX_TEXT_CHARS:,} characters, then its token limit); the row keeps the full text. "
                          "Further long texts are counted, not reported.")
        if self.config.canonical(target) is None:
            self.counts.unknown_targets += 1
            if self.counts.unknown_targets == 1:
                self.note(f"{self.where(line)}: target {target[:60]!r} is not in the targets config; scored as free "
                          "text. Further unknown targets are counted, not reported.")
        context = row.get("context") or None
        return Pair(text=text[:MAX_TEXT_CHARS], target=target, speaker=row.get("speaker") or None,
                    context=context[:MAX_TEXT_CHARS] if context else None)


def _classified(rows: Iterable[tuple[dict[str, Any], Pair]], model: StanceModel, batch_size: int,
                window: int, counts: ClassifyCounts, sentiment: bool = True) -> Iterator[dict[str, Any]]:
    rows = iter(rows)
    while True:
        batch = list(islice(rows, window))
        if not batch:
            return
        for (row, _), pred in zip(batch, model.predict([p for _, p in batch], batch_size=batch_size,
                                                       sentiment=sentiment)):
            counts.scored += 1
            out = dict(row)  # with --no-sentiment a row's own `sentiment` field is left as it is
            out["stance"] = labelled(pred.stance)
            if sentiment:
                out["sentiment"] = labelled(pred.sentiment)
            out["model_version"] = model.model_version
            yield out


def classify_file(
    input_jsonl: str | Path,
    out: str | Path | None,
    *,
    model: StanceModel | None = None,
    fmt: str | None = None,
    targets_config: TargetConfig | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    window: int = WINDOW_PAIRS,
    progress: bool | None = None,
    sentiment: bool = True,
) -> ClassifyCounts:
    """Score rows {text, target, speaker?, context?}: each gains `stance` toward its target and
    `sentiment` ({label, probs}) and `model_version` (fields of those names are replaced);
    `sentiment=False` skips the sentiment pass and writes no `sentiment` field (a row's own is kept).

    A bad row (empty or malformed line, missing or mistyped field) is reported on stderr with its
    file and line and skipped; the rest completes. Check `counts.ok` to set the exit status.
    """
    from .model import load_model

    path = Path(input_jsonl)
    if not path.is_file():
        raise InputError("input file not found; give a JSON lines file of {text, target, speaker?} rows", path=str(path))
    model = model or load_model()
    counts = ClassifyCounts()
    if targets_config is not None:
        model.targets = targets_config  # its aliases mark the target's mentions
    reader = _Classifier(path, targets_config or load_targets(), counts)
    bar = progress_bar(enabled=progress, unit="row")
    try:
        scored = ticking(_classified(reader.rows(), model, batch_size, window, counts, sentiment), bar)
        write_records(scored, Path(out) if out is not None else None, fmt)
    finally:
        bar.close()
    return counts
