"""Stage 4b: how a quote reaches each of its targets (`stance[target].via`).

- `named`: the quote names the target or an alias of it ("Beijing", "the White House", "the
  Chinese side", a surname of an article speaker).
- `referred`: the quote points at it without its name, and the article tells who: a third-person
  pronoun ("he", "they") for the last person / country its paragraph names before the quote; a
  pair phrase ("both sides", "the two countries", "the two leaders") for the two parties of the
  article; "our counterparts" / "the other side" for the party that is not the speaker's; a
  roster job title ("the defense secretary") for its holder.
- `context`: only the paragraph around the quote names it.
- `article`: another speaker of the article whom the quote does not reach.
- `always` (a topic scored for every quote, e.g. tariffs, that neither quote nor paragraph
  names) and `extra` (a target asked for on the command line that neither names).

The route decides how much evidence a direction needs (`stance.scoring`, thresholds in the
model's settings): a quote's tone must not spread to every actor of its article.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .targets import NAMESAKE_AFTER, TargetConfig

ROUTES = ("named", "referred", "invoked", "context", "article", "always", "extra")
ADDRESSED = ("named", "referred")  # routes where the quote itself reaches the target

_HE = re.compile(r"(?<!\w)(he|him|his|she|her|hers)(?!\w)", re.IGNORECASE)
_THEY = re.compile(r"(?<!\w)(they|them|their|theirs)(?!\w)", re.IGNORECASE)
_PAIR_ACTORS = re.compile(
    r"(?<!\w)(both|the two|two|each other's?|either)\s+(sides|countries|nations|governments|economies|parties|"
    r"superpowers|powers|delegations|teams)(?!\w)|(?<!\w)each other(?!\w)|(?<!\w)bilateral(?!\w)", re.IGNORECASE)
_PAIR_PEOPLE = re.compile(r"(?<!\w)(both|the two|two)\s+(leaders|presidents|men|ministers|sides' leaders)(?!\w)",
                          re.IGNORECASE)
_OTHER_PARTY = re.compile(
    r"(?<!\w)(our|their|my)\s+(\w+\s+)?(counterparts?|partners?|interlocutors?)(?!\w)|(?<!\w)the other side(?!\w)|"
    r"(?<!\w)the other party(?!\w)|(?<!\w)the opposite side(?!\w)", re.IGNORECASE)


_BODY_WORD = re.compile(
    r"(?<!\w)(Government|Ministry|Department|Office|Embassy|Council|Commission|Agency|Bank|Party|Association|"
    r"Chamber|Federation|Union|Committee|Organi[sz]ation|Institute|Foundation|Coalition|Group|Administration|Court|"
    r"Parliament|Senate|House|Army|Navy|Guard|Forces?|Service|Bureau|Authority|Board|Corporation|Company|"
    r"Inc|Corp|Ltd|Media|News|Times|Post|Daily|Network|Campaign|Critics|Officials|Democrats|Republicans)(?!\w)")


@dataclass(frozen=True)
class ArticleView:
    """What routing needs to know of a quote's article: its speakers and its two main parties."""

    speakers: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()  # the two actors (countries, bodies) the article is most about
    people: tuple[str, ...] = ()  # the two people the article is most about
    countries: tuple[tuple[str, str], ...] = ()  # (speaker, country) the article gives a speaker outside the roster

    def country_of(self, speaker: str | None) -> str | None:
        return dict(self.countries).get(speaker or "")


# Words of a title between a country and a name ("Canada's Prime Minister Justin Trudeau", "Brazilian
# Finance Minister Fernando Haddad", "the Indian external affairs minister, S. Jaishankar").
_TITLE_WORD = (r"(?:[A-Z][\w.'’-]*|prime|foreign|trade|finance|commerce|economy|economic|defen[cs]e|deputy|vice|"
               r"chief|senior|top|minister|secretary|president|ambassador|envoy|negotiator|spokesperson|spokesman|"
               r"spokeswoman|official|representative|leader|premier|chancellor|governor|acting|head|of|for|state|"
               r"affairs|external|home|agriculture|industry|international|national|security|adviser|advisor|"
               r"industries|resources|energy|treasurer|ministry|governor)")
_TITLE_NOUN = (r"(?:minister|secretary|president|ambassador|envoy|negotiator|spokesperson|spokesman|spokeswoman|"
               r"official|representative|leader|premier|chancellor|treasurer|adviser|advisor|prime minister)")


