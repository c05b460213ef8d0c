"""The `stance` command line. One small module per group of commands; each only parses options
and calls a core function that is importable from Python."""

from __future__ import annotations

from . import articles as _articles  # noqa: F401  (registers quotes, speakers)
from . import labelstudio as _labelstudio  # noqa: F401  (registers ls ...)
from . import scoring as _scoring  # noqa: F401  (registers score, classify, report)
from . import training as _training  # noqa: F401  (registers train)
from .common import EXIT_SKIPPED, app

__all__ = ["app", "EXIT_SKIPPED", "main"]


def main() -> None:
    app(prog_name="stance")
