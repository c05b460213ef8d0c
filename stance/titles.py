"""Job titles and descriptions that stand for a person the article names.

Part of the speakers stage, mixed into `stance.mentions.Canonicalizer`: "Ontario Premier Doug Ford"
makes "the premier" Ford; "Jane Ortiz, the committee's ranking member," makes "the ranking member"
Ortiz; "the President" with no one given the title is the latest person whose roster role has it;
"the rookie defenceman" with no one described so is a description to resolve like a pronoun.
The parse helpers that find a title next to a name (`titled_person_at_end`, `apposition_after`)
live here too.
"""

from __future__ import annotations

import re
from typing import Any

from .salience import Resolved

# Job titles that stand before a name ("Trade and Industry Minister Parks Tau", "European Commission
# chief Ursula von der Leyen") or for it ("the premier", "the Prime Minister").
TITLE_HEADS = (r"(?:prime minister|vice president|minister|secretary|president|premier|governor|senator|ambassador|"
               r"chancellor|commissioner|chairman|chairwoman|chair|chief|director|mayor|envoy|negotiator|"
               r"representative|adviser|advisor|spokesperson|spokesman|spokeswoman|leader|ceo|economist|analyst|"
               r"strategist|professor|founder|executive|vp)")
_NAME = r"[A-Z][\w'’.-]+(?:\s+(?:(?:von|van|der|de|da|del|bin|al|la|le)\s+)*[A-Z][\w'’.-]+){1,3}"
TITLED_NAME = re.compile(rf"^(?P<title>.*\b(?i:{TITLE_HEADS}))\s+(?P<name>{_NAME})$")
# An apposition that gives a person's job title ("Secretary of State at the Ministry of Commerce", "a spokesperson").
TITLE_APPOSED = re.compile(rf"^(?:(?:the|a|an)\s+)?(?:[A-Z][\w.'-]*\s+){{0,2}}?(?i:{TITLE_HEADS})\b")
BARE_TITLE = re.compile(rf"^(?:[A-Z][\w.'’-]*\s+)??(?P<head>(?i:{TITLE_HEADS}))$")  # lazy: "Prime Minister" whole
# Nouns for a person in a description ("the rookie defenceman", "the committee's ranking member"):
# job titles, and common nouns that only name people (a lexicon, lower case, singular).
PERSON_NOUNS = (r"(?:councill?or|lawmaker|legislator|official|tycoon|billionaire|politician|diplomat|head|boss|member|"
                r"defen[cs]e(?:man|woman)|player|rookie|veteran|coach|captain|manager|candidate|nominee|incumbent|"
                r"challenger|farmer|owner|worker|entrepreneur|investor|trader|expert|researcher|writer|author|"
                r"journalist|reporter|lawyer|attorney|judge|doctor|teacher|student|resident|voter|officer|commander|"
                r"general|aide|negotiator|lobbyist|activist|columnist|historian|scientist|republican|democrat|athlete|"
                r"striker|forward|winger|midfielder|goalkeeper|goalie|pitcher|quarterback|star|"
                r"[a-z]+(?:man|woman|person))")
# ... and the body or field a title is of ("the Minister of Economic Affairs")
_OF_WHAT = r"(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w.'-]*(?:\s+(?:and\s+)?[A-Z][\w.'-]*){0,3})?"
DESCRIPTION = re.compile(rf"^(?i:the)\s+(?:[\w.'-]+\s+){{0,4}}(?P<head>(?i:{TITLE_HEADS}|{PERSON_NOUNS})){_OF_WHAT}$")


ROLE_NOUNS = re.compile(r"spokes(person|man|woman|people)|official|minister|secretary|aide|representative|"
                        r"envoy|ambassador|director|chief|head|negotiator|adviser|advisor|source|analyst|expert|economist|"
                        r"lawmaker|senator|governor|president|leader|officer|aide|manager|professor|"
                        r"diplomat|strategist|campaign|committee|ministry|department|agency|government", re.I)


def titled_person_at_end(subj: Any, cue: Any) -> Any | None:
    """"Alliance for American Manufacturing President Scott Paul said": the parse makes the body the
    subject and hangs the titled person on its preposition; the person the title introduces speaks
    (a person after "of", "the wife of Donald Trump", does not)."""
    if subj.ent_type_ == "PERSON" or subj.i > cue.i:
        return None
    last = max(subj.subtree, key=lambda t: t.i)
    if last.ent_type_ != "PERSON" or last.i >= cue.i or last.i == subj.i:
        return None
    first = last
    while first.ent_iob_ != "B" and first.i > subj.i:
        first = first.nbor(-1)
    before = first.nbor(-1) if first.i > 0 else None
    return last if before is not None and ROLE_NOUNS.fullmatch(before.text) else None


