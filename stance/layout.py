"""Speakers found without a reporting cue, from how the page is laid out and from the whole article.

The attributor (speakers.py) reads cues in a sentence; these fall-backs read what it cannot: a
name signed after a dash ('"..." - Jane Doe'), a transcript caption in capitals, a clause ending
in a colon ('Lula was defiant: "..."'), words quoted inside a clause whose subject is a person
('Sheinbaum "categorically rejected" the claim'), a quote inside a quote that names who says it,
'That was the message from X' after the quote, a headline that repeats a body quote or names its
speaker before a headline verb, the pieces of one quote split over paragraphs, a description or a
surname met before the full name.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .cues import Ranges, inside, is_cue, mention_tokens, topmost
from .mentions import DETERMINERS
from .quotes import Span
from .records import Article, Paragraph
from .salience import SPEECH_NOUNS, Resolved, speech_owner
from .speakers import Attribution, Attributor
from .terms import MAX_TERM_WORDS


def norm_text(s: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", s.lower().replace("’", "'")))


SIGNATURE = re.compile(r"[\"”’']?\s*[,]?\s*[―—–]\s*([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})")


def dash_signature(article: Article, att: Attributor, sp: Span) -> Attribution | None:
    """'"..." ― Jane Doe': a name signed after a dash, as in letters, vox pops and epigraphs."""
    m = SIGNATURE.match(article.clean, sp.end)
    if m is None:
        return None
    name = m.group(1)
    who = att.canon.person(name)
    return Attribution(who, name, None, "cue")


MESSAGE_FROM = re.compile(
    r"[\"”’']?\s*(?:That|This|Such|Those|These)\s+(?:was|is|were|are|came|comes)\s+(?:the\s+)?(?:[a-z]+\s+)?"
    r"(?:message|word|words|warning|verdict|view|response|reaction|assessment|promise|pledge|answer|reply)\s+"
    r"(?:from|of)\s+([^.,;:!?\n]{2,120})")


# A broadcast transcript's caption: "[Soundbite] TAKESHI IWAYA(DEFENSE MINISTER) : "...", "GAO FENG
# SPOKESPERSON, CHINESE MINISTRY OF COMMERCE "..."": a name in capitals opening the paragraph, then
# nothing in lower case before the quote.
CAPTION = re.compile(r"(?:\[[^\]\n]{1,30}\]\s*)?"
                     r"(?P<name>[A-Z][A-Z'’.-]+\s+[A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+)?)(?=[\s(,:])"
                     r"[^a-z\n]{0,100}[\"“‘']\s*$")


def caption_name(article: Article, para: Paragraph, att: Attributor, sp: Span) -> Attribution | None:
    """The speaker a transcript caption names in capitals before the quote; a third capitalised word
    is part of the name only when the roster or the article knows the three ("WANG HUI BEIJING": Wang Hui)."""
    m = CAPTION.match(article.clean[para.start:sp.start])
    if m is None:
        return None
    words = [w.title() for w in m.group("name").split()]
    full = " ".join(words)
    name = full if len(words) == 2 or att.canon.known(full) is not None else " ".join(words[:2])
    return Attribution(att.canon.person(name), " ".join(m.group("name").split()[:len(name.split())]), None, "cue")


def entity_speaker(att: Attributor, ent: Any) -> Resolved | None:
    """The speaker a named entity stands for: a person by name, else a body or group phrase."""
    if ent.label_ == "PERSON":
        return att.canon.person(ent.text)
    return att.canon.phrase(ent.text, person_names=[], plural=ent.label_ == "NORP", is_org=ent.label_ == "ORG")


COLON_BEFORE = re.compile(r":\s*[\"“‘']?\s*$")
SPEAKING_ENTS = ("PERSON", "ORG", "NORP", "GPE")


def colon_intro(article: Article, para: Paragraph, doc: Any, att: Attributor, sp: Span,
                 ranges: Ranges) -> Attribution | None:
    """'Lula was defiant when asked about the threat: "The world has changed."': a quote after the
    colon of a clause without a reporting verb is the words of that clause's subject, when the
    subject is a named person, a body or a country, or a pronoun for one."""
    if not COLON_BEFORE.search(article.clean[max(para.start, sp.start - 6):sp.start]):
        return None
    at = sp.start - para.start
    sent = next((s for s in doc.sents if s.start_char < at <= s.end_char + 3), None)
    if sent is None:
        return None
    clause = [t for t in sent if t.idx < at and not inside(t, para.start, ranges)]
    subj = next((t for t in clause if t.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:  # the parse hung the name elsewhere ("..., Lula was defiant"): a name before a verb
        subj = next((t for t in clause if t.ent_type_ == "PERSON" and t.i + 1 < len(doc) and not t.nbor().ent_type_
                     and t.nbor().pos_ in ("AUX", "VERB")), None)
    if subj is None:
        return None
    if subj.lower_ in ("he", "she", "they"):
        who = att.salience.resolve(subj.lower_, para.start + subj.idx,
                                   att.sentence_at.get(para.start + sent.start_char, att.sentence_no))
        return Attribution(who, subj.text, None, "cue") if who is not None else None
    ent = next((e for e in doc.ents if e.start <= subj.i < e.end and e.label_ in SPEAKING_ENTS), None)
    if ent is None:
        return None
    who = entity_speaker(att, ent)
    if who is None:
        return None
    att.salience.add(para.start + subj.idx, att.sentence_no, who, True)
    mtoks = mention_tokens(subj, para.start, ranges)
    return Attribution(who, doc[mtoks[0].i: mtoks[-1].i + 1].text, None, "cue")


def clause_subject(para: Paragraph, doc: Any, att: Attributor, sp: Span, ranges: Ranges) -> Attribution | None:
    """'President Sheinbaum "categorically rejected" the claim', 'Navarro guaranteed viewers there
    would be "no recession"': words quoted inside a clause with no reporting cue are the words of
    the nearest clause subject above them, named before the quote, that is a person (a name, or
    "he"/"she" resolved) or a named body. Other subjects ("The spat meant it would be "very
    difficult"") are passed over on the way up; a name or a label in quote marks, or words under a
    speech noun (the critics' words), get no speaker here."""
    qtoks = [t for t in doc if sp.start <= para.start + t.idx < sp.end]
    words = [t for t in qtoks if not t.is_punct]
    head = topmost(words)
    if head is None or _names_a_thing(words, doc):
        return None
    tok = head
    for _ in range(MAX_CLIMB):
        if tok is not head and tok.pos_ == "NOUN" and tok.lemma_.lower() in SPEECH_NOUNS | {"criticism"}:
            return None  # 'rebutting criticism that the pomp was "overly festive"': the critics' words
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < qtoks[0].i
                     and not inside(c, para.start, ranges)), None) if tok.pos_ in ("VERB", "AUX") else None
        if subj is not None:
            who = _person_subject(subj, para, doc, att)
            if who is not None:
                mtoks = mention_tokens(subj, para.start, ranges)
                return Attribution(who, doc[mtoks[0].i: mtoks[-1].i + 1].text, None, "cue")
        if tok.head is tok:
            return None
        tok = tok.head
    return None


