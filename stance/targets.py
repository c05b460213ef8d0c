"""Stage 4: which targets each quote's stance is scored toward.

tariffs always; every actor (roster person, country, body) or topic the quote or its paragraph
names; the article's other speakers (their stance toward each other); free-text extra targets.
Never the speaker, nor (by default, see targets.yaml) the speaker's own country.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .config import DEFAULT_TARGETS, read_yaml
from .errors import ConfigError
from .records import Quote
from .bodies import BodyNames
from .roster import PRONOUN_ALIASES, Roster, load_roster

TARGET_KINDS = ("topic", "actor", "person")
_ENTRY_KEYS = {"body_adjective", "name", "kind", "aliases", "demonyms", "exclude", "always", "case_sensitive"}
# A demonym names the state only before one of these ("the Chinese side", "Chinese officials"); alone
# it mostly describes goods and people ("Chinese steel"), so it is no alias by itself.
GOVERNMENT_NOUNS = ("side", "government", "governments", "official", "officials", "leader", "leaders", "leadership",
                    "authorities", "counterpart", "counterparts", "delegation", "negotiators", "negotiator",
                    "diplomats", "administration", "regime", "military", "ministry", "president", "premier",
                    "prime minister", "foreign ministry", "state media", "embassy", "government's")
# A capitalised word before a surname that still names the roster person ("President Trump").
HONORIFICS = frozenset(
    "Mr Mrs Ms Dr President Vice Secretary Premier Minister Prime Senator Sen Rep Representative Governor Gov "
    "Chairman Chair Ambassador Leader General Gen Justice Speaker Candidate Nominee Former Commissioner "
    "Spokesperson Spokeswoman Spokesman Director Counselor Envoy Negotiator".split()
)


@dataclass(frozen=True)
class Target:
    """A stance target: its canonical name, how the text names it, what to ignore."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    always: bool = False
    case_sensitive: bool = True
    country: str | None = None  # persons: their roster country
    demonyms: tuple[str, ...] = ()
    body_adjective: str | None = None  # how a body's canonical name starts ("US State Department"); default the first demonym


def _pattern(forms: Iterable[str], case_sensitive: bool) -> re.Pattern[str] | None:
    """One whole-word alternation, longest form first so "South Korea" wins over "Korea"."""
    forms = sorted({f for f in forms if f.strip()}, key=len, reverse=True)
    if not forms:
        return None
    alt = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<!\w)(?:{alt})(?!\w)", 0 if case_sensitive else re.IGNORECASE)


@lru_cache(maxsize=4096)
def _as_written(words: str) -> re.Pattern[str] | None:
    """A free-text target found as written, any case, spaces as any whitespace (compiled once per name:
    it is asked for every pair the model reads)."""
    if not words:
        return None
    return re.compile(r"(?<!\w)" + re.escape(words).replace(r"\ ", r"\s+") + r"(?!\w)", re.IGNORECASE)


def _preceded_by_first_name(text: str, start: int) -> bool:
    """ "Bill Clinton", "Ivanka Trump": a capitalised non-title word right before a surname."""
    m = re.search(r"([A-Z][\w'’]*)\.?\s+$", text[max(0, start - 40):start])
    return bool(m) and m.group(1) not in HONORIFICS


# A word after a person's name that makes the whole a different thing named after them.
NAMESAKE_AFTER = re.compile(
    r"['’]?s?\s+(Foundation|Institute|Center|Centre|Library|Tower|Towers|Organi[sz]ation|Jr\b|Sr\b|University|"
    r"School|Airport|Museum|Fund|Trust|Presidential Library|Hotel|Doctrine|Corp|Inc|Group)(?!\w)")


