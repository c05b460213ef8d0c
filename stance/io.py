"""Reading and writing records: JSON lines, CSV and Parquet, always written atomically."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import InputError

FORMATS = ("jsonl", "csv", "parquet")


def format_for(path: Path | None, explicit: str | None = None) -> str:
    """The output format: explicit, else from the file suffix, else JSON lines."""
    if explicit:
        if explicit not in FORMATS:
            raise InputError(f"unknown format {explicit!r}; use one of {', '.join(FORMATS)}")
        return explicit
    if path is not None:
        suffix = path.suffix.lower().lstrip(".")
        if suffix in ("csv", "parquet"):
            return suffix
    return "jsonl"


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to a temporary file beside `path` and rename it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline="" if "b" not in mode else None) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """CSV and Parquet cells: nested values become JSON strings."""
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list, tuple)) else v for k, v in row.items()}


def write_records(rows: Iterable[dict[str, Any]], path: Path | None, fmt: str | None = None) -> int:
    """Stream rows to `path` (atomically) or to standard output; returns the row count."""
    fmt = format_for(path, fmt)
    if path is None:
        if fmt != "jsonl":
            raise InputError(f"{fmt} output needs a file: pass -o FILE")
        n = 0
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
        sys.stdout.flush()
        return n
    if fmt == "jsonl":
        n = 0
        with atomic_open(path) as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
        return n
    if fmt == "csv":
        return _write_csv(rows, path)
    return _write_parquet(rows, path)


def _write_csv(rows: Iterable[dict[str, Any]], path: Path) -> int:
    n = 0
    with atomic_open(path) as fh:
        writer: csv.DictWriter | None = None
        for row in rows:
            flat = _flat(row)
            if writer is None:
                writer = csv.DictWriter(fh, fieldnames=list(flat), extrasaction="ignore")
                writer.writeheader()
            writer.writerow(flat)
            n += 1
    return n


def _write_parquet(rows: Iterable[dict[str, Any]], path: Path, batch: int = 5000) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 0
    with atomic_open(path, "wb") as fh:
        writer = None
        buf: list[dict[str, Any]] = []

        def flush() -> None:
            nonlocal writer
            if not buf:
                return
            table = pa.Table.from_pylist(buf, schema=writer.schema if writer else None)
            if writer is None:
                writer = pq.ParquetWriter(fh, table.schema)
            writer.write_table(table)
            buf.clear()

        for row in rows:
            buf.append(_flat(row))
            n += 1
            if len(buf) >= batch:
                flush()
        flush()
        if writer is not None:
            writer.close()
    return n


def read_jsonl(path: Path, *, errors: list[str] | None = None,
               report_blank: bool = False) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) from a JSON lines file.

    A malformed line raises InputError naming file and line, unless `errors` is given:
    then the message is appended there and the line skipped, so the rest completes.
    Empty lines are skipped silently unless `report_blank` (then they are errors too).
    """
    with open(path, encoding="utf-8", errors="strict") as fh:
        lineno = 0
        while True:
            try:
                line = fh.readline()
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 after line {lineno} ({exc.reason})", path=str(path)) from None
            if not line:
                break
            lineno += 1
            if not line.strip():
                if report_blank:
                    err = InputError("empty line", path=str(path), line=lineno)
                    if errors is None:
                        raise err
                    errors.append(str(err))
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("expected a JSON object")
            except ValueError as exc:
                err = InputError(f"malformed JSON line ({exc})", path=str(path), line=lineno)
                if errors is None:
                    raise err from None
                errors.append(str(err))
                continue
            yield lineno, obj
