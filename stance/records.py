"""Records that cross stage boundaries: small frozen dataclasses with content-derived ids."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


def stable_id(*parts: object, length: int = 16) -> str:
    """A short hex id derived from content, so re-runs and re-imports join on the same key."""
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of an article: offsets into the original text, cleaned text of equal length."""

    index: int
    start: int
    end: int
    text: str  # cleaned: page furniture masked with spaces, so offsets still line up


@dataclass(frozen=True)
class Article:
    """An article as read from disk: original text plus a cleaned copy of the same length."""

    id: str
    source: str  # the file it came from (and line, for JSON lines)
    text: str  # original text, what offsets point into
    clean: str  # same length as text, furniture blanked out
    title: str | None = None
    date: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if len(self.text) != len(self.clean):
            raise ValueError("clean text must keep the length of the original")


@dataclass(frozen=True)
class Quote:
    """One quotation with its speaker. `text` == article text[start:end] (inside the marks)."""

    id: str
    article: str
    text: str
    start: int
    end: int
    paragraph: int
    kind: str  # one of quotes.QUOTE_KINDS
    speaker: str | None = None
    speaker_mention: str | None = None
    speaker_phrase: str | None = None  # the whole phrase naming the speaker, appositions included
    speakers: tuple[str, ...] = ()  # the individual members when the speaker is a group
    speaker_type: str | None = None  # person, group, body, or None
    speaks_for: str | None = None  # the body a spokesperson speaks for (stance.bodies)
    cue: str | None = None
    continues: str | None = None  # id of the quote this one continues
    duplicate_of: str | None = None  # id of the first copy of this quote (syndication)
    context: str = ""  # the paragraph around the quote, for review and the model
    title: str | None = None
    source: str | None = None
    date: str | None = None  # the article's date (YYYY-MM-DD) when it gives one
    url: str | None = None  # the article's address when it gives one (JSON lines `url`, HTML canonical link)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["speakers"] = list(self.speakers)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Quote":
        names = {f for f in cls.__dataclass_fields__}
        kw = {k: v for k, v in d.items() if k in names}
        kw["speakers"] = tuple(kw.get("speakers") or ())
        return cls(**kw)


def quote_id(article_id: str, start: int, end: int) -> str:
    """The id of a quote: stable across runs for the same article and span."""
    return stable_id(article_id, start, end)


@dataclass
class BatchReport:
    """What happened to each input of a batch: nothing is lost silently."""

    read: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, message)
    quotes: int = 0

    @property
    def ok(self) -> bool:
        return not self.skipped
