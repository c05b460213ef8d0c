"""Bodies and the people who speak for them (part of the speakers stage).

A spokesperson's words are the body's: "Foreign Ministry spokesperson Mao Ning said" is quoted
with `speaker` Mao Ning and `speaks_for` Chinese Foreign Ministry (the roster's `speaks_for`, or
what the article says of the person). Bodies get one canonical name however the text writes
them, the country first as an adjective: "China's Ministry of Commerce", "Beijing's commerce
ministry" and "the Chinese commerce ministry" are all "Chinese Commerce Ministry"; "the Foreign
Ministry in Taipei" is "Taiwanese Foreign Ministry". The country words (names, aliases, demonyms)
come from the targets file (`TargetConfig.body_names`).
"""

from __future__ import annotations

import re
from collections import Counter

# A spokesperson title and the body it names: "Foreign Ministry spokesperson", "a spokesman for
# the Ministry of Commerce", "the ministry's spokeswoman", "MEA Spox".
SPOKES = r"(?:spokes(?:person|man|woman|people)|spox|press officer|press office)"
_BODY_BEFORE = re.compile(rf"^(?P<body>.*?)(?:'s)?\s*\b{SPOKES}\b", re.IGNORECASE)
_BODY_AFTER = re.compile(rf"\b{SPOKES}\s+(?:for|of|at)\s+(?P<body>.+)$", re.IGNORECASE)
_LEAD = re.compile(r"^(?:(?:the|a|an|its|his|her|their|former|deputy|chief|senior|top|official|unnamed)\s+)+",
                   re.IGNORECASE)
# "Ministry of Foreign Affairs" is written "Foreign Ministry"; other "Ministry of X" keep their form.
_MINISTRY_OF = {"foreign affairs": "Foreign", "commerce": "Commerce", "defense": "Defense", "defence": "Defense",
                "national defense": "Defense", "national defence": "Defense", "finance": "Finance", "trade": "Trade"}
_KIND_WORDS = {"defence": "Defense"}
BODY_WORDS = frozenset("ministry ministry's department embassy commission office agency council coast guard house "
                       "foreign commerce trade defense defence finance economy industry affairs external of the for "
                       "and national state".split())
_ACRONYMS = {"mfa": "Foreign Ministry", "mofa": "Foreign Ministry", "mofcom": "Commerce Ministry",
             "moc": "Commerce Ministry", "mod": "Defense Ministry", "mnd": "Defense Ministry"}


def is_spokes_title(text: str) -> bool:
    """Whether a title is a spokesperson's ("Foreign Ministry spokesperson", "Spox")."""
    return re.search(rf"\b{SPOKES}\b", text, re.IGNORECASE) is not None


def spokes_body_text(title: str) -> str | None:
    """The words of a spokesperson title that name the body, as written ("Foreign Ministry")."""
    title = " ".join(title.replace("’", "'").split()).strip(" ,")
    m = _BODY_AFTER.search(title) or _BODY_BEFORE.match(title)
    if m is None:
        return None
    body = _LEAD.sub("", m.group("body").strip(" ,").split(",")[-1].strip()).strip(" ,")
    body = re.sub(r"'s$", "", body)
    words = body.split()
    keep = len(words)  # from the end back: capitalised words and the lower-case words bodies are made of
    while keep > 0 and (words[keep - 1][:1].isupper() or words[keep - 1].lower().rstrip("'s") in BODY_WORDS):
        keep -= 1
    return " ".join(words[keep:]) or None