def nested_cue(para: Paragraph, doc: Any, att: Attributor, sp: Span, outer: Span) -> Attribution | None:
    """'"Yesterday Chuck Schumer said 'the summit was a success.' Thank you Chuck!" Trump wrote': words
    quoted inside a quote are the words of whom the outer quote has say them, when it names them:
    the subject of a reporting verb above them ("China is saying, '...'"), or the owner of a speech
    noun ("President Biden's commitment to 'not seek to contain China'"). A pronoun there speaks
    from the quoted speaker's side, not the article's: left alone, as is anything unnamed."""
    qtoks = [t for t in doc if sp.start <= para.start + t.idx < sp.end]
    head = topmost([t for t in qtoks if not t.is_punct])
    if head is None:
        return None

    def in_outer(t: Any) -> bool:
        return outer.start <= para.start + t.idx < outer.end and not sp.start <= para.start + t.idx < sp.end

    owner = speech_owner(head, is_cue)
    if owner is not None and in_outer(owner):
        subj = owner
    else:
        cue = next((a for a in list(head.ancestors)[:3] if is_cue(a) and in_outer(a)), None)
        subj = next((c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass") and in_outer(c)), None) \
            if cue is not None else None
    if subj is None or subj.pos_ != "PROPN":
        return None
    ent = next((e for e in doc.ents if e.start <= subj.i < e.end and e.label_ in SPEAKING_ENTS), None)
    if ent is None:  # a name the recogniser missed: a titled full name ("President Ana Ruiz") or one known
        words = [t for t in subj.subtree if t.i <= subj.i and t.pos_ == "PROPN" and t.text[:1].isupper()]
        text = " ".join(t.text for t in words)
        who = att.canon.known(text) or att.canon.phrase(text, person_names=[], plural=False, is_org=False)
        full = who is not None and who.type == "person" and len(who.name.split()) >= 2
        return Attribution(who, text, None, "nested") if full else None
    who = entity_speaker(att, ent)
    return Attribution(who, ent.text, None, "nested") if who is not None else None


NAME_LINKS = frozenset("the of and on for in a with".split())  # small words inside a name
LABEL_BEFORE = frozenset("a an the its their his her our".split())  # 'a "criminal organization"'


def _names_a_thing(words: list[Any], doc: Any) -> bool:
    """Quoted words that name something rather than say it: a name ('the "Sea Lanes Act,"'), or a
    few words without a verb after an article or a possessive ('a "criminal organization"', 'its
    "white list"')."""
    if all(t.text[:1].isupper() or t.lower_ in NAME_LINKS for t in words if t.is_alpha):
        return True
    if len(words) > MAX_TERM_WORDS or any(t.pos_ in ("VERB", "AUX") for t in words):
        return False
    before = next((t for t in reversed(doc[:words[0].i]) if not t.is_punct), None)
    return before is not None and before.lower_ in LABEL_BEFORE
MAX_CLIMB = 6  # words up the parse from the quote to the clause whose subject speaks


def _person_subject(subj: Any, para: Paragraph, doc: Any, att: Attributor) -> Resolved | None:
    """The person a clause subject names: "he"/"she" resolved, a PERSON name, or a name the
    roster or the article knows; None for anything else."""
    if subj.lower_ in ("he", "she"):
        sent_at = att.sentence_at.get(para.start + subj.sent.start_char, att.sentence_no)
        return att.salience.resolve(subj.lower_, para.start + subj.idx, sent_at)
    if subj.pos_ != "PROPN":
        return None
    ent = next((e for e in doc.ents if e.start <= subj.i < e.end and e.label_ in ("PERSON", "ORG")), None)
    if ent is not None and ent.label_ == "ORG":  # "The Chinese Commerce Ministry encouraged ... to "..."": a body
        who = att.canon.phrase(ent.text, person_names=[], plural=False, is_org=True)
        return who if who is not None and who.type == "body" else None
    who = att.canon.person(ent.text) if ent is not None else att.canon.known(subj.text)
    return who if who is not None and who.type == "person" else None


def message_from(article: Article, para: Paragraph, doc: Any, att: Attributor, sp: Span) -> Attribution | None:
    """'"..." That was the message from Prime Minister Jane Doe': the speaker named just after."""
    m = MESSAGE_FROM.match(article.clean, sp.end)
    if m is None:
        return None
    lo, hi = m.start(1) - para.start, m.end(1) - para.start
    ents = [e for e in doc.ents if lo <= e.start_char and e.end_char <= hi and e.label_ in ("PERSON", "ORG", "NORP")]
    if not ents:
        return None
    e = min(ents, key=lambda x: (("PERSON", "ORG", "NORP").index(x.label_), x.start_char))  # "Canadian PM Jane Doe"
    who = entity_speaker(att, e)
    return Attribution(who, e.text, None, "cue") if who is not None else None


def share_along_chains(spans: list[Span], decided: list[tuple[Attribution, str]]) -> None:
    """Pieces of one multi-paragraph quote share a speaker, even when the cue is in a later piece."""
    for i in range(len(spans) - 1, -1, -1):
        prev = spans[i].continues
        if prev is not None and decided[prev][0].speaker is None and decided[i][0].speaker is not None:
            src = decided[i][0]
            decided[prev] = (Attribution(src.speaker, src.mention, src.cue, "continuation", src.phrase),
                             decided[prev][1])


HEADLINE_CUE = re.compile(
    r"([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s+(?:says|hails|slams|warns|vows|calls|urges|blasts|touts|decries|"
    r"rejects|insists|admits|claims|denies|pledges|praises|criticises|criticizes|accuses|dubs|brands)\b")


def attribute_headlines(article: Article, spans: list[Span], decided: list[tuple[Attribution, str]],
                         att: Attributor) -> None:
    """A headline quoting words that a body quote attributes takes that speaker; else the name
    before a headline cue ("Trump hails 'great deal' with Xi"), known to the roster or the article."""
    for i, (_, kind) in enumerate(decided):
        if kind != "headline":
            continue
        key = norm_text(article.text[spans[i].start:spans[i].end])
        for j, (other, okind) in enumerate(decided):
            if okind != "headline" and other.speaker is not None and key and \
                    key in norm_text(article.text[spans[j].start:spans[j].end]):
                decided[i] = (Attribution(other.speaker, None, None, "headline"), "headline")
                break
        else:
            line_start = article.clean.rfind("\n", 0, spans[i].start) + 1
            m = HEADLINE_CUE.match(article.clean, line_start)
            if m is None or m.end(1) > spans[i].start:
                continue
            who = att.canon.known(m.group(1))
            if who is not None:
                decided[i] = (Attribution(who, m.group(1), None, "headline"), "headline")


def late_descriptions(decided: list[tuple[Attribution, str]], att: Attributor) -> None:
    """A description left unresolved where it stood ("'...,' the president says" in a subtitle,
    before the article names anyone) is the person the whole article gives that title or
    description: read again once every title and apposition of the article is known."""
    for i, (a, kind) in enumerate(decided):
        if a.speaker is None or a.speaker.type != "person" or not a.mention \
                or not att.canon.is_description(a.mention, a.speaker):
            continue
        who = att.canon.described_person(a.mention) or att.canon.by_title(DETERMINERS.sub("", a.mention.strip()))
        if who is None or who.name == a.speaker.name:
            continue
        decided[i] = (replace(a, speaker=who), kind)
        for j in range(i + 1, len(decided)):  # the quotes that inherited it
            b, bkind = decided[j]
            if b.how != "continuation" or b.speaker != a.speaker:
                break
            decided[j] = (replace(b, speaker=who), bkind)


def complete_names(decided: list[tuple[Attribution, str]], att: Attributor) -> None:
    """A one-word speaker met before its full name (a headline, a lede) takes the full name the
    article gives later; the NER may have called "Carney" an ORG."""
    for i, (a, kind) in enumerate(decided):
        one_word = a.speaker is not None and a.speaker.type in ("person", "body") and " " not in a.speaker.name
        full = None if not one_word else \
            att.canon.known_full_name(a.speaker.name) or _body_named_like(a.speaker.name, att)
        if full and full != a.speaker.name:
            decided[i] = (replace(a, speaker=Resolved(full, "person")), kind)


def _body_named_like(word: str, att: Attributor) -> str | None:
    """The one full name the article gave as a body that reads as a person's and ends in `word`
    ("Haley" after "Nikki Haley", which the recogniser took for an organisation)."""
    names = {b for b in att.canon.bodies if b.endswith(" " + word) and att.salience.reads_as_person(b)}
    return names.pop() if len(names) == 1 else None
