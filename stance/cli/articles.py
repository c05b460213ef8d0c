"""`stance quotes` and `stance speakers`: articles in, quotes and their speakers out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..articles import DEFAULT_MAX_CHARS
from ..errors import StanceError
from .common import FIXED, FORMAT, Format, PATHS, ROSTER, app, fail, finish, load_fixed


@app.command()
def quotes(
    paths: list[Path] = PATHS,
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output file (default: JSON lines to stdout)."),
    fmt: Format = FORMAT,
    roster: Optional[Path] = ROSTER,
    fixed: Optional[Path] = FIXED,
    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, "--max-chars", help="Skip articles longer than this."),
) -> None:
    """Extract quotations and their speakers from articles."""
    from ..articles import check_inputs
    from ..io import write_records
    from ..pipeline import extract
    from ..records import BatchReport
    from ..roster import load_roster

    report = BatchReport()
    try:
        check_inputs(paths)
        rows = (q.to_dict() for q in extract(paths, roster=load_roster(roster), max_chars=max_chars,
                                             fixed=load_fixed(fixed), report=report))
        write_records(rows, output, fmt)
    except StanceError as exc:
        fail(exc)
    finish(report)


@app.command()
def speakers(
    paths: list[Path] = PATHS,
    roster: Optional[Path] = ROSTER,
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """List who is quoted, with counts (+ = not in the roster)."""
    from ..pipeline import count_speakers, extract
    from ..records import BatchReport
    from ..roster import load_roster

    from ..articles import check_inputs

    report = BatchReport()
    try:
        check_inputs(paths)
        ros = load_roster(roster)
        counts = count_speakers(extract(paths, roster=ros, report=report), ros)
    except StanceError as exc:
        fail(exc)
    for c in counts:
        if as_json:
            typer.echo(json.dumps(c.__dict__ | {"mentions": list(c.mentions)}, ensure_ascii=False))
        else:
            mark = " " if c.in_roster else "+"
            typer.echo(f"{mark} {c.quotes:5d} {c.articles:4d}  {c.speaker:32} {c.type or '':7} "
                       f"{'; '.join(c.mentions)[:60]}")
    if not as_json:
        typer.echo("(+ = not in the roster; columns: quotes, articles, speaker, type, mentions)", err=True)
    finish(report)
