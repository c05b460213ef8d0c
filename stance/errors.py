"""One place for the errors the pipeline raises: each names what was wrong and where."""

from __future__ import annotations


class StanceError(Exception):
    """Base error: a message that names the file (and line or field) and what to do."""

    code = "E000"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"[{self.code}] {where}{message}")
        self.message = message


class ArticleError(StanceError):
    """An article could not be read: empty, binary, not UTF-8, too large, malformed JSON line."""

    code = "E101"


class ConfigError(StanceError):
    """A roster, targets or training config file is missing a field or has a bad value."""

    code = "E201"


class InputError(StanceError):
    """A row given to `classify` or a scores file is malformed."""

    code = "E301"


class ModelError(StanceError):
    """A model checkpoint is missing or does not match the code."""

    code = "E401"


class LabelStudioError(StanceError):
    """The Label Studio server is unreachable, refused the token, or sent an unexpected export."""

    code = "E501"