class TargetConfig:
    """The configured targets plus the roster's people, with mention matching."""

    def __init__(self, targets: list[Target], roster: Roster, *, exclude_speaker_country: bool = True) -> None:
        self.targets = targets
        self.roster = roster
        self.exclude_speaker_country = exclude_speaker_country
        self.by_name = {t.name: t for t in targets}
        self._alias = {a: t.name for t in targets for a in (t.name, *t.aliases)}
        self._alias_lower = {a.lower(): n for a, n in self._alias.items()}
        self._match = [(t, _pattern((t.name, *t.aliases), t.case_sensitive), _pattern(t.exclude, True)) for t in targets]
        self._match_by_name = {m[0].name: m for m in self._match}

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.targets]

    @property
    def always(self) -> list[str]:
        return [t.name for t in self.targets if t.always]

    def canonical(self, text: str) -> str | None:
        """The target a name or alias stands for ("Beijing" -> "China"), else None."""
        text = " ".join(text.split())
        return self._alias.get(text) or self._alias_lower.get(text.lower())

    def matches(self, name: str, text: str) -> bool:
        """Whether `text` names target `name` (an always-scored topic too), by the same rules as `mentioned`."""
        return name in self._match_by_name and self._names(*self._match_by_name[name], text)

    def spans(self, name: str, text: str) -> list[tuple[int, int]]:
        """Where `text` names target `name` (character spans, in order). A name the configuration
        does not hold (a benchmark's topic, a one-off target) is found as written, any case."""
        if name in self._match_by_name:
            return list(self._found(*self._match_by_name[name], text))
        pat = _as_written(" ".join(name.split()))
        return [m.span() for m in pat.finditer(text)] if pat else []

    @staticmethod
    def _found(target: Target, pat: re.Pattern[str] | None, excl: re.Pattern[str] | None,
               text: str) -> Iterator[tuple[int, int]]:
        """Matches of the target's forms outside its excluded phrases, and not a namesake's surname."""
        if pat is None:
            return
        blocked = [b.span() for b in excl.finditer(text)] if excl else []
        for m in pat.finditer(text):
            if any(b0 <= m.start() and m.end() <= b1 for b0, b1 in blocked):
                continue
            if target.kind == "person" and " " not in m.group() and _preceded_by_first_name(text, m.start()):
                continue
            if target.kind == "person" and NAMESAKE_AFTER.match(text, m.end()):
                continue  # "the Ronald Reagan Foundation", "Donald Trump Jr.", "Trump Tower"
            yield m.span()

    @classmethod
    def _names(cls, target: Target, pat: re.Pattern[str] | None, excl: re.Pattern[str] | None, text: str) -> bool:
        """Whether the target's forms occur (see `_found`)."""
        return next(cls._found(target, pat, excl, text), None) is not None

    def mentioned(self, text: str) -> list[str]:
        """The targets `text` names, in configuration order (always-scored topics left out)."""
        return [t.name for t, pat, excl in self._match if not t.always and self._names(t, pat, excl, text)]

    def body_names(self) -> BodyNames:
        """Canonical body names by country (stance.bodies): every form of a country with demonyms
        stands for its body adjective ("Beijing's commerce ministry" -> "Chinese Commerce Ministry")."""
        countries = {(t.body_adjective or t.demonyms[0]): (t.name, *t.aliases, *t.demonyms)
                     for t in self.targets if t.demonyms}
        return BodyNames(countries)

    def actor_for(self, speaker: str) -> str | None:
        """The target a speaker stands for: a person is themself, a body its country (if a target)."""
        if speaker in self.by_name:
            return speaker
        entry = self.roster.get(speaker)
        if entry is not None and entry.type != "person":
            country = self.canonical(entry.country or "")
            return country or self.canonical(entry.name) or entry.name
        return self.canonical(speaker) or speaker

    def own_targets(self, speaker: str | None, members: Iterable[str] = (), country: str | None = None) -> set[str]:
        """What a speaker is never scored toward: themself, their members, their country (`country`:
        the one the article gives a speaker outside the roster, `stance.routes.speaker_country`)."""
        own: set[str] = {country} if country and self.exclude_speaker_country else set()
        for name in (speaker, *members):
            if not name:
                continue
            own.add(name)
            own.add(self.actor_for(name) or name)
            entry = self.roster.get(name)
            if self.exclude_speaker_country and entry is not None and entry.country:
                own.add(self.canonical(entry.country) or entry.country)
            elif self.exclude_speaker_country and entry is None:
                own.update(self.named_country(name))
        return own

    def named_country(self, speaker: str) -> set[str]:
        """The country a speaker outside the roster names itself by: "Indian Ministry of External
        Affairs", "China's Ministry of Commerce", "the Japanese government" (a body speaks for it)."""
        found = {n for n in self.mentioned(speaker) if self.by_name[n].kind == "actor"}
        first = speaker.replace("The ", "", 1).split()[:1]
        found.update(t.name for t in self.targets if first and first[0] in t.demonyms)
        return found


def _field(quote: Quote | Mapping[str, Any], key: str) -> Any:
    return getattr(quote, key, None) if isinstance(quote, Quote) else quote.get(key)


def _is_proper_name(name: str) -> bool:
    """A named speaker ("Kevin Hassett"), not a description ("a spokesperson", "officials")."""
    return bool(name) and name[0].isupper() and name.split()[0] not in ("The", "A", "An")