def _country_forms(config: TargetConfig) -> dict[str, str]:
    """Demonyms and names of the configured countries (those with demonyms) -> the country."""
    out: dict[str, str] = {}
    for t in config.targets:
        if t.kind == "actor" and t.demonyms:
            for form in (*t.demonyms, t.name, *(a for a in t.aliases if re.fullmatch(r"[A-Z.]{2,5}", a))):
                out.setdefault(form, t.name)
    return out


def speaker_country(config: TargetConfig, speaker: str, paragraphs: Iterable[str]) -> str | None:
    """The country the article gives a person by a title before or after their name ("Indian Prime
    Minister Narendra Modi", "Mark Carney, Canada's prime minister"); None when it gives none or two."""
    forms = _country_forms(config)
    words = speaker.split()
    names = [speaker] + ([words[-1]] if len(words) > 1 and len(words[-1]) > 2 else [])
    name = "|".join(re.escape(n) for n in names)
    country = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    before = re.compile(rf"(?<!\w)({country})(?:['’]s?)?\s+(?:{_TITLE_WORD}[,]?\s+){{0,6}}(?:{name})(?!\w)")
    after = re.compile(rf"(?<!\w)(?:{name}),\s+(?:the\s+|a\s+|then-)?({country})(?:['’]s?)?\s+"
                       rf"(?:{_TITLE_WORD}\s+){{0,3}}{_TITLE_NOUN}(?!\w)")
    found: Counter[str] = Counter()
    for para in paragraphs:
        for pat in (before, after):
            for m in pat.finditer(para):
                found[forms[m.group(1)]] += 1
    if not found:
        return None
    (top, n), *rest = found.most_common(2)
    return top if not rest or rest[0][1] < n else None


def article_view(config: TargetConfig, speakers: Iterable[str], paragraphs: Iterable[str]) -> ArticleView:
    """Count the actors and people each distinct paragraph names; the speakers' countries count too
    (a roster speaker's from the roster, another person's from the article's titles)."""
    speakers = tuple(dict.fromkeys(s for s in speakers if s))
    paragraphs = list(dict.fromkeys(p for p in paragraphs if p))
    actors: Counter[str] = Counter()
    people: Counter[str] = Counter()
    countries = []
    for s in speakers:
        entry = config.roster.get(s)
        if (entry is None or not entry.country) and s[:1].isupper() and s not in config.by_name \
                and not config.named_country(s):
            found = speaker_country(config, s, paragraphs)
            if found:
                countries.append((s, found))
    for para in paragraphs:
        for name in config.mentioned(para):
            target = config.by_name[name]
            (people if target.kind == "person" else actors if target.kind == "actor" else Counter())[name] += 1
    for s in speakers:
        entry = config.roster.get(s)
        country = config.canonical(entry.country) if entry is not None and entry.country else None
        if country:
            actors[country] += 1
        if entry is not None and entry.type == "person":
            people[s] += 1
    for _, country in countries:
        actors[country] += 1
    return ArticleView(speakers=speakers, parties=tuple(n for n, _ in actors.most_common(2)),
                       people=tuple(n for n, _ in people.most_common(2)), countries=tuple(countries))


def _forms(config: TargetConfig, target: str) -> list[str]:
    """Ways a target is named: its config name and aliases, else the name and its last word."""
    t = config.by_name.get(target)
    if t is not None:
        return [t.name, *t.aliases]
    words = target.split()
    forms = [target]
    if 1 < len(words) <= 4 and all(w[:1].isupper() for w in words) and len(words[-1]) > 2 \
            and not _BODY_WORD.search(target) and config.canonical(words[-1]) in (None, target):
        forms.append(words[-1])  # a person's surname; never "Government" of "UK Government", nor a
        # surname that names a configured person ("Clinton": Hillary Clinton, not Bill)
    return forms


def names(config: TargetConfig, target: str, text: str) -> bool:
    """Whether `text` names the target (config matching rules for configured targets)."""
    if not text:
        return False
    if target in config.by_name:
        return config.matches(target, text)
    return any(not NAMESAKE_AFTER.match(text, m.end())
               for f in _forms(config, target)
               for m in re.finditer(rf"(?<!\w){re.escape(f)}(?!\w)", text, 0 if f[:1].isupper() else re.IGNORECASE))


