"""Job titles and descriptions that stand for a person the article names.

Part of the speakers stage, mixed into `stance.mentions.Canonicalizer`: "Ontario Premier Doug Ford"
makes "the premier" Ford; "Jane Ortiz, the committee's ranking member," makes "the ranking member"
Ortiz; "the President" with no one given the title is the latest person whose roster role has it;
"the rookie defenceman" with no one described so is a description to resolve like a pronoun.
"""

from __future__ import annotations

import re

from .salience import Resolved

# Job titles that stand before a name ("Trade and Industry Minister Parks Tau", "European Commission
# chief Ursula von der Leyen") or for it ("the premier", "the Prime Minister").
TITLE_HEADS = (r"(?:prime minister|vice president|minister|secretary|president|premier|governor|senator|ambassador|"
               r"chancellor|commissioner|chairman|chairwoman|chair|chief|director|mayor|envoy|negotiator|"
               r"representative|adviser|advisor|spokesperson|spokesman|spokeswoman|leader|ceo|economist|analyst|"
               r"strategist|professor|founder|executive)")
_NAME = r"[A-Z][\w'’.-]+(?:\s+(?:(?:von|van|der|de|da|del|bin|al|la|le)\s+)*[A-Z][\w'’.-]+){1,3}"
TITLED_NAME = re.compile(rf"^(?P<title>.*\b(?i:{TITLE_HEADS}))\s+(?P<name>{_NAME})$")
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
DESCRIPTION = re.compile(rf"^(?i:the)\s+(?:[\w.'-]+\s+){{0,4}}(?i:{TITLE_HEADS}|{PERSON_NOUNS})$")


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
        words = " ".join(mention.replace("’", "'").split()).split()
        name = self.described.get(words[-1].lower()) if words else None
        return Resolved(name, "person") if name else None
