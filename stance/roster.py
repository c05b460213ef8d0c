"""The speaker roster: canonical names, aliases and titles, and matching a mention to an entry."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .config import DEFAULT_ROSTER, read_yaml
from .errors import ConfigError

SPEAKER_TYPES = ("person", "body", "group")


@dataclass(frozen=True)
class Speaker:
    """A roster entry."""

    name: str
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    role: str | None = None
    country: str | None = None
    type: str = "person"
    speaks_for: str | None = None  # a spokesperson's body ("Chinese Foreign Ministry"): see stance.bodies
    gender: str | None = None  # "female" / "male" for a person: "she" never resolves to a "male" (mentions.Salience)


def _norm(s: str) -> str:
    """Fold case-insensitive comparisons: U.S. -> US, curly apostrophes, spaces."""
    s = s.replace("’", "'").replace("U.S.", "US").replace("U. S.", "US").replace("U.K.", "UK")
    return " ".join(s.split())


def fold(s: str) -> str:
    """A name without accents, with hyphens between its parts as spaces: "Maroš Šefčovič" ->
    "Maros Sefcovic", "Lee Jae-Myung" -> "Lee Jae Myung" (outlets spell one name these ways)."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"(?<=\w)-(?=\w)", " ", s)


def name_key(name: str) -> str:
    """A speaker's name compared without accents, case, spaces or punctuation: "J.B. Pritzker" and
    "JB Pritzker", "Lopez Obrador" and "López Obrador" are one speaker."""
    return re.sub(r"[^a-z0-9]", "", fold(name).lower()) or name


def preferred_spelling(uses: dict[str, int]) -> str:
    """Of the spellings of one name, the one used most; on a tie, the one with accents, then the longer."""
    return min(uses, key=lambda n: (-uses[n], -sum(ord(ch) > 127 for ch in n), -len(n), n))


FAMILY_FIRST = frozenset({"China", "Taiwan", "Hong Kong", "South Korea", "North Korea"})  # "Mao Ning" is Ms Mao


class Roster:
    """Looks mentions up by name, alias (case-sensitive, whole words) or title (case-insensitive)."""

    def __init__(self, speakers: list[Speaker], source: str = "<roster>") -> None:
        self.speakers = speakers
        self.source = source
        self.by_name = {s.name: s for s in speakers}
        self._names: list[tuple[str, Speaker]] = []  # case-sensitive forms, longest first
        self._titles: list[tuple[str, Speaker]] = []  # lower-cased titles, longest first
        for s in speakers:
            for form in (s.name, *s.aliases):
                self._names.append((_norm(form), s))
            for t in s.titles:
                self._titles.append((_norm(t).lower(), s))
        self._names.sort(key=lambda x: -len(x[0]))
        self._folded = [re.compile(rf"(?<![\w-]){re.escape(fold(f))}(?![\w-])", re.IGNORECASE if " " in fold(f) else 0)
                        for f, _ in self._names]  # the same forms without accents or hyphens; full names in any case
        self._titles.sort(key=lambda x: -len(x[0]))

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def get(self, name: str) -> Speaker | None:
        return self.by_name.get(name)

    def match(self, mention: str, *, allow_pronoun_alias: bool = True) -> Speaker | None:
        """The entry a mention names: the longest name or alias inside it, else a title.

        `allow_pronoun_alias=False` refuses aliases that are also pronouns ("He"), for a
        mention standing where a pronoun would.
        """
        text = _norm(mention)
        folded = fold(text)
        for form, sp in self._names:
            if not allow_pronoun_alias and form.lower() in PRONOUN_ALIASES:
                continue
            if re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text):
                return sp
        for (form, sp), pattern in zip(self._names, self._folded):  # "Maros Sefcovic", "Lee Jae Myung"
            if form.lower() not in PRONOUN_ALIASES and pattern.search(folded):
                return sp
        return self.by_title(text)

    def by_family_name(self, word: str) -> Speaker | None:
        """The one person whose family name, written first ("Hua" of Hua Chunying, "Mao" of Mao Ning),
        a one-word mention is: countries that write the family name first only, and only when no
        other entry has that word in its name or aliases ("Wang" is none of several)."""
        hits = {s.name for s in self.speakers if s.type == "person" and s.country in FAMILY_FIRST
                and len(s.name.split()) in (2, 3) and s.name.split()[0] == word}
        if len(hits) != 1:
            return None
        name = hits.pop()
        if any(sp.name != name and word in form.split() for form, sp in self._names):
            return None
        return self.by_name[name]

    def by_title(self, mention: str) -> Speaker | None:
        """The entry whose job title the mention is ("the US secretary of state", "Treasury
        Secretary"), case-insensitive; never a past holder ("former Secretary of State")."""
        low = re.sub(r"^(the|a|an)\s+", "", _norm(mention).lower())
        if PAST_HOLDER.match(low):
            return None
        for title, sp in self._titles:
            if low == title or low.endswith(" " + title) and len(low.split()) <= len(title.split()) + 1:
                return sp
        return None

    def names(self) -> list[str]:
        return [s.name for s in self.speakers]


PAST_HOLDER = re.compile(r"(former|ex-|then-|late|previous|past)\b")

GENDERS = ("female", "male")
PRONOUN_ALIASES = {"he", "she", "it", "we", "they", "i", "you"}


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Roster:
    return _parse(Path(path))


def load_roster(path: str | Path | None = None) -> Roster:
    """Load and validate a roster YAML file (the packaged one by default)."""
    p = Path(path) if path is not None else DEFAULT_ROSTER
    if not p.exists():
        raise ConfigError("roster file not found; pass --roster FILE", path=str(p))
    return _load_cached(str(p), p.stat().st_mtime)


def _parse(p: Path) -> Roster:
    data = read_yaml(p, what="roster")
    if not isinstance(data, dict) or not isinstance(data.get("speakers"), list):
        raise ConfigError("expected a top-level 'speakers:' list", path=str(p))
    speakers = []
    seen: set[str] = set()
    for i, entry in enumerate(data["speakers"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise ConfigError(f"speakers[{i}] has no `name`", path=str(p))
        name = entry["name"].strip()
        if name in seen:
            raise ConfigError(f"speakers[{i}] duplicates the name {name!r}", path=str(p))
        seen.add(name)
        kind = entry.get("type", "person")
        if kind not in SPEAKER_TYPES:
            raise ConfigError(f"speakers[{i}] ({name}): type must be one of {SPEAKER_TYPES}, not {kind!r}", path=str(p))
        if entry.get("speaks_for") is not None and not isinstance(entry["speaks_for"], str):
            raise ConfigError(f"speakers[{i}] ({name}): 'speaks_for' must be a body's name", path=str(p))
        if entry.get("gender") not in (None, *GENDERS):
            raise ConfigError(f"speakers[{i}] ({name}): gender must be one of {GENDERS}", path=str(p))
        for key in ("aliases", "titles"):
            if not isinstance(entry.get(key) or [], list):
                raise ConfigError(f"speakers[{i}] ({name}): '{key}' must be a list", path=str(p))
        speakers.append(Speaker(
            name=name,
            aliases=tuple(str(a) for a in entry.get("aliases") or ()),
            titles=tuple(str(t) for t in entry.get("titles") or ()),
            role=entry.get("role"), country=entry.get("country"), type=kind, speaks_for=entry.get("speaks_for"),
            gender=entry.get("gender"),
        ))
    return Roster(speakers, source=str(p))
