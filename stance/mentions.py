"""Who is being talked about: canonical names for mentions.

Part of the speakers stage (pronouns: `stance.salience`). `Canonicalizer` maps a mention ("US
Secretary of State Marco Rubio", "Lipsky", "a Treasury spokesperson", "Bessent and Greer") to the
roster or to the article's own first full mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .bodies import BodyNames, is_spokes_title, spokes_body_text
from .roster import Roster, Speaker, fold
from .salience import Resolved, gender_of_words
from .titles import TITLED_NAME, TitleMemory

# Words stripped from the front of a name before it is canonicalised.
HONORIFICS = re.compile(
    r"^((Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Adm|Lt|Col|Capt|Sgt|Amb|Pres)\.?|President|Senator|Representative|"
    r"Governor|Premier|Chancellor|Minister|Secretary|Ambassador|General|Admiral|Judge|Justice|Mayor|Pope|King|"
    r"Queen|Prince|Princess|Sheikh|Sir|Dame|Lord|Lady|Chair|Chairman|Chairwoman|Commissioner|Councillor|Councilor)\s+")
DETERMINERS = re.compile(r"^(the|a|an|his|her|its|their|our|this|that|these|those|some|several|many|two|three)\s+",
                         re.IGNORECASE)
# A body named only by its kind ("a ministry spokesman", "the embassy"): the article's own
# earlier body of that kind is meant.
BODY_KINDS = ("ministry", "department", "embassy", "commission", "agency", "office", "government", "administration",
              "council", "bank", "company", "firm", "union", "party", "court", "regulator", "committee")
GENERIC_BODY = re.compile(
    r"^(?P<qualifier>(?:foreign|commerce|trade|defen[cs]e|finance|economy|industry|justice|interior)\s+)?"
    rf"(?P<kind>{'|'.join(BODY_KINDS)})(?:'s)?(?:\s+(?:spokesman|spokeswoman|spokesperson|official|"
    r"officials|representative|statement))?$", re.IGNORECASE)
BARE_SPOKES = re.compile(r"^(?:(?:unnamed|a|an|the|its|\w+ ministry's)\s+)*(?:spokes(?:person|man|woman)|spox)$",
                         re.IGNORECASE)


MIDDLE_INITIAL = re.compile(r"(?<=[a-z])\s+[A-Z]\.(?=\s+[A-Z][a-z])")  # between a given name and a family name
NAME_PARTICLES = frozenset("von van der den de da di du del della dos das le la bin binti al el ter".split())
NAME_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())


def surname_keys(full: str) -> list[str]:
    """How an article may name a person by surname alone: the last word, a generational suffix
    aside ("Ferdinand Marcos Jr." -> "Marcos"); a surname with particles ("Ursula von der Leyen" ->
    "von der Leyen", "Leyen"); and the name before them after two given names ("Luiz Inacio Lula
    da Silva" -> "Lula")."""
    words = full.split()
    while len(words) > 2 and words[-1].lower().rstrip(",") in NAME_SUFFIXES:
        words = words[:-1]
    keys = [words[-1]]
    at = next((i for i, w in enumerate(words[1:], 1) if w.lower() in NAME_PARTICLES), None)
    if at is not None and at < len(words) - 1:
        keys.append(" ".join(words[at:]))
        if at >= 3:
            keys.append(words[at - 1])
    return keys


# A dateline before a name ("BEIJING - China"), and a headline's verb the NER took into a name
# ("Trump Slams", "Tai Says"): neither is part of who speaks.
DATELINE = re.compile(r"^[A-Z]{3,}(?:[ ,]+[A-Z]{2,})*\s*[-–—]+\s*(?=\S)")
HEADLINE_VERBS = frozenset("says said slams warns vows urges calls hits blasts rejects defends threatens accuses insists "
                           "claims announces signals tells denies praises criticizes criticises speaks responds "
                           "fires rips backs pushes seeks wants lashes".split())
ACRONYM_AFTER = re.compile(r"\s*\([A-Z]{2,6}\)?$")  # "the American Soybean Association (ASA)": not part of the name
OWNED = re.compile(r"^(?P<owner>.+?)'s\s+(?:statement|remarks?|letter|posts?|tweets?|message|comments?|"
                   r"press release|release|office)$", re.IGNORECASE)


def _clean_name(text: str) -> str:
    text = text.replace("’", "'").strip(" ,;:")
    text = DATELINE.sub("", text)
    text = ACRONYM_AFTER.sub("", text)
    words = text.split()
    if len(words) >= 2 and words[-1][:1].isupper() and words[-1].lower() in HEADLINE_VERBS:
        text = " ".join(words[:-1])
    text = text if re.search(r"\s(Jr|Sr)\.$", text) else text.strip(" ,.;:")  # "Ferdinand Marcos Jr." keeps its dot
    text = re.sub(r"'s$", "", text)
    prev = None
    while prev != text:
        prev = text
        text = DETERMINERS.sub("", text)
    return " ".join(text.split())


def _office(role: str | None) -> str:
    """A roster role without its term ("US Secretary of State (2021-2025)" -> "us secretary of state");
    a former holder's role ("former US Secretary of State") is not the office."""
    office = re.sub(r"\s*\([^)]*\)\s*$", "", role or "").strip().lower()
    return "" if office.startswith("former ") else office


@dataclass
class Canonicalizer(TitleMemory):
    """Maps mentions to canonical speakers: roster first, then the article's own full names."""

    roster: Roster
    full_names: dict[str, str] = field(default_factory=dict)  # surname -> first full name in this article
    guessed: set[str] = field(default_factory=set)  # surnames whose full name is only a proper-noun run
    bodies: list[str] = field(default_factory=list)  # bodies named in this article so far, latest last
    titled: dict[str, str] = field(default_factory=dict)  # title head ("premier") -> the latest person named with it
    body_names: BodyNames | None = None  # canonical body names ("China's Ministry of Commerce" -> "Chinese Commerce Ministry")
    affiliation: dict[str, str] = field(default_factory=dict)  # spokesperson -> the body the article says they speak for
    home: str | None = None  # the article's country ("Chinese"), for "the commerce ministry" (BodyNames.home)
    genders: dict[str, str] = field(default_factory=dict)  # person -> "female" / "male": roster, honorific, title
    headline_names: set[str] = field(default_factory=set)  # PERSON names read in title-case headlines
    headline_surnames: dict[str, str] = field(default_factory=dict)  # their last word -> the name
    people: list[str] = field(default_factory=list)  # persons named in this article so far, latest last
    described: dict[str, str] = field(default_factory=dict)  # apposed description's head noun -> the person
    acronyms: dict[str, str] = field(default_factory=dict)  # "ASA" -> "American Soybean Association" (article's own)

    def body(self, text: str) -> str | None:
        """The canonical name of a body phrase: the roster's, a ministry with its country, or the
        article's earlier body of that kind ("the ministry"); None when none fits."""
        hit = self.roster.match(text)
        if hit is not None and hit.type == "body":
            return hit.name
        named = self.body_names.ministry(text, self.home) if self.body_names is not None else None
        return named or self.earlier_body(_clean_name(text))

    def note_spokesperson(self, title: str, person: str) -> None:
        """A person named with a spokesperson's title ("commerce ministry spokesman Gao Feng", "Randhir
        Jaiswal, a foreign ministry spokesperson") speaks for the body the title names."""
        if not is_spokes_title(title):
            return
        words = spokes_body_text(title.replace(person, " "))
        body = self.body(words) if words else None
        if body is not None:
            self.affiliation[person] = body
        self.note_title(re.sub(r"(?i)spox", "spokesperson", title), person)

    def speaks_for(self, name: str | None) -> str | None:
        """The body a speaker speaks for: the roster's `speaks_for`, else what the article said of them."""
        if not name:
            return None
        entry = self.roster.get(name)
        return (entry.speaks_for if entry is not None else None) or self.affiliation.get(name)

    def note_body(self, name: str) -> Resolved:
        """Remember a body named in the article (the latest is what "the ministry" means), by its
        canonical name when it is a ministry with its country ("Beijing's commerce ministry")."""
        name = _clean_name(name)
        if self.body_names is not None:
            name = self.body_names.ministry(name, self.home) or self.body_names.country(name) or name
        if name in self.bodies:
            self.bodies.remove(name)
        self.bodies.append(name)
        return Resolved(name, "body")

    def note_acronym(self, acronym: str, name: str) -> None:
        """A body's short form the article gives in parentheses ("the American Soybean Association (ASA)")."""
        if acronym.isupper() and acronym.isalpha() and 2 <= len(acronym) <= 6 and self.roster.match(acronym) is None:
            self.acronyms[acronym] = _clean_name(name)

    def earlier_body(self, text: str) -> str | None:
        """The latest body of the article whose name holds a generic mention's kind ("ministry",
        "the commerce ministry")."""
        m = GENERIC_BODY.match(text)
        if m is None:
            return None
        words = [w.lower() for w in (m.group("qualifier") or "").split()] + [m.group("kind").lower()]
        return next((b for b in reversed(self.bodies) if all(w in b.lower().split() for w in words)), None)

    def note_gender(self, person: str, words: str) -> None:
        """A person's gender from the roster, else from the words naming them: an honorific ("Ms
        Chan") or a gendered title ("spokeswoman", "chairman")."""
        entry = self.roster.get(person)
        gender = entry.gender if entry is not None else gender_of_words(words)
        if gender is not None:
            self.genders.setdefault(person, gender)

    def gender(self, person: str) -> str | None:
        """"female" / "male" as noted in the article, else as the roster says (a roster person reached
        by an alias or a surname is never noted: "Trump announced ... She added" is not Donald Trump)."""
        entry = self.roster.get(person)
        return self.genders.get(person) or (entry.gender if entry is not None else None)

    def note_headline_name(self, name: str) -> None:
        """A PERSON name read in a title-case headline: it does not complete surnames (`learn_person`),
        since there every word is capitalised and the recogniser takes a verb for part of a name
        ("Speaker Johnson Squirms When Asked ..." is not "Johnson Squirms"), except its last word alone
        ("Commerce Secretary Jane Roe Says ...", then "Roe said")."""
        self.headline_names.add(HONORIFICS.sub("", _clean_name(name)))

    def learn_person(self, name: str) -> str:
        """Remember a PERSON name seen in the article; returns its canonical form."""
        name = _clean_name(name)
        bare = HONORIFICS.sub("", name)
        hit = self._roster_entry(bare, allow_pronoun_alias=False)
        if hit is not None and hit.type == "person" and self._alias_fits(hit.name, bare):
            canonical = hit.name
        else:
            canonical = MIDDLE_INITIAL.sub("", bare)  # "Orrin G. Hatch" is Orrin Hatch
        if len(canonical.split()) >= 2 and canonical == bare and bare in self.headline_names:
            self.headline_surnames.setdefault(surname_keys(bare)[0], canonical)  # "Wilbur Ross Says ...": "Ross"
        elif len(canonical.split()) >= 2:
            for key in surname_keys(bare):
                if key not in self.full_names or key in self.guessed:  # a named person beats a guess
                    self.full_names[key] = canonical
                    self.guessed.discard(key)
        self.note_gender(canonical, name)
        return canonical

    def learn_candidate(self, name: str) -> None:
        """A two-word proper-noun run that may be a person: remembered only if no better name is known."""
        words = name.split()
        if len(words) == 2 and words[-1] not in self.full_names and not HONORIFICS.match(name) \
                and words[-1].lower() not in NAME_SUFFIXES:
            self.full_names[words[-1]] = name
            self.guessed.add(words[-1])

    def _roster_entry(self, text: str, *, allow_pronoun_alias: bool) -> Speaker | None:
        """The roster entry a mention names, else the one person whose family name, written first, a
        one-word mention is ("Mao told reporters": Mao Ning)."""
        hit = self.roster.match(text, allow_pronoun_alias=allow_pronoun_alias)
        if hit is None and len(text.split()) == 1:
            hit = self.roster.by_family_name(text)
        return hit

    def _alias_fits(self, roster_name: str, name: str) -> bool:
        """A surname alias must not swallow a different full name ("Li Qiang" is not Li Chenggang)."""
        name, full = fold(name).lower(), fold(roster_name).lower()  # "Lee Jae Myung" is "Lee Jae-myung"
        words = name.split()
        if len(words) <= 1:
            return True
        return name == full or full in name or " ".join(words[-2:]) in full \
            or any(name == fold(a).lower() for a in self.roster.get(roster_name).aliases)

    def _particle_name(self, name: str) -> str | None:
        """The article's full name a particle surname stands for ("von der Leyen", "Von der Leyen")."""
        if name.split()[0].lower() not in NAME_PARTICLES:
            return None
        return next((full for key, full in self.full_names.items() if key.lower() == name.lower()), None)

    def known_full_name(self, word: str) -> str | None:
        """The article's full name a one-word mention stands for: by surname ("Lipsky" -> "Josh
        Lipsky"), else by a family name written first ("Mao" -> "Mao Ning"), when only one fits."""
        if word in self.full_names:
            return self.full_names[word]
        firsts = {full for full in self.full_names.values() if len(full.split()) == 2 and full.split()[0] == word}
        firsts = {f for f in firsts if not any(o != f and o.startswith(f) for o in firsts)}  # "Moon Jae" of "Moon Jae-in"
        hit = self.roster.match(word, allow_pronoun_alias=False)
        if hit is not None and hit.type == "person" and not any(self.roster.get(f) for f in firsts):
            return None  # "Trump" of the headline's "Trump Slams ...": the roster's Donald Trump, not a name in family-first order
        if len(firsts) == 1:
            return firsts.pop()
        return self.headline_surnames.get(word)  # the last word of a headline's name, never its first

    def person(self, name: str) -> Resolved:
        """A person's mention: a surname seen in full earlier in the article, else the roster."""
        bare = HONORIFICS.sub("", _clean_name(name))
        full = self.known_full_name(bare) if len(bare.split()) == 1 else self._particle_name(bare)
        return self._met(Resolved(full if full is not None else self.learn_person(bare), "person"))

    def _met(self, who: Resolved | None) -> Resolved | None:
        """Note a person as the latest one named in the article (for `_roster_holder`)."""
        if who is not None and who.type == "person":
            if who.name in self.people:
                self.people.remove(who.name)
            self.people.append(who.name)
        return who

    def phrase(self, text: str, *, person_names: list[str], plural: bool, is_org: bool,
               pronoun_position: bool = False) -> Resolved | None:
        """Canonicalise a noun phrase naming a speaker (not a pronoun)."""
        return self._met(self._phrase(text, person_names=person_names, plural=plural, is_org=is_org,
                                      pronoun_position=pronoun_position))

    def _phrase(self, text: str, *, person_names: list[str], plural: bool, is_org: bool,
                pronoun_position: bool = False) -> Resolved | None:
        text = _clean_name(text)
        if not text:
            return None
        if text in self.acronyms:  # "The ASA said", after "the American Soybean Association (ASA)"
            return self.note_body(self.acronyms[text])
        owned = OWNED.match(text)
        if owned:  # "Tarriela's statement said": Tarriela
            return self.phrase(owned.group("owner"), person_names=[n for n in person_names if n in owned.group("owner")],
                               plural=False, is_org=is_org)
        titled = TITLED_NAME.match(text)
        if titled:
            who = self.person(titled.group("name"))  # "Commerce and Industry Minister Piyush Goyal" is one person
            self.note_title(titled.group("title"), who.name)
            self.note_spokesperson(titled.group("title"), who.name)
            return who
        if not person_names and is_spokes_title(text) and not BARE_SPOKES.match(text):
            titled_person = self.by_title(text)  # "the MEA spokesperson", after "MEA spokesperson Anil Rao"
            if titled_person is not None:
                return titled_person
            body = self.body(spokes_body_text(text) or "")  # "The Chinese MFA Spox said": the body it speaks for
            if body is not None:
                return self.note_body(body)
        if person_names and is_spokes_title(text):  # "the ministry's spokesman, Gao Feng": the person, for the body
            name = next((n for n in person_names if len(n.split()) >= 2), person_names[-1])
            who = self.person(name)
            self.note_spokesperson(text.replace(_clean_name(name), " "), who.name)
            return who
        parts = [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", text) if p.strip()]
        if len(parts) >= 2 and all(self._looks_like_name(p) for p in parts):
            members = []
            for p in parts:
                r = self.phrase(p, person_names=[n for n in person_names if n in p], plural=False, is_org=False)
                if r is not None:
                    members.extend(r.members or (r.name,))
            if len(members) >= 2:
                name = ", ".join(members[:-1]) + " and " + members[-1]
                return Resolved(name, "group", tuple(members))
        if self.known_full_name(HONORIFICS.sub("", text)):  # a surname met in full earlier in the article
            return self.person(text)
        particle = self._particle_name(HONORIFICS.sub("", text))  # "von der Leyen", met in full earlier
        if particle is not None:
            return Resolved(particle, "person")
        for n in person_names:  # a named person inside the phrase wins ("his spokeswoman Tammy Bruce")
            if len(n.split()) >= 2 or self.known_full_name(n):
                return self.person(n)
        hit = self._roster_entry(text, allow_pronoun_alias=not pronoun_position)
        by_title = hit is not None and hit.type == "person" and self.roster.by_title(text) is hit
        if hit is not None and (self._alias_fits(hit.name, HONORIFICS.sub("", text)) or hit.type != "person" or by_title):
            if by_title:
                return Resolved(self.office_holder(hit), "person")
            return self.note_body(hit.name) if hit.type == "body" else Resolved(hit.name, hit.type)
        if person_names:
            return self.person(person_names[-1])
        titled_person = self.by_title(text)
        if titled_person is not None:
            return titled_person
        if BARE_SPOKES.match(text):  # "the spokesperson", no one named so: the voice of the article's body
            return self.note_body(self.bodies[-1]) if self.bodies else None
        earlier = self.earlier_body(text)
        if earlier is not None:
            return self.note_body(earlier)
        kind = "group" if plural else "body" if is_org or GENERIC_BODY.match(text) else "person"
        name = text[0].upper() + text[1:] if text[0].islower() and kind != "person" else text
        return self.note_body(name) if kind == "body" else Resolved(name, kind)

    def office_holder(self, holder: Speaker) -> str:
        """Who a roster title ("the top US diplomat", "the Secretary of State") stands for here: the
        roster's holder, unless the article names only another roster person of the same office in
        another term ("US Secretary of State (2021-2025)": Blinken in an article of his years)."""
        office = _office(holder.role)
        if not office or holder.name in self.people:
            return holder.name
        for name in reversed(self.people):
            entry = self.roster.get(name)
            if entry is not None and entry.type == "person" and entry.name != holder.name and _office(entry.role) == office:
                return entry.name
        return holder.name

    def known(self, text: str) -> Resolved | None:
        """A speaker the roster or this article already knows, named by `text` ("Greer", "Trump");
        None for a name met nowhere else, which alone is too weak to act on."""
        who = self.phrase(text, person_names=[], plural=False, is_org=False)
        if who is None or not (who.name in self.roster or
                               who.type == "person" and who.name in self.full_names.values()):
            return None
        return who

    @staticmethod
    def _looks_like_name(part: str) -> bool:
        w = part.strip().split()
        return bool(w) and all(x[:1].isupper() for x in w) and len(w) <= 4


