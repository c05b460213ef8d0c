"""The Typer app, shared options and the exit codes every command uses."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn, Optional

import typer

from ..errors import StanceError
from ..records import BatchReport

EXIT_ERROR = 1  # nothing useful was done: the message says why
EXIT_SKIPPED = 3  # the batch completed, but some inputs were reported and skipped

app = typer.Typer(help="Who said what in news articles, and how they feel about it.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)

PATHS = typer.Argument(..., help="Article files or folders (.txt, .md, .html, .jsonl).")
ROSTER = typer.Option(None, "--roster", help="Speaker roster YAML (default: the packaged one).")
FIXED = typer.Option(Path("annotations/fixed_attributions.jsonl"), "--fixed",
                     help="Reviewers' fixed attributions (JSON lines: quote_id, speaker); used when present.")
FORMAT = typer.Option(None, "--format", help="jsonl, csv or parquet (default: from the file suffix, else jsonl).")


def fail(exc: StanceError) -> NoReturn:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(EXIT_ERROR)


def finish(report: BatchReport) -> None:
    """Summarise a batch on stderr; exit 3 when anything was skipped."""
    skipped = len(report.skipped)
    typer.echo(f"{report.read} article(s) read, {report.quotes} quote(s), {skipped} skipped", err=True)
    if skipped:
        raise typer.Exit(EXIT_SKIPPED)


def load_fixed(path: Optional[Path]) -> dict[str, str] | None:
    """Fixed attributions by quote id, or None when the file is absent."""
    from ..io import read_jsonl

    if path is None or not path.exists():
        return None
    return {o["quote_id"]: o["speaker"] for _, o in read_jsonl(path) if o.get("quote_id") and o.get("speaker")}


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__
        from ..model import default_model_path

        typer.echo(f"stance {__version__} (model: {default_model_path()})")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                          help="Print the version and the model in use, then exit.")) -> None:
    """Who said what in news articles, and how they feel about it."""
