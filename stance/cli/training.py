"""`stance train`: train the model, or retrain it on reviewers' corrections and promote it if better."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import StanceError
from .common import app, fail


@app.command()
def train(
    config: Optional[Path] = typer.Option(None, "--config", help="Training config (commented YAML; default: "
                                          "training/config.yaml here, else the copy shipped with the package)."),
    set_: list[str] = typer.Option([], "--set", help="Override one value: --set train.epochs=1 (repeatable)."),
    annotations: list[Path] = typer.Option([], "--annotations",
                                           help="Corrected annotations (file or folder): retrain the current model."),
    base: Optional[Path] = typer.Option(None, "--base", help="Model to start from (default: the current one)."),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", help="Where runs go (default: from the config)."),
) -> None:
    """Train, or retrain on corrections (promoted if not worse)."""
    from ..training import parse_sets, train as run_training

    try:
        result = run_training(config, overrides=parse_sets(set_), annotations=annotations or None,
                              output_dir=output_dir, base=base, log=lambda m: typer.echo(m, err=True))
    except StanceError as exc:
        fail(exc)
    typer.echo(f"model_version {result.model_version}\nrun {result.run_dir}")
    if result.decision is not None:
        typer.echo("promoted" if result.promoted else "not promoted (kept the current model)")