class BodyNames:
    """Canonical body names from a roster's `countries` table (adjective -> words for the country)."""

    def __init__(self, countries: dict[str, tuple[str, ...]]) -> None:
        self.adjective_of: dict[str, str] = {}
        self.name_of = {adjective: words[0] for adjective, words in countries.items() if words}  # "US" -> "United States"
        for adjective, words in countries.items():
            for w in (adjective, *words):
                self.adjective_of[w.lower()] = adjective
        forms = sorted(self.adjective_of, key=len, reverse=True)
        # an alias that is itself a body ("chinese ministry") must not eat the body of "Chinese Ministry of Defense"
        alt = "|".join(re.escape(f) for f in forms if f.split()[-1] not in ("ministry", "embassy"))
        self._owner_first = re.compile(rf"^(?:the\s+)?(?P<c>{alt})(?:'s)?\s+(?P<rest>.+)$", re.IGNORECASE) \
            if forms else None
        self._any = re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(f) for f in forms if f[:1].isalpha())})(?![\w-])",
                               re.IGNORECASE) if forms else re.compile(r"(?!x)x")
        self._owner_last = re.compile(rf"^(?P<rest>.+?)\s+(?:in|of)\s+(?P<c>{alt})$", re.IGNORECASE) if forms else None

    def split(self, text: str) -> tuple[str | None, str]:
        """(country adjective or None, the rest) of a body phrase: "China's commerce ministry" ->
        ("Chinese", "commerce ministry"); "the Foreign Ministry in Taipei" -> ("Taiwanese", ...)."""
        text = " ".join(text.replace("’", "'").split())
        text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
        for pattern in (self._owner_first, self._owner_last):
            m = pattern.match(text) if pattern is not None else None
            if m and m.group("rest").strip():
                return self.adjective_of[m.group("c").lower()], m.group("rest").strip()
        return None, text

    def countries_in(self, text: str) -> list[tuple[int, str]]:
        """(offset, canonical country) of every country word in a text ("the U.S.", "Chinese", "Beijing")."""
        found = []
        for m in self._any.finditer(text):
            name = self.name_of.get(self.adjective_of.get(m.group(0).lower(), ""))
            if name is not None:
                found.append((m.start(), name))
        return found

    def country(self, text: str) -> str | None:
        """The canonical country a speaker phrase that is only a country's name or capital stands for
        ("Beijing" -> "China", "the U.S." -> "United States"), so that one actor is one row of the
        matrix whichever name the article uses; None for anything else, and for a government body
        written out ("White House", "Chinese government"), which the roster or the article names."""
        text = re.sub(r"^the\s+", "", " ".join(text.replace("’", "'").split()), flags=re.IGNORECASE)
        adjective = self.adjective_of.get(text.lower())
        words = text.split()
        demonym = text == adjective and not text.replace(".", "").isupper()  # "Chinese" (a group), not "US"
        if adjective is None or demonym or not all(w[:1].isupper() for w in words) \
                or any(w.lower().strip(".") in _NOT_PLACES for w in words):
            return None
        return self.name_of.get(adjective)

    def home(self, text: str) -> str | None:
        """The country an article is about, for a ministry it names without one ("the commerce
        ministry", "MOFCOM"): the adjective whose words the text names most, the US left out (it
        has departments, not ministries), at least twice."""
        counts = Counter(self.adjective_of[m.group(0).lower()] for m in self._any.finditer(text))
        counts.pop("US", None)
        best = counts.most_common(1)
        return best[0][0] if best and best[0][1] >= 2 else None

    def ministry(self, text: str, home: str | None = None) -> str | None:
        """The canonical name of a ministry phrase with its country ("Chinese Commerce Ministry"),
        with `home` (the article's country) when the phrase names none, else None (no country, or
        not a ministry)."""
        adjective, rest = self.split(text)
        adjective = adjective or home
        if adjective is None:
            return None
        low = rest.lower()
        if low in _ACRONYMS:
            return f"{adjective} {_ACRONYMS[low]}"
        m = re.fullmatch(r"ministry of (?:the )?(.+)", low)
        if m:
            kind = _MINISTRY_OF.get(m.group(1))
            return f"{adjective} {kind} Ministry" if kind else f"{adjective} Ministry of {_title(m.group(1))}"
        m = re.fullmatch(r"([a-z ]+?) ministry", low)
        if m and len(m.group(1).split()) <= 3:
            kind = " ".join(_KIND_WORDS.get(w, w.capitalize()) for w in m.group(1).split())
            return f"{adjective} {kind} Ministry"
        return None


# Words of a country's aliases that make them a body, not the place ("Chinese Communist Party").
_NOT_PLACES = frozenset("government administration department house party leadership authorities commission ministry "
                        "embassy pentagon cabinet council parliament congress ccp cpc street".split())


def _title(words: str) -> str:
    small = {"and", "of", "the", "for"}
    return " ".join(w if w in small else w.capitalize() for w in words.split())
