"""Stage 3: attribute each quoted span to a speaker.

For every quote we look, outside all quotation marks, for a reporting cue (a verb such as
"said", "told", "blasted", or "according to"; cues.py) that governs the quote or stands next to
it, take its subject, and canonicalise it (mentions.py), resolving pronouns and descriptions by
what the article has named so far (salience.py). A quote with no cue inherits the speaker of the
quote it continues; a span that is a name or a scare quote gets no speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from .bodies import SPOKES
from .cues import (NOT_AGENTS, STOP_SUBJECTS, UTTERANCES, Ranges, inside, is_cue, mention_tokens, nearest_noun,
                   source_phrase, subject_of, title_case, topmost, unrealised)
from .mentions import BODY_KINDS, Canonicalizer
from .nlp import repaired_people
from .quotes import Span
from .salience import (POSSESSIVE_PRONOUNS, PRONOUNS, SUBJECT_DEPS, Resolved, Salience, according_to,
                       gender_of_words, main_subject, speech_owner, surname_he)
from .titles import TITLE_APPOSED, apposition_after, titled_person_at_end


@dataclass(frozen=True)
class Attribution:
    """What the attributor decided for one span."""

    speaker: Resolved | None
    mention: str | None
    cue: str | None
    how: str  # "cue", "continuation", "headline", "term", "nested", "none"
    phrase: str | None = None  # the whole phrase naming the speaker, appositions included (cues.source_phrase)


SPOKES_BEFORE = re.compile(rf"{SPOKES}[\s,]*$", re.IGNORECASE)  # the title ends right before the name


class Attributor:
    """Attributes the spans of one article, paragraph by paragraph, keeping salience as it reads."""

    def __init__(self, canon: Canonicalizer) -> None:
        self.canon = canon
        self.salience = Salience(gender=canon.gender)
        self.sentence_no = 0
        self.sentence_at: dict[int, int] = {}  # article offset of a sentence start -> its number
        self._cues: dict[tuple, tuple[list[Any], list[int], list[Any]]] = {}  # per paragraph: tokens, offsets, cues
        self._ents: tuple[Any, list[Any], list[int]] | None = None  # the last doc, its entities and their starts

    def ents(self, doc: Any, start: int = 0, end: int | None = None) -> list[Any]:
        """The entities of `doc` between token `start` and `end`: `doc.ents` is rebuilt on every
        access, so a paragraph of many sentences reads it once, not once per sentence or quote."""
        if self._ents is None or self._ents[0] is not doc:
            ents = repaired_people(doc, list(doc.ents))
            self._ents = (doc, ents, [e.start for e in ents])
        _, ents, starts = self._ents
        return ents[bisect_left(starts, start):bisect_left(starts, len(doc) if end is None else end)]

    def read_sentence(self, sent: Any, base: int, ranges: Ranges) -> None:
        """Record the people and bodies a sentence mentions (outside quotes) and resolve its pronoun subject."""
        self.sentence_no += 1
        self.sentence_at[base + sent.start_char] = self.sentence_no
        headline = title_case(sent)
        for ent in self.ents(sent.doc, sent.start, sent.end):
            if headline and ent.label_ == "PERSON":
                self.canon.note_headline_name(ent.text)
            if ent.end > sent.end:
                continue
            if inside(ent[0], base, ranges):
                continue
            subj = ent.root.dep_ in SUBJECT_DEPS or (ent.root.dep_ in ("appos", "compound", "conj")
                                                     and ent.root.head.dep_ in SUBJECT_DEPS) or according_to(ent.root)
            if ent.label_ == "PERSON" or ent.label_ == "ORG" and self._person_taken_for_org(ent, sent):
                who = self.canon.person(ent.text)
                before = sent.doc[max(sent.start, ent.start - 4): ent.start].text
                if before:
                    self.canon.note_title(before, who.name)  # "Ontario Premier Doug Ford": "the premier" is Ford
                longer = sent.doc[max(sent.start, ent.start - 8): ent.start].text
                if longer and SPOKES_BEFORE.search(longer):
                    self.canon.note_spokesperson(longer, who.name)  # "Chinese Ministry of Defense spokesperson Jiang Bin"
                after, closed = apposition_after(ent, sent)
                if after:
                    self.canon.note_spokesperson(after, who.name)  # "Randhir Jaiswal, a ministry spokesperson,"
                    if closed:
                        self.canon.note_apposition(after, who.name)  # "Jane Ortiz, the committee's ranking member,"
            elif ent.label_ in ("ORG", "GPE", "NORP"):
                name = ent.text
                owner = [c for c in ent.root.children if c.dep_ == "poss" and c.i < ent.start]
                if owner and ent.label_ == "ORG":  # "China's commerce ministry": the owner belongs to the name
                    name = ent.doc[owner[0].left_edge.i: ent.end].text
                hit = self.canon.roster.match(name) or (self.canon.roster.match(ent.text) if name != ent.text else None)
                who = Resolved(hit.name, hit.type) if hit else Resolved(name, "group" if ent.label_ == "NORP" else "body")
                if ent.label_ == "ORG" and who.type == "body":
                    who = self.canon.note_body(who.name)
                    if ent.end + 2 < sent.end and sent.doc[ent.end].text == "(" and sent.doc[ent.end + 2].text == ")":
                        self.canon.note_acronym(sent.doc[ent.end + 1].text, who.name)
            else:
                continue
            self.salience.add(base + ent.start_char, self.sentence_no, who, subj, main_subject(ent.root))
        if self.canon.body_names is not None:  # countries named outside quotes, for "both countries", "both sides"
            self.salience.countries.extend((base + sent.start_char + i, c) for i, c in
                                           self.canon.body_names.countries_in(sent.text)
                                           if not ranges.covers(base + sent.start_char + i))
        self._read_subject_phrases(sent, base, ranges)
        if not headline:  # a title-case headline capitalises every word: its runs are not names
            self._learn_name_chains(sent, base, ranges)
        for tok in sent:
            if inside(tok, base, ranges):
                continue
            family_he = self._family_he(tok)
            if tok.dep_ in SUBJECT_DEPS and tok.lower_ in ("he", "she") and family_he is None:
                who = self.salience.resolve(tok.lower_, base + tok.idx, self.sentence_no)
                if who is not None:
                    self.salience.add(base + tok.idx, self.sentence_no, who, True, main_subject(tok))
            elif family_he is not None and tok.ent_type_ != "PERSON":  # a capitalised "He" mid-sentence
                self.salience.add(base + tok.idx, self.sentence_no, family_he, tok.dep_ in SUBJECT_DEPS,
                                  main_subject(tok))

    def _family_he(self, tok: Any) -> Resolved | None:
        """The roster's person of family name He when `tok` is that name, not the pronoun (`surname_he`)."""
        hit = self.canon.roster.match("He") if surname_he(tok) else None
        return Resolved(hit.name, hit.type) if hit is not None else None

    def _person_taken_for_org(self, ent: Any, sent: Any) -> bool:
        """"Penn Sovicheat, Secretary of State at the Ministry of Commerce,": a two- or three-word name
        the recogniser calls an organisation, apposed a job title, is a person."""
        words = ent.text.split()
        return 2 <= len(words) <= 3 and all(w[:1].isupper() and w.isalpha() for w in words) \
            and not any(w.lower() in BODY_KINDS for w in words) and self.canon.roster.match(ent.text) is None \
            and bool(TITLE_APPOSED.match(apposition_after(ent, sent)[0]))

    def _read_subject_phrases(self, sent: Any, base: int, ranges: Ranges) -> None:
        """Subjects that are not names ("Chinese officials", "the ministry") are referents for they/it."""
        for tok in sent:
            if tok.dep_ not in SUBJECT_DEPS or tok.pos_ not in ("NOUN", "PROPN") or inside(tok, base, ranges):
                continue
            mtoks = mention_tokens(tok, base, ranges)
            text = tok.doc[mtoks[0].i: mtoks[-1].i + 1].text
            main = main_subject(tok)
            if tok.pos_ == "PROPN" and tok.lower_ not in BODY_KINDS:
                who = self.canon.known(text) if not tok.ent_type_ else None  # a name the NER missed: "Greer disagreed."
                if who is not None and who.type == "person":
                    self.salience.add(base + tok.idx, self.sentence_no, who, True, main)
                continue
            if tok.pos_ == "PROPN":  # "Germany's finance ministry published ...", a body the NER missed
                who = self.canon.phrase(text, person_names=[], plural=False, is_org=True)
                if who is not None and who.type == "body":
                    self.canon.note_body(who.name)
                    self.salience.add(base + tok.idx, self.sentence_no, who, True, main)
                continue
            plural = tok.tag_ == "NNS" or any(t.dep_ == "conj" for t in mtoks)
            who = self.canon.phrase(text, person_names=[], plural=plural, is_org=False)
            if who is not None and who.type != "person":
                self.salience.add(base + tok.idx, self.sentence_no, who, True, main)

    def _learn_name_chains(self, sent: Any, base: int, ranges: Ranges) -> None:
        """Runs of proper nouns the NER missed ("Economist Sarah Connor") teach surnames their full name."""
        run: list[Any] = []
        for tok in list(sent) + [None]:
            if tok is not None and tok.pos_ == "PROPN" and tok.text[:1].isupper() and not inside(tok, base, ranges) \
                    and tok.ent_type_ in ("", "PERSON"):
                run.append(tok)
                continue
            if len(run) >= 2:
                self.canon.learn_candidate(" ".join(t.text for t in run[-2:]))
            run = []

    def _tokens_and_cues(self, sents: list[Any], base: int, ranges: Ranges
                         ) -> tuple[list[Any], list[int], list[Any]]:
        """The tokens of `sents`, their article offsets and the cues outside quotes, computed once
        per paragraph and sentence window (the spans of one long paragraph share them)."""
        key = (base, id(ranges), tuple((s.start, s.end) for s in sents))
        if key not in self._cues:
            if self._cues and next(iter(self._cues))[:2] != key[:2]:
                self._cues.clear()  # a new paragraph
            toks = [t for s in sents for t in s]
            self._cues[key] = (toks, [base + t.idx for t in toks],
                               [t for t in toks if not inside(t, base, ranges) and is_cue(t)])
        return self._cues[key]

    def from_cue(self, span: Span, sents: list[Any], base: int, ranges: Ranges) -> Attribution | None:
        """Find a cue for `span` in the sentences around it and resolve its subject."""
        toks, offsets, cues = self._tokens_and_cues(sents, base, ranges)
        qtoks = toks[bisect_left(offsets, span.start):bisect_left(offsets, span.end)]
        head = topmost(qtoks)
        words = [t for t in qtoks if not t.is_punct]
        owner = speech_owner(topmost(words), lambda t: t in cues or is_cue(t)) if words else None
        if owner is not None and not inside(owner, base, ranges):
            return self._resolve_subject(owner, owner.head.text, base, ranges, speaks=False)
        if not cues:
            return self._from_sentence_before(span, sents, base, ranges)
        cue = None
        if head is not None:
            above = [anc for anc in head.ancestors if anc in cues]
            # "Juncker says the bloc will respond by treating '...'": a cue verb in the future or the
            # infinitive is an act reported, not the report; the cue above it speaks
            cue = next((c for c in above if not unrealised(c)), above[0] if above else None)
        if cue is None:
            def distance(t: Any) -> tuple[int, int]:
                a = base + t.idx
                d = span.start - a if a < span.start else a - span.end
                return (1 if t.lower_ == "according" else 0, d)
            cue = min(cues, key=distance)
        return self._from_subject(cue, base, ranges)

    def _from_sentence_before(self, span: Span, sents: list[Any], base: int, ranges: Ranges) -> Attribution | None:
        """'Guo said that these are fake news. "We have not negotiated."': a quote that opens a sentence
        with no cue is the words of the person the paragraph's sentence before it reports."""
        first = sents[0] if sents else None
        if first is None or first.start == 0 or span.start - 1 > base + first.start_char:
            return None
        before = first.doc[first.start - 1].sent
        if any(inside(t, base, ranges) for t in before):
            return None  # a quote there: this one continues it (`stance.pipeline`)
        cues = [t for t in before if is_cue(t) and t.pos_ in ("VERB", "AUX")]
        cue = topmost(cues)  # the main verb's, over a clause's
        found = self._from_subject(cue, base, ranges) if cue is not None else None
        return found if found is not None and found.speaker is not None and found.speaker.type == "person" else None

    def _from_subject(self, cue: Any, base: int, ranges: Ranges) -> Attribution | None:
        """The speaker of a cue: its subject resolved (a pronoun, a statement, a name or a phrase)."""
        subj = subject_of(cue, base, ranges) or nearest_noun(cue, cue.sent, base, ranges)
        if subj is None or subj.lower_ in STOP_SUBJECTS or subj.lemma_.lower() in NOT_AGENTS:
            return None
        subj = titled_person_at_end(subj, cue) or subj
        return self._resolve_subject(subj, cue.text if cue.lower_ != "according" else "according to", base, ranges)

    def _resolve_subject(self, subj: Any, cue: str, base: int, ranges: Ranges, speaks: bool = True) -> Attribution:
        """Who the subject of a cue (or the owner of a claim: not `speaks`, so no more salient for
        it) is: a pronoun, a statement, a name or a phrase."""
        sentence = self.sentence_at.get(base + subj.sent.start_char, self.sentence_no)
        if subj.lower_ in PRONOUNS or subj.lower_ in POSSESSIVE_PRONOUNS:
            who = self._family_he(subj)
            if who is None:
                who = self.salience.resolve(POSSESSIVE_PRONOUNS.get(subj.lower_, subj.lower_), base + subj.idx, sentence)
            mention, phrase = subj.text, None
        else:
            mtoks = mention_tokens(subj, base, ranges)
            mention = subj.doc[mtoks[0].i: mtoks[-1].i + 1].text
            phrase = source_phrase(subj, mtoks, base, ranges)
            if subj.lemma_.lower() in UTTERANCES and not any(c.dep_ == "poss" or c.ent_type_ for c in subj.children):
                # "the statement said", "the remarks came": the words of whoever the article last had speak
                who = self.salience.resolve("any", base + subj.idx, sentence)
            else:
                who = self._named_subject(subj, mtoks, mention, base, sentence)
        if who is not None and speaks:  # who speaks is as salient as a main verb's subject
            self.salience.add(base + subj.idx, sentence, who, True, True)
        return Attribution(who, mention, cue, "cue", phrase)

    def _named_subject(self, subj: Any, mtoks: list[Any], mention: str, base: int, sentence: int) -> Resolved | None:
        """The speaker a cue's noun-phrase subject names: a person in it, else the phrase canonicalised."""
        pair = self.salience.pair(mention, base + subj.idx)  # "both sides said": the two parties named before
        if pair is not None:
            return pair
        # Names that only modify the head ("the Trump administration", "Trump's aide") do not speak.
        persons = [e.text for e in self.ents(subj.doc, mtoks[0].i, mtoks[-1].i + 1) if e.label_ == "PERSON"
                   and e.end <= mtoks[-1].i + 1
                   and not (e.root.dep_ in ("compound", "poss") and e.root.head.i > e.root.i
                            and e.root.head.ent_type_ != "PERSON")]
        if not persons:  # "Former secretary of state ..., Hillary Clinton, said": the apposed name, also when
            # the parse hangs it on the phrase's last noun ("The president of the X Association, Rick Helfenbein,")
            persons = [e.text for t in mtoks for c in t.children if c.dep_ == "appos"
                       for e in self.ents(subj.doc, max(0, c.i - 10), c.i + 1)
                       if e.label_ == "PERSON" and e.start <= c.i < e.end]
        orgs = any(e.label_ in ("ORG", "GPE", "NORP") and e.end <= mtoks[-1].i + 1
                   for e in self.ents(subj.doc, mtoks[0].i, mtoks[-1].i + 1))
        plural = subj.tag_ in ("NNS", "NNPS") or any(t.dep_ == "conj" for t in mtoks)
        who = self.canon.phrase(mention, person_names=persons, plural=plural, is_org=orgs,
                                pronoun_position=subj.text == "He" and not surname_he(subj))
        if who is not None and not persons and not plural and self.canon.is_description(mention, who):
            # "the French President said", "the rookie defenceman": the person an apposition described
            # so, else the person the article is talking about (of the gender the words give)
            pronoun = {"female": "she", "male": "he"}.get(gender_of_words(mention) or "", "person")
            who = self.canon.described_person(mention) or self.salience.resolve(pronoun, base + subj.idx, sentence) or who
        return who