def apposition_after(ent: Any, sent: Any) -> tuple[str, bool]:
    """The words apposed after a name ("Jaiswal, a foreign ministry spokesperson, said"): from the
    comma to the next comma or the end of the sentence, at most ten tokens; else "". The flag says
    whether a comma or the sentence's end closes them (an apposition, not the subject of the next
    clause: "With Moser, the President told ...")."""
    doc = ent.doc
    if ent.end >= sent.end or doc[ent.end].text != ",":
        return "", False
    words, closed = [], True
    for tok in doc[ent.end + 1: min(sent.end, ent.end + 11)]:
        if tok.text in (",", ";", "(", ")"):
            break
        if tok.pos_ == "VERB" and tok.tag_ not in ("VBG", "VBN") or len(words) == 10:  # "ranking member"
            closed = False
            break
        words.append(tok.text_with_ws)
    return "".join(words).strip(), closed


class TitleMemory:
    """What the article said of people's titles and descriptions (mixed into the Canonicalizer,
    which holds `roster`, `titled`, `described`, `people`, `full_names` and `note_gender`)."""

    def note_title(self, title: str, name: str) -> None:
        """A person named with a job title ("Ontario Premier Doug Ford"): "the premier" means them later."""
        self.note_gender(name, title)
        m = re.search(rf"(?:(?P<qualifier>[A-Z][\w.'’-]*)\s+)?(?P<head>{TITLE_HEADS})$", title.strip(), re.IGNORECASE)
        if m is None:
            return
        head, qualifier = " ".join(m.group("head").lower().split()), (m.group("qualifier") or "").lower()
        if qualifier and re.fullmatch(TITLE_HEADS, f"{qualifier} {head}", re.IGNORECASE):
            head, qualifier = f"{qualifier} {head}", ""  # "Vice President" is one title, not a president
        self.titled[head] = name
        if qualifier:  # "Commission President": "the Commission President" is this one, not any president
            self.titled[f"{qualifier} {head}"] = name

    def by_title(self, text: str) -> Resolved | None:
        """The person a bare title stands for ("the premier", "the Prime Minister"): the latest person
        the article named with that title."""
        m = BARE_TITLE.match(text)
        if m is None:
            return None
        head = " ".join(m.group("head").lower().split())
        qualifier = text[:m.start("head")].strip().lower()
        name = self.titled.get(f"{qualifier} {head}" if qualifier else head) or self._roster_holder(head, qualifier)
        return Resolved(name, "person") if name else None

    def _roster_holder(self, head: str, qualifier: str) -> str | None:
        """The latest person of this article whose roster role or title has this title head (and its
        qualifier): "the President" after "Sir Keir" and "Trump" is Trump, when the article never wrote
        "President Trump" (a "Vice President" is not "the President")."""
        for name in reversed(self.people):
            entry = self.roster.get(name) or self.roster.match(name, allow_pronoun_alias=False)  # "Trump outline"
            if entry is None or entry.type != "person":
                continue
            said = " ".join((entry.role or "", *entry.titles)).lower()
            heads = {" ".join(m.group(0).split()) for m in re.finditer(rf"\b{TITLE_HEADS}\b", said)}
            if head in heads and (not qualifier or re.search(rf"\b{re.escape(qualifier)}\b", said)):
                return entry.name
        return None

    def is_description(self, mention: str, who: Resolved) -> bool:
        """Whether a speaker mention is a description of a person left unresolved ("the French
        President", "the MAGA leader", "the Federal Councillor"): "the" + words ending in a title,
        and no roster or article name came of it."""
        m = DESCRIPTION.match(" ".join(mention.replace("’", "'").split()))
        return m is not None and who.type in ("person", "body") and who.name not in self.roster \
            and who.name not in self.full_names.values()

    def note_apposition(self, words: str, person: str) -> None:
        """A description apposed to a name ("Jane Ortiz, the committee's ranking member,"): "the ranking
        member" later in the article is that person. Titles are noted as titles too."""
        words = " ".join(words.replace("’", "'").split())
        m = re.fullmatch(rf"(?i:the|an?|[\w.-]+'s)\s+(?:[\w.'-]+\s+){{0,4}}?(?P<head>(?i:{PERSON_NOUNS}|{TITLE_HEADS}))",
                         words)
        if m is None:
            return
        self.note_title(words, person)  # notes the gender its words give too
        self.described[m.group("head").lower()] = person

    def described_person(self, mention: str) -> Resolved | None:
        """The person an earlier apposition described with this description's head noun."""
        m = DESCRIPTION.match(" ".join(mention.replace("’", "'").split()))
        name = self.described.get(m.group("head").lower()) if m else None
        return Resolved(name, "person") if name else None
