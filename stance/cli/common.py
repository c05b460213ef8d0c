"""The Typer app, shared options and the exit codes every command uses."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, NoReturn, Optional

import typer
from typer import core as _typer_core

from ..errors import StanceError
from ..records import BatchReport

EXIT_ERROR = 1  # nothing useful was done: the message says why
EXIT_SKIPPED = 3  # the batch completed, but some inputs were reported and skipped

_TYPE_NAMES = {"path": "PATH", "Path": "PATH", "str": "TEXT", "int": "N", "float": "NUMBER"}


def _plain_type(original):  # noqa: ANN001, ANN202
    """Help shows click's plain placeholders (PATH, TEXT, N, [a|b]) instead of Typer's `<list[str]>`."""
    def display_type(self, ctx):  # noqa: ANN001, ANN202
        if self.metavar:
            return self.metavar
        label = original(self, ctx).strip("<>")
        label = label[5:-1] if label.startswith("list[") else label
        return f"[{label}]" if "|" in label else _TYPE_NAMES.get(label, label.upper())
    return display_type


def _usage_name(self) -> str:  # noqa: ANN001
    """Click's usage convention: `PATH...` for a required argument, `[PATH]...` for an optional one."""
    name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
    return name + ("..." if self.nargs != 1 else "")


if hasattr(_typer_core.TyperOption, "display_type"):  # Typer >= 0.20 writes its own type placeholders
    _typer_core.TyperOption.display_type = _plain_type(_typer_core.TyperOption.display_type)
    _typer_core.TyperArgument.display_type = lambda self, ctx: ""  # the argument's name says it  # noqa: E731
if hasattr(_typer_core.TyperArgument, "_usage_display_name"):
    _typer_core.TyperArgument._usage_display_name = _usage_name

app = typer.Typer(help="Who said what in news articles, and how they feel about it.", no_args_is_help=True,
                  rich_markup_mode=None,
                  add_completion=False, pretty_exceptions_enable=False)

PATHS = typer.Argument(..., metavar="PATH", help="Article files or folders (.txt, .md, .html, .jsonl).")
ROSTER = typer.Option(None, "--roster", help="Speaker roster YAML (default: the packaged one).")
FIXED = typer.Option(Path("annotations/fixed_attributions.jsonl"), "--fixed",
                     help="Reviewers' fixed attributions (JSON lines: quote_id, speaker); used when present.")
Format = Optional[Literal["jsonl", "csv", "parquet"]]
FORMAT = typer.Option(None, "--format",
                      help="Output format (default: from the file suffix, else jsonl).")


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
    fixed = {o["quote_id"]: o["speaker"] for _, o in read_jsonl(path) if o.get("quote_id") and o.get("speaker")}
    typer.echo(f"using {len(fixed)} fixed attribution(s) from {path} (--fixed OTHER_FILE to change)", err=True)
    return fixed


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