_FRAMEWORK = r"(?:rules?|rulebook|norms?|laws?|regulations?|principles?|obligations?|commitments?|standards?|disciplines|charter|framework|dispute settlement)"
_INVOKED_AFTER = re.compile(rf"['’]?s?\s+{_FRAMEWORK}(?!\w)|\s+(?:issue|question)(?!\w)|(?-i:-[A-Z])", re.IGNORECASE)
_INVOKED_BEFORE = re.compile(rf"(?<!\w){_FRAMEWORK}\s+(?:of|under|at|in)\s+(?:the\s+)?$|(?-i:[A-Z.]-)$", re.IGNORECASE)


def invoked_only(config: TargetConfig, target: str, text: str) -> bool:
    """Whether every mention of the target in `text` is as the source of rules ("WTO rules"), an
    issue ("the Taiwan question") or one half of a pair ("U.S.-China relations")."""
    if target not in config.by_name or config.by_name[target].kind != "actor":
        return False
    spans = config.spans(target, text)
    return bool(spans) and all(_INVOKED_AFTER.match(text, end) or _INVOKED_BEFORE.search(text[max(0, start - 40):start])
                               for start, end in spans)


def _last_named_before(config: TargetConfig, head: str, candidates: Iterable[str]) -> str | None:
    """The candidate whose last mention in `head` is latest."""
    best, best_pos = None, -1
    for name in candidates:
        for form in _forms(config, name):
            for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", head):
                if m.start() > best_pos:
                    best, best_pos = name, m.start()
    return best


def _kind(config: TargetConfig, name: str) -> str:
    t = config.by_name.get(name)
    return t.kind if t is not None else "person"


def referred(config: TargetConfig, text: str, context: str, speaker: str | None, view: ArticleView) -> list[str]:
    """Targets the quote reaches without naming them (see the module docstring), in a stable order."""
    out: list[str] = []
    entry = config.roster.get(speaker or "")
    own_country = config.canonical(entry.country) if entry is not None and entry.country else view.country_of(speaker)
    if _PAIR_ACTORS.search(text):
        out += view.parties
    if _PAIR_PEOPLE.search(text):
        out += view.people
    if _OTHER_PARTY.search(text) and own_country in view.parties:
        out += [p for p in view.parties if p != own_country]
    at = context.find(text[:60]) if context else -1
    head = context[:at] if at >= 0 else (context or "")
    named_before = [n for n in dict.fromkeys([*config.mentioned(head), *view.speakers]) if n != speaker]
    if _HE.search(text):
        person = _last_named_before(config, head, [n for n in named_before if _kind(config, n) == "person"])
        if person:
            out.append(person)
    if _THEY.search(text):
        # "they" after a person ("... talks with Xi. 'They have to make concessions'") is that person's side.
        who = _last_named_before(config, head, [n for n in named_before if _kind(config, n) in ("person", "actor")])
        if who and _kind(config, who) == "person":
            e = config.roster.get(who)
            who = config.canonical(e.country) if e is not None and e.country else None
        if who and who != own_country:
            out.append(who)
    low = " ".join(text.lower().split())
    for e in config.roster.speakers:
        if e.name != speaker and e.type == "person" and e.name in config.by_name and \
                any(re.search(rf"(?<!\w)the {re.escape(t.lower())}(?!\w)", low) for t in e.titles):
            out.append(e.name)
    return list(dict.fromkeys(out))


def routes(config: TargetConfig, targets: Sequence[str], *, text: str, context: str = "",
           speaker: str | None = None, view: ArticleView = ArticleView(), extra: Iterable[str] = (),
           own: Iterable[str] = ()) -> dict[str, str]:
    """{target: route} for the targets of one quote, in their order, then the targets the quote
    points at that the list lacks (never one of `own`: the speaker, their members, their country)."""
    extra, own = set(extra), set(own)
    pointed = referred(config, text, context, speaker, view)
    out: dict[str, str] = {}
    for target in targets:
        if names(config, target, text):
            out[target] = "invoked" if invoked_only(config, target, text) else "named"
        elif target in pointed:
            out[target] = "referred"
        elif names(config, target, context):
            out[target] = "context"
        elif target in config.by_name and config.by_name[target].always:
            out[target] = "always"
        elif target in extra and target not in view.speakers:
            out[target] = "extra"
        else:
            out[target] = "article"
    for target in pointed:
        if target not in out and target not in own and target != speaker:
            out[target] = "referred"
    return out
