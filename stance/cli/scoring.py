"""`stance score`, `stance classify` and `stance report`: the model's stance and sentiment."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

import typer

from ..errors import StanceError
from .common import FORMAT, PATHS, Format, ROSTER, app, fail, finish
from .common import EXIT_SKIPPED, FIXED, load_fixed

MODEL = typer.Option(None, "--model", help="Model folder (default: the promoted model, else the shipped one).")
TARGETS = typer.Option(None, "--targets-file", help="Targets YAML: the actors and topics scored (default: the packaged one).")
BATCH = typer.Option(64, "--batch-size", help="Pairs per forward pass.")
Precision = Literal["auto", "fp32", "bf16", "int8", "int8-checked"]
Engine = Literal["local", "ray"]
PRECISION = typer.Option("auto", "--precision",
                         help="auto (default: int8-checked where the CPU has int8 dot products (VNNI/AMX), "
                              "else bf16 where it has native bfloat16, else fp32), fp32 (the reference), bf16, "
                              "int8, or int8-checked (int8, its close calls scored again in bf16/fp32); see the "
                              "README's speed table.")


def load_for_cli(model: Optional[Path], precision: str):  # noqa: ANN201
    """The model at the asked precision; `auto` is resolved and said once on stderr."""
    from ..model import AUTO, load_model, read_settings
    from ..precision import best_precision

    if precision == AUTO:
        precision, why = best_precision(read_settings(model))
        typer.echo(f"precision: {precision} ({why}; --precision fp32 for the reference)", err=True)
    return load_model(model, precision=precision)


@app.command()
def score(
    paths: list[Path] = PATHS,
    output: Optional[Path] = typer.Option(None, "-o", "--output",
                                          help="Scores file (.jsonl, .csv or .parquet; default: JSON lines to stdout)."),
    fmt: Format = FORMAT,
    target: list[str] = typer.Option([], "--extra-target", help="One more target, free text (repeatable): --extra-target \"free trade\"."),
    model: Optional[Path] = MODEL,
    targets: Optional[Path] = TARGETS,
    roster: Optional[Path] = ROSTER,
    fixed: Optional[Path] = FIXED,
    batch_size: int = BATCH,
    precision: Precision = PRECISION,
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bar (default: on a TTY)."),
    gated: bool = typer.Option(True, "--gated/--ungated",
                               help="Give a direction only past the route's relevance threshold (default), or "
                                    "label every target by its most probable class."),
    article_targets: bool = typer.Option(True, "--article-targets/--no-article-targets",
                                         help="Also score the article's other speakers that a quote does not reach "
                                              "(via 'article'; their probabilities are written, and a direction only "
                                              "past the model's threshold for that route: see its model card)."),
    engine: Engine = typer.Option("local", "--engine",
                                  help="local (default: this process) or ray (Ray Data workers; -o DIR writes "
                                       "partitioned output; needs pip install -e \".[ray]\")."),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster to join (default: start a local one)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1,
                                          help="Ray workers, one CPU each (default: the cluster's CPUs)."),
) -> None:
    """Extract quotes and score their stance and sentiment."""
    from ..scoring import score_paths
    from ..targets import load_targets

    if engine == "ray":
        score_on_ray(paths, output, fmt, target, model, targets, roster, fixed, batch_size, precision, gated,
                     article_targets, address, workers)
        return
    if address or workers:
        typer.echo("error: --address and --workers are for --engine ray", err=True)
        raise typer.Exit(2)
    try:
        report = score_paths(paths, output, fmt=fmt, model=load_for_cli(model, precision),
                             targets_config=load_targets(targets, roster=roster), extra_targets=target,
                             batch_size=batch_size, progress=progress, roster=roster, fixed=load_fixed(fixed),
                             gated=gated, article_targets=article_targets)
    except StanceError as exc:
        fail(exc)
    finish(report)


def score_on_ray(paths: list[Path], output: Optional[Path], fmt: Optional[str], target: list[str],
                 model: Optional[Path], targets: Optional[Path], roster: Optional[Path], fixed: Optional[Path],
                 batch_size: int, precision: str, gated: bool, article_targets: bool, address: Optional[str],
                 workers: Optional[int]) -> None:
    """`stance score --engine ray`: stance.distributed.score_ray, reported as the local engine does."""
    from ..distributed import score_ray
    from ..model import AUTO, read_settings
    from ..precision import best_precision

    try:
        if precision == AUTO:  # chosen once, here, so every worker computes alike
            precision, why = best_precision(read_settings(model))
            typer.echo(f"precision: {precision} ({why}; --precision fp32 for the reference)", err=True)
        run = score_ray(paths, output, fmt=fmt, address=address, workers=workers, model=str(model) if model else None,
                        precision=precision, roster=str(roster) if roster else None,
                        targets=str(targets) if targets else None, extra_targets=target, fixed=load_fixed(fixed),
                        gated=gated, article_targets=article_targets, batch_size=batch_size)
    except StanceError as exc:
        fail(exc)
    where = f"{len(run.parts)} part(s) in {output}" if output is not None and not output.suffix else str(output or "stdout")
    typer.echo(f"ray: {run.workers} worker(s), {run.chunks} chunk(s), {run.seconds_total:.1f} s "
               f"({run.seconds_start:.1f} s starting Ray) -> {where}", err=True)
    finish(run.report)


@app.command()
def classify(
    input: Path = typer.Argument(..., metavar="FILE", help="JSON lines of {text, target, speaker?, context?}."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output file (default: stdout)."),
    fmt: Format = FORMAT,
    model: Optional[Path] = MODEL,
    targets: Optional[Path] = TARGETS,
    roster: Optional[Path] = ROSTER,
    batch_size: int = BATCH,
    precision: Precision = PRECISION,
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bar (default: on a TTY)."),
    sentiment: bool = typer.Option(True, "--sentiment/--no-sentiment",
                                   help="Score each quote's sentiment too (default); --no-sentiment skips that pass "
                                        "(about a sixth of the work at five targets a quote) and the field."),
) -> None:
    """Score {text, target} rows: stance and sentiment."""
    from ..classify import classify_file
    from ..targets import load_targets

    try:
        counts = classify_file(input, output, model=load_for_cli(model, precision), fmt=fmt,
                               batch_size=batch_size, sentiment=sentiment,
                               targets_config=load_targets(targets, roster=roster), progress=progress)
    except StanceError as exc:
        fail(exc)
    typer.echo(counts.summary(), err=True)
    if not counts.ok:
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
def report(
    scores: Path = typer.Argument(..., metavar="SCORES", help="A scores file written by `stance score`, or the "
                                                              "folder of parts of `stance score --engine ray -o DIR`."),
    output: Optional[Path] = typer.Option(None, "-o", "--output",
                                          help="Folder for matrix.csv, heatmap.png, quotes.html, edges.csv, "
                                               "network.graphml (default: <SCORES name>_report beside it)."),
) -> None:
    """Speaker x target stance matrix: CSV, heatmap, HTML."""
    from ..report import build_report

    try:
        info = build_report(scores, output if output is not None else scores.with_name(f"{scores.stem}_report"))
    except StanceError as exc:
        fail(exc)
    for key in ("csv", "png", "html", "edges", "graphml"):
        typer.echo(info[key])
