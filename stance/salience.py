"""Who a pronoun is: the people, bodies and groups an article mentions, in reading order.

Part of the speakers stage. A `Salience` tracker walks an article in order, remembering the
people, bodies and groups mentioned (subjects weigh more, the main verb's subject most), so "He
also claimed ..." finds the right earlier person; "she" never finds a person known to be a man,
nor "he" a woman (genders from the roster, honorifics and gendered titles: `gender_of_words`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "them"}
BODY_PRONOUNS = {"it"}
PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS | BODY_PRONOUNS | {"i", "we", "you", "who", "which", "that", "one"}
MAX_SENTENCES_BACK = 6
WRONG_GENDER = {"he": "female", "him": "female", "she": "male", "her": "male"}  # a pronoun -> whom it never is
SUBJECT_DEPS = ("nsubj", "nsubjpass")
# A body's name that reads as a person's ("Nikki Haley" tagged as an organisation): two or three
# capitalised words, none of the words organisations are made of.
PERSONAL_NAME = re.compile(r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?){1,2}")
NOT_PERSONAL = frozenset("""ministry department embassy commission agency office government administration council
bank company firm union party court regulator committee association federation institute university group news
times post journal house street motors capital partners holdings airlines energy international national federal
reserve chamber board bureau service services network media press foundation fund trust club league""".split())
# Phrases for the two parties of talks or a dispute, which the article named before.
COUNTRY_PAIRS = {"countries", "nations", "governments", "economies"}
PEOPLE_PAIRS = {"leaders", "presidents", "men", "women", "ministers", "negotiators", "heads of state"}
PAIR = re.compile(r"^(?:both|the two)\s+(?P<kind>sides|parties|delegations|teams|countries|nations|governments|"
                  r"economies|leaders|presidents|men|women|ministers|negotiators|heads of state)$", re.IGNORECASE)


def surname_he(tok: Any) -> bool:
    """A capitalised "He" that is the family name ("Officials said He described"), not the pronoun:
    mid-sentence and after a word, not at a clause's start after a closing quote ('," He stated').
    `tok` is a token outside quotes."""
    return tok.text == "He" and tok.i > tok.sent.start and tok.nbor(-1).is_alpha


def according_to(tok: Any) -> bool:
    """The object of "according to"."""
    return tok.dep_ == "pobj" and tok.head.lower_ == "to" and tok.head.head.lower_ == "according"


def main_subject(tok: Any) -> bool:
    """Whether `tok` (or the name it is part of) is the subject of the sentence's main verb or of a
    verb joined to it, not of a clause under it ("Navarro emphasized that Trump won": Navarro)."""
    if tok.dep_ in ("appos", "compound", "conj") and tok.head is not tok:
        tok = tok.head
    if according_to(tok):  # "According to Haddad, the government ...": the source speaks
        return True
    if tok.dep_ not in SUBJECT_DEPS:
        return False
    verb = tok.head
    while verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head
    return verb.dep_ == "ROOT"


# Nouns for something said, whose possessor said it: "Trump's claim that India offered 'zero tariffs'".
SPEECH_NOUNS = frozenset("""claim remark remarks comment comments statement pledge promise commitment threat warning
assertion insistence hint tweet accusation vow assurance boast declaration description suggestion argument
insinuation allegation""".split())
POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}


def speech_owner(head: Any, stop: Callable[[Any], bool]) -> Any | None:
    """The possessor of the speech noun a quote hangs under ("Trump's claim that ... '...'"), when
    no cue (`stop`) comes first on the way up; else None."""
    for anc in head.ancestors:
        if stop(anc):
            return None
        if anc.pos_ == "NOUN" and anc.lemma_.lower() in SPEECH_NOUNS:
            return next((c for c in anc.children if c.dep_ == "poss" and c.i < anc.i), None)
    return None


@dataclass(frozen=True)
class Resolved:
    """A canonical speaker: name, members when it is a group, and its type."""

    name: str
    type: str  # person | body | group
    members: tuple[str, ...] = ()


@dataclass
class Mention:
    pos: int  # character offset in the article
    sentence: int  # running sentence number in the article
    who: Resolved
    subject: bool
    main: bool = False  # the subject of the sentence's main verb ("Navarro ... emphasized that Trump ...": Navarro)


_ROLES = r"(?:spokes|chair|congress|business|council|assembly|states|anchor|news|sports|police|fire|middle)"
FEMALE_WORDS = re.compile(rf"\b(?:Mrs|Ms|Miss|Madam|Madame|Mme|Dame|Lady|Queen|Princess|{_ROLES}wom[ae]n|"
                          r"(?-i:wife|mother|daughter|sister|first lady))\b", re.IGNORECASE)
MALE_WORDS = re.compile(rf"\b(?:Mr|Sir|Lord|King|Prince|{_ROLES}m[ae]n|"
                        r"(?-i:husband|father|son|brother))\b", re.IGNORECASE)


def gender_of_words(words: str) -> str | None:
    """"female" / "male" when the words naming a person say so ("Ms Chan", "the spokeswoman",
    "Congressman Doe"), else None."""
    if FEMALE_WORDS.search(words):
        return "female"
    if MALE_WORDS.search(words):
        return "male"
    return None


@dataclass
class Salience:
    """Mentions in reading order, for resolving pronouns to the most salient earlier referent."""

    mentions: list[Mention] = field(default_factory=list)
    # A person's gender when known (the Canonicalizer's `gender`): "she" is never a known man
    gender: Callable[[str], str | None] = lambda name: None
    countries: list[tuple[int, str]] = field(default_factory=list)  # (offset, canonical country) in reading order

    def add(self, pos: int, sentence: int, who: Resolved, subject: bool, main: bool = False) -> None:
        self.mentions.append(Mention(pos, sentence, who, subject, subject and main))

    def resolve(self, pronoun: str, pos: int, sentence: int) -> Resolved | None:
        """The referent of a pronoun at `pos` ("any": of a person, body or group): the main verb's
        subject first, then other subjects, then the latest mention, sentence by sentence back."""
        p = pronoun.lower()
        if p in PERSON_PRONOUNS:
            ok = {"person"}
        elif p in GROUP_PRONOUNS:
            ok = {"group", "body"}
        elif p in BODY_PRONOUNS:
            ok = {"body"}
        elif p == "person":  # a description ("the rookie defenceman"): a person of either gender
            ok = {"person"}
        elif p == "any":  # a statement, a tweet: anyone who speaks
            ok = {"person", "body", "group"}
        else:
            return None
        for s in range(sentence, sentence - MAX_SENTENCES_BACK, -1):
            cands = [m for m in self.mentions if m.sentence == s and m.pos < pos and m.who.type in ok
                     and not self.rules_out(p, m.who)]
            if not cands:
                continue
            subjects = [m for m in cands if m.subject]
            mains = [m for m in subjects if m.main]
            return (mains or subjects or cands)[-1].who
        if p in WRONG_GENDER:  # "he"/"she" with no person before it: a name the recogniser took for a body
            for s in range(sentence, sentence - MAX_SENTENCES_BACK, -1):
                named = [m for m in self.mentions if m.sentence == s and m.pos < pos and m.who.type == "body"
                         and m.subject and self.reads_as_person(m.who.name)]
                if named:
                    return Resolved(named[-1].who.name, "person")
        return None

    def reads_as_person(self, name: str) -> bool:
        """Whether a body's name reads as a person's ("Nikki Haley" tagged as an organisation): two or
        three capitalised words, none of an organisation's words, not a country the article named."""
        return bool(PERSONAL_NAME.fullmatch(name)) and not set(name.lower().split()) & NOT_PERSONAL \
            and all(name != c for _, c in self.countries)

    def rules_out(self, pronoun: str, who: Resolved) -> bool:
        """Whether a gendered pronoun cannot stand for `who`: "she" is never a person known to be a
        man, nor "he" a woman."""
        wrong = WRONG_GENDER.get(pronoun.lower())
        return wrong is not None and who.type == "person" and self.gender(who.name) == wrong

    def pair(self, mention: str, pos: int) -> Resolved | None:
        """The two parties a pair phrase stands for ("both sides", "the two leaders", "both countries"):
        the two latest distinct countries or people named before `pos` (sides: countries when the
        article named two, else people); None when the article has not named two."""
        m = PAIR.match(" ".join(mention.replace("’", "'").split()))
        if m is None:
            return None
        kind = m.group("kind").lower()
        people = self._latest_two([(x.pos, x.who.name) for x in self.mentions if x.who.type == "person"], pos)
        countries = self._latest_two(self.countries, pos)
        if kind in COUNTRY_PAIRS:
            members = countries
        elif kind in PEOPLE_PAIRS:
            members = people
        else:
            members = countries or people
        if not members:
            return None
        return Resolved(" and ".join(members), "group", members)

    @staticmethod
    def _latest_two(named: list[tuple[int, str]], pos: int) -> tuple[str, ...]:
        seen: list[str] = []
        for _, name in sorted((x for x in named if x[0] < pos), reverse=True):
            if name not in seen:
                seen.append(name)
            if len(seen) == 2:
                return tuple(reversed(seen))
        return ()