def targets_for(
    quote: Quote | Mapping[str, Any],
    *,
    config: TargetConfig | None = None,
    article_speakers: Iterable[str] = (),
    extra_targets: Iterable[str] = (),
    speaker_country: str | None = None,
) -> list[str]:
    """The targets to score a quote toward, without duplicates, in a stable order (`speaker_country`:
    what the article says the speaker's country is, when the roster does not know)."""
    config = config or load_targets()
    speaker = _field(quote, "speaker")
    own = config.own_targets(speaker, _field(quote, "speakers") or (), speaker_country)
    text = f"{_field(quote, 'text') or ''}\n{_field(quote, 'context') or ''}"
    others = [config.actor_for(s) for s in article_speakers if s and (s in config.roster or _is_proper_name(s))]
    extras = [config.canonical(t) or " ".join(t.split()) for t in extra_targets if t and t.strip()]
    out: list[str] = []
    for name in (*config.always, *config.mentioned(text), *others, *extras):
        if name and name not in own and name not in out:
            out.append(name)
    return out


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float, roster_path: str | None) -> TargetConfig:
    return _parse(Path(path), load_roster(roster_path))


def load_targets(path: str | Path | None = None, *, roster: str | Path | None = None) -> TargetConfig:
    """Load and validate a targets YAML file (the packaged one by default) plus the roster's people."""
    p = Path(path) if path is not None else DEFAULT_TARGETS
    if not p.exists():
        raise ConfigError("targets file not found", path=str(p))
    return _load_cached(str(p), p.stat().st_mtime, None if roster is None else str(roster))


def _parse_entry(i: int, entry: Any, p: Path) -> Target:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise ConfigError(f"targets[{i}] needs a non-empty 'name'", path=str(p))
    name = entry["name"].strip()
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise ConfigError(f"targets[{i}] ({name}): unknown key(s) {sorted(unknown)}; allowed: {sorted(_ENTRY_KEYS)}", path=str(p))
    kind = entry.get("kind", "actor")
    if kind not in ("topic", "actor"):
        raise ConfigError(f"targets[{i}] ({name}): kind must be 'topic' or 'actor' (people come from the roster), not {kind!r}", path=str(p))
    for key in ("aliases", "demonyms", "exclude"):
        value = entry.get(key) or []
        if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
            raise ConfigError(f"targets[{i}] ({name}): '{key}' must be a list of non-empty strings", path=str(p))
    for key in ("always", "case_sensitive"):
        if not isinstance(entry.get(key, True), bool):
            raise ConfigError(f"targets[{i}] ({name}): '{key}' must be true or false", path=str(p))
    aliases = list(entry.get("aliases") or ())
    for demonym in entry.get("demonyms") or ():
        aliases += [f"{demonym} {noun}" for noun in GOVERNMENT_NOUNS]
    return Target(name=name, kind=kind, aliases=tuple(dict.fromkeys(aliases)), exclude=tuple(entry.get("exclude") or ()),
                  demonyms=tuple(entry.get("demonyms") or ()), body_adjective=entry.get("body_adjective"),
                  always=entry.get("always", False), case_sensitive=entry.get("case_sensitive", True))


def _people(roster: Roster) -> list[Target]:
    """Roster people as targets: name and aliases, minus pronoun-like aliases ("He"). A spokesperson
    (`speaks_for`) is not one: what is said of them is said of their body."""
    return [Target(name=s.name, kind="person", country=s.country,
                   aliases=tuple(a for a in s.aliases if a.lower() not in PRONOUN_ALIASES))
            for s in roster.speakers if s.type == "person" and not s.speaks_for]


def _parse(p: Path, roster: Roster) -> TargetConfig:
    data = read_yaml(p, what="targets")
    if not isinstance(data, dict) or not isinstance(data.get("targets"), list):
        raise ConfigError("expected a top-level 'targets:' list", path=str(p))
    exclude_country = data.get("exclude_speaker_country", True)
    if not isinstance(exclude_country, bool):
        raise ConfigError("'exclude_speaker_country' must be true or false", path=str(p))
    targets = [_parse_entry(i, e, p) for i, e in enumerate(data["targets"])]
    people = _people(roster)
    names = [t.name for t in targets]
    for i, t in enumerate(targets):
        if t.name in roster and roster.get(t.name).type == "person":
            raise ConfigError(f"targets[{i}] ({t.name}) is a person of the roster ({roster.source}): people are "
                              "targets already; keep them in the roster only", path=str(p))
        if t.name in names[:i]:
            raise ConfigError(f"targets[{i}] duplicates the name {t.name!r}", path=str(p))
    owner: dict[str, str] = {}
    for i, t in enumerate(targets + people):
        where = f"targets[{i}]" if i < len(targets) else f"roster person {t.name!r} ({roster.source})"
        for form in (t.name, *t.aliases):
            key = form if t.case_sensitive else form.lower()
            if key in owner and owner[key] != t.name:
                raise ConfigError(f"{where} ({t.name}): {form!r} already names {owner[key]!r}; "
                                  "a name or alias must belong to one target (people belong in the roster only)", path=str(p))
            owner[key] = t.name
    return TargetConfig(targets + people, roster, exclude_speaker_country=exclude_country)
