"""One place for label sets, resource paths and defaults shared by the stages."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parent / "resources"
DEFAULT_ROSTER = RESOURCES / "speakers.yaml"
DEFAULT_TARGETS = RESOURCES / "targets.yaml"

# Label sets: the order is the order of the model's output units.
STANCE_LABELS: tuple[str, ...] = ("favor", "against", "none")
SENTIMENT_LABELS: tuple[str, ...] = ("positive", "negative", "neutral")

# Label Studio connection, read from the environment as the SDK's own examples do.
LS_URL_ENV = "LABEL_STUDIO_URL"
LS_KEY_ENV = "LABEL_STUDIO_API_KEY"


def read_yaml(path: Path, *, what: str) -> Any:
    """Parse a YAML config file; a missing or malformed file is a ConfigError naming it."""
    import yaml

    from .errors import ConfigError

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: the roster parses ~10x faster
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    except FileNotFoundError:
        raise ConfigError(f"{what} file not found", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{what} is not valid YAML ({exc})", path=str(path)) from None

# Marks around a target's mention in a model input (NewsMTSC sentiment, marked stance targets);
# both are single wordpieces of the MiniLM vocabulary.
MARK_OPEN, MARK_CLOSE = "«", "»"


def env_default(name: str) -> str | None:
    """The value of an environment variable, or None when unset or empty."""
    return os.environ.get(name) or None
