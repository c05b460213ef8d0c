"""The `stance` command line: each command parses its options and calls one core function."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .articles import DEFAULT_MAX_CHARS
from .errors import StanceError

EXIT_SKIPPED = 3  # the batch completed, but some inputs were reported and skipped

app = typer.Typer(help="Who said what in news articles, and how they feel about it.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)

PathsArg = typer.Argument(..., help="Article files or folders (.txt, .md, .html, .jsonl).", exists=False)


def _fail(exc: StanceError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(1)


def _finish(report) -> None:  # type: ignore[no-untyped-def]
    skipped = len(report.skipped)
    typer.echo(f"{report.read} article(s) read, {report.quotes} quote(s), {skipped} skipped", err=True)
    if skipped:
        raise typer.Exit(EXIT_SKIPPED)


def _load_fixed(path: Optional[Path]) -> dict[str, str] | None:
    from .io import read_jsonl

    if path is None or not path.exists():
        return None
    return {o["quote_id"]: o["speaker"] for _, o in read_jsonl(path) if o.get("quote_id") and o.get("speaker")}


@app.command()
def quotes(
    paths: list[Path] = PathsArg,
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output file (default: JSON lines to stdout)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="jsonl, csv or parquet (default: from the suffix)."),
    roster: Optional[Path] = typer.Option(None, "--roster", help="Speaker roster YAML (default: the packaged one)."),
    fixed: Optional[Path] = typer.Option(Path("annotations/fixed_attributions.jsonl"), "--fixed",
                                         help="Fixed attributions from reviewers (JSON lines quote_id, speaker)."),
    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, "--max-chars", help="Skip articles longer than this."),
) -> None:
    """Extract quotations and their speakers from articles."""
    from .io import write_records
    from .pipeline import extract
    from .records import BatchReport
    from .roster import load_roster

    report = BatchReport()
    try:
        rows = (q.to_dict() for q in extract(paths, roster=load_roster(roster), max_chars=max_chars,
                                             fixed=_load_fixed(fixed), report=report))
        write_records(rows, output, fmt)
    except StanceError as exc:
        _fail(exc)
    _finish(report)


@app.command()
def speakers(
    paths: list[Path] = PathsArg,
    roster: Optional[Path] = typer.Option(None, "--roster", help="Speaker roster YAML (default: the packaged one)."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """List the speakers quoted in articles, with counts; those outside the roster are marked."""
    from .pipeline import count_speakers, extract
    from .records import BatchReport
    from .roster import load_roster

    report = BatchReport()
    try:
        ros = load_roster(roster)
        counts = count_speakers(extract(paths, roster=ros, report=report), ros)
    except StanceError as exc:
        _fail(exc)
    for c in counts:
        if as_json:
            typer.echo(json.dumps(c.__dict__ | {"mentions": list(c.mentions)}, ensure_ascii=False))
        else:
            mark = " " if c.in_roster else "+"
            typer.echo(f"{mark} {c.quotes:5d} {c.articles:4d}  {c.speaker:32} {c.type or '':7} {'; '.join(c.mentions)[:60]}")
    if not as_json:
        typer.echo("(+ = not in the roster; columns: quotes, articles, speaker, type, mentions)", err=True)
    _finish(report)


def main() -> None:
    app(prog_name="stance")


if __name__ == "__main__":
    sys.exit(main())
