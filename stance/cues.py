"""Reporting cues in a parse: which words report speech, and which phrase names who speaks.

The parse-level half of attribution (speakers.py keeps the article-level half: salience, names,
continuations): a cue is a reporting verb ("said", "blasted"), "according to", or a speech noun
("statement"); its speaker is the subject, an agent, or the object of "according to", read as the
noun phrase without relative clauses or trailing appositions (`source_phrase` gives the whole phrase,
with them, for the record's `speaker_phrase`). Tokens inside quotation marks never count (`Ranges`).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from .nlp import ADVERB_TAGS
from .salience import PRONOUNS, SUBJECT_DEPS
from .titles import ROLE_NOUNS

# Reporting verbs and phrases, by lemma.
CUE_LEMMAS = frozenset("""
say tell add stress accuse claim call describe dub blast vow warn write express announce insist argue note state
declare explain suggest predict urge ask reply respond answer tweet post complain acknowledge admit deny confirm
reiterate emphasize emphasise praise criticize criticise condemn slam label brand term characterize characterise
promise pledge threaten boast quip joke recall remark comment observe contend maintain assert concede caution lament
charge allege demand hail welcome decry testify signal counter retort scoff mock dismiss lash rail tout laud
highlight underscore assure concur agree speak quote continue conclude begin recount estimate forecast cite
chant shout yell scream exclaim cry whisper mutter muse wonder liken read sing interject
denounce reject blame outline hint indicate mention reaffirm affirm applaud lambaste rebuke voice reassure propose
trumpet proclaim brag crow echo opine chime plead reason fume gush rant marvel summarize summarise
""".split())
NOUN_CUES = frozenset({"statement", "remarks", "interview", "communique", "post", "tweet", "message", "speech"})
HEAD_CLIMB_DEPS = ("conj", "advcl", "xcomp", "ccomp", "acl", "relcl", "pcomp")
STOP_SUBJECTS = {"reporters", "journalists"}
# Subjects that cannot speak: "The third retaliatory measure ..., citing the need to".
NOT_AGENTS = frozenset("measure tariff levy duty move decision ban sanction restriction policy".split())
UTTERANCES = frozenset("statement remark remarks comment tweet post letter communique release readout message".split())
# Parts of a subject's subtree that are not part of its name.
CUT_DEPS = {"relcl", "acl", "punct", "advmod", "parataxis", "ccomp", "advcl", "prep", "npadvmod", "dep"}
SPEAKER_ENTS = ("PERSON", "ORG", "NORP", "GPE")


class Ranges(list):
    """The quote spans of a paragraph, (start, end) sorted, with a membership test in log time:
    a paragraph of a thousand quotes must not make every token test a thousand spans."""

    def __init__(self, spans: Any = ()) -> None:
        super().__init__(sorted(spans))
        self._starts = [s for s, _ in self]
        self._max_end: list[int] = []
        for _, e in self:
            self._max_end.append(max(e, self._max_end[-1]) if self._max_end else e)

    def covers(self, a: int) -> bool:
        """Whether offset `a` is in a span or on its marks (s - 1 <= a < e + 1)."""
        i = bisect_right(self._starts, a + 1)
        return i > 0 and self._max_end[i - 1] + 1 > a


def inside(tok: Any, base: int, ranges: Ranges) -> bool:
    """Whether a token lies inside quotation marks."""
    return ranges.covers(base + tok.idx)


HEADLINE_SMALL = frozenset("a an and as at but by for from in into of on or over the to up vs with".split())


def title_case(sent: Any) -> bool:
    """A headline written in title case: at least four words, every word but the small ones
    capitalised ("Speaker Johnson Squirms When Asked About Trump Tariffs")."""
    words = [t.text for t in sent if t.is_alpha]
    return len(words) >= 4 and all(w[:1].isupper() for w in words if w.lower() not in HEADLINE_SMALL)


def is_cue(tok: Any) -> bool:
    if tok.lemma_.lower() in CUE_LEMMAS and tok.pos_ in ("VERB", "AUX"):
        return True
    if tok.lower_ in ("said", "says") and tok.pos_ == "AUX":  # mis-tagged in a long sentence, left unlemmatised
        return True
    if tok.lemma_.lower() == "point" and tok.pos_ == "VERB" and any(c.dep_ == "prt" and c.lower_ == "out"
                                                                   for c in tok.children):
        return True  # "Haddad pointed out that ..."
    if tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children):
        return True
    return tok.lemma_.lower() in NOUN_CUES and tok.pos_ == "NOUN"


MODALS = frozenset("will would shall should can could may might must".split())


def unrealised(cue: Any) -> bool:
    """A cue verb with a modal or an infinitive 'to' ("would respond", "vowed to answer")."""
    return any(c.dep_ == "aux" and (c.lower_ in MODALS or c.lower_ in ("'ll", "’ll", "to")) for c in cue.children)


def subject_of(cue: Any, base: int, ranges: Ranges) -> Any | None:
    """The token naming who speaks through `cue`: its subject, an agent, or the object of 'according to'."""
    if cue.lower_ == "according":
        for c in cue.children:
            if c.lower_ == "to":
                return next((g for g in c.children if g.dep_ == "pobj"), None)
    tok = cue
    for _ in range(4):
        for c in tok.children:
            if c.dep_ in SUBJECT_DEPS and not inside(c, base, ranges):
                if c.lower_ in ("who", "that", "which") and tok.dep_ == "relcl":
                    return tok.head
                return c
            if c.dep_ == "agent":
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        if tok.dep_ in HEAD_CLIMB_DEPS and tok.head is not tok and tok.head.pos_ in ("VERB", "AUX"):
            tok = tok.head
            continue
        verb = _clause_verb(tok)
        if verb is not None:
            tok = verb
            continue
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("VERB", "AUX"):
            verb = tok.head.head
            quoted = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if tok.head.lower_ == "as" and verb.lemma_.lower() in ("quote", "cite") and quoted is not None \
                    and not inside(quoted, base, ranges):
                return quoted  # "Xinhua quoted Xi as saying ...": the one quoted speaks
            tok = verb  # "... by announcing": climb through the preposition
            continue
        break
    return None


def _clause_verb(tok: Any) -> Any | None:
    """"X emphasized the consequences, stating, '...'": a participle after a comma that the parse hangs
    on the object noun belongs to the clause; its verb, else None."""
    if tok.dep_ != "acl" or tok.tag_ != "VBG" or tok.i == 0 or tok.nbor(-1).text != ",":
        return None
    verb = tok.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb and verb.dep_ in ("dobj", "pobj", "prep", "attr"):
        verb = verb.head
    return verb if verb.pos_ in ("VERB", "AUX") else None


def topmost(tokens: list[Any]) -> Any | None:
    """The token nearest the root of the parse (first of equals), None for none."""
    return min(tokens, key=lambda t: len(list(t.ancestors)), default=None)


def nearest_noun(cue: Any, sent: Any, base: int, ranges: Ranges) -> Any | None:
    """Fallback when the parse gives no subject: the closest name or noun left of the cue, else right of it."""
    left = [t for t in sent if t.i < cue.i and cue.i - t.i <= 6 and not inside(t, base, ranges)]
    for t in reversed(left):
        if t.ent_type_ in SPEAKER_ENTS or ROLE_NOUNS.search(t.text) or t.lower_ in PRONOUNS - {"that", "which", "one"}:
            if t.lower_ in STOP_SUBJECTS:
                continue
            while t.dep_ == "compound" and t.head.i > t.i and t.head.i < cue.i:
                t = t.head
            if t.lemma_.lower() in NOT_AGENTS:  # "the US tariffs, stating": not who states
                continue
            return t
    right = [t for t in sent if t.i > cue.i and t.i - cue.i <= 4 and not inside(t, base, ranges)]
    for t in right:
        if t.ent_type_ in SPEAKER_ENTS or (t.pos_ == "PRON" and t.lower_ in PRONOUNS):
            while t.dep_ == "compound" and t.head.i > t.i:
                t = t.head
            return t
    return None


def mention_tokens(tok: Any, base: int, ranges: Ranges) -> list[Any]:
    """The words of the noun phrase headed by `tok`, with names coordinated before it ("Bessent and Greer")."""
    keep = _phrase_tokens(tok, base, ranges)
    doc = tok.doc
    i = keep[0].i
    # The parser often misses a coordination of names in front of the subject: take it back.
    joined = False
    while i >= 2 and (doc[i - 1].lower_ in ("and", "&") or doc[i - 1].text == "," and joined) \
            and doc[i - 2].text[:1].isupper() and doc[i - 2].dep_ not in ("pobj", "dobj") \
            and not inside(doc[i - 2], base, ranges) and doc[i - 2].pos_ in ("PROPN", "ADJ", "NOUN"):
        joined = True
        i -= 2
        while i >= 1 and doc[i - 1].pos_ == "PROPN" and not inside(doc[i - 1], base, ranges):
            i -= 1
    end = keep[-1].i + 1  # a hyphenated given name the parser split ("Moon Jae" "-" "in")
    while end + 1 < len(doc) and doc[end - 1].whitespace_ == "" and doc[end].text == "-" and doc[end].whitespace_ == "" \
            and doc[end + 1].is_alpha and doc[end + 1].is_lower and doc[end - 1].ent_type_ == "PERSON":
        keep = keep + [doc[end], doc[end + 1]]
        end += 2
    words = [doc[j] for j in range(i, keep[0].i)] + keep
    while len(words) > 1 and words[0].tag_ in ADVERB_TAGS:  # "Earlier Downing Street had insisted"
        words = words[1:]
    return words


def source_phrase(tok: Any, words: list[Any], base: int, ranges: Ranges) -> str:
    """The whole phrase that names who speaks, as the article writes it: the mention `words`
    with the rest of its noun phrase, its appositions and their relative clauses ("Patrick
    McGinley, a law professor at West Virginia University"; PolNeAR's Source span), but not a
    second apposition hung on a noun further in ("the foreign minister of France, a permanent
    member of ..."). Never a word inside quotation marks, a verb of the sentence's spine,
    or past the paragraph."""
    head = tok
    while head.head is not head and (head.dep_ in ("compound", "flat") or head.dep_ == "appos" and (
            head.head.ent_type_ in SPEAKER_ENTS or ROLE_NOUNS.search(head.head.text))):
        head = head.head
    appos = [c.i for c in head.children if c.dep_ == "appos" and c.i > head.i]
    chain = {head.i, *appos[:1]}  # the name and its first apposition
    dropped: set[int] = set()
    clauses: set[int] = set()
    for t in head.subtree:
        if t.dep_ == "appos" and t.i not in chain:
            dropped |= {d.i for d in t.subtree}
        elif t.dep_ in ("relcl", "acl"):  # a clause running into the quote frames it ("describing them as '...'")
            inner = list(t.subtree)
            (dropped if any(inside(d, base, ranges) for d in inner) else clauses).update(d.i for d in inner)
    allowed = {t.i for t in head.subtree} - dropped | {t.i for t in words}
    doc = tok.doc

    def ok(i: int) -> bool:
        t = doc[i]
        return i in allowed and not inside(t, base, ranges) and "\n" not in t.text and t.dep_ != "ROOT" \
            and (t.pos_ not in ("VERB", "AUX") or i in clauses or t.dep_ in ("amod", "compound", "acl"))

    start, end = words[0].i, words[-1].i
    while start > 0 and ok(start - 1):
        start -= 1
    while end + 1 < len(doc) and ok(end + 1):
        end += 1
    while start < words[0].i and (doc[start].tag_ in ADVERB_TAGS or doc[start].is_punct):
        start += 1  # "Even China, Pyongyang's only ally"
    return doc[start:end + 1].text.strip(" ,;:-\u2014\u2013")


def _names_on(tok: Any, prep: Any) -> bool:
    """"Chamber of Commerce", "Court of Appeals for the Federal Circuit": a name that goes on
    through "of"/"for" and another proper noun (a person's name does not: "Lula of Brazil")."""
    return tok.pos_ == "PROPN" and tok.ent_type_ != "PERSON" and tok.text[:1].isupper() \
        and prep.lower_ in ("of", "for") \
        and any(g.dep_ == "pobj" and g.pos_ == "PROPN" and g.text[:1].isupper() for g in prep.children)


def _phrase_tokens(tok: Any, base: int, ranges: Ranges) -> list[Any]:
    """The words of the noun phrase headed by `tok`, without relative clauses or trailing appositions."""
    keep = [tok]
    for c in tok.children:
        if inside(c, base, ranges):
            continue
        if c.dep_ in CUT_DEPS and not (c.dep_ == "prep" and c.i > tok.i and c.lower_ in ("of", "for", "at", "from")
                                       and (ROLE_NOUNS.search(tok.text) or _names_on(tok, c))):
            continue
        if c.dep_ == "appos" and c.i > tok.i and any(t.text == "," for t in tok.doc[tok.i:c.i]):
            continue
        keep.extend(_phrase_tokens(c, base, ranges))
    return sorted(keep, key=lambda t: t.i)
