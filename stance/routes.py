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

from .targets import TargetConfig

ROUTES = ("named", "referred", "context", "article", "always", "extra")
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


@dataclass(frozen=True)
class ArticleView:
    """What routing needs to know of a quote's article: its speakers and its two main parties."""

    speakers: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()  # the two actors (countries, bodies) the article is most about
    people: tuple[str, ...] = ()  # the two people the article is most about


def article_view(config: TargetConfig, speakers: Iterable[str], paragraphs: Iterable[str]) -> ArticleView:
    """Count the actors and people each distinct paragraph names; the speakers' countries count too."""
    speakers = tuple(dict.fromkeys(s for s in speakers if s))
    actors: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for para in dict.fromkeys(p for p in paragraphs if p):
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
    return ArticleView(speakers=speakers, parties=tuple(n for n, _ in actors.most_common(2)),
                       people=tuple(n for n, _ in people.most_common(2)))


def _forms(config: TargetConfig, target: str) -> list[str]:
    """Ways a target is named: its config name and aliases, else the name and its last word."""
    t = config.by_name.get(target)
    if t is not None:
        return [t.name, *t.aliases]
    words = target.split()
    forms = [target]
    if len(words) > 1 and words[-1][:1].isupper() and len(words[-1]) > 2:
        forms.append(words[-1])
    return forms


def names(config: TargetConfig, target: str, text: str) -> bool:
    """Whether `text` names the target (config matching rules for configured targets)."""
    if not text:
        return False
    if target in config.by_name:
        return config.matches(target, text)
    return any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text, 0 if f[:1].isupper() else re.IGNORECASE)
               for f in _forms(config, target))


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
    own_country = config.canonical(entry.country) if entry is not None and entry.country else None
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
            out[target] = "named"
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
