"""Speakers found without a reporting cue, from how the page is laid out and from the whole article.

The attributor (speakers.py) reads cues in a sentence; these fall-backs read what it cannot: a
name signed after a dash ('"..." - Jane Doe'), a clause ending in a colon ('Lula was defiant:
"..."'), 'That was the message from X' after the quote, a headline that repeats a body quote or
names its speaker before a headline verb, the pieces of one quote split over paragraphs, and a
surname met before the full name.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .cues import Ranges, inside, mention_tokens
from .quotes import Span
from .records import Article, Paragraph
from .salience import Resolved
from .speakers import Attribution, Attributor


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
    if subj is None:
        return None
    if subj.lower_ in ("he", "she", "they"):
        who = att.salience.resolve(subj.lower_, para.start + subj.idx,
                                   att.sentence_at.get(para.start + sent.start_char, att.sentence_no))
        return Attribution(who, subj.text, None, "cue") if who is not None else None
    ent = next((e for e in doc.ents if e.start <= subj.i < e.end and e.label_ in SPEAKING_ENTS), None)
    if ent is None:
        return None
    who = att.canon.person(ent.text) if ent.label_ == "PERSON" else \
        att.canon.phrase(ent.text, person_names=[], plural=ent.label_ == "NORP", is_org=ent.label_ == "ORG")
    if who is None:
        return None
    att.salience.add(para.start + subj.idx, att.sentence_no, who, True)
    mtoks = mention_tokens(subj, para.start, ranges)
    return Attribution(who, doc[mtoks[0].i: mtoks[-1].i + 1].text, None, "cue")


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
    who = att.canon.person(e.text) if e.label_ == "PERSON" else \
        att.canon.phrase(e.text, person_names=[], plural=e.label_ == "NORP", is_org=e.label_ == "ORG")
    return Attribution(who, e.text, None, "cue") if who is not None else None


def share_along_chains(spans: list[Span], decided: list[tuple[Attribution, str]]) -> None:
    """Pieces of one multi-paragraph quote share a speaker, even when the cue is in a later piece."""
    for i in range(len(spans) - 1, -1, -1):
        prev = spans[i].continues
        if prev is not None and decided[prev][0].speaker is None and decided[i][0].speaker is not None:
            src = decided[i][0]
            decided[prev] = (Attribution(src.speaker, src.mention, src.cue, "continuation", src.phrase), decided[prev][1])


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


def complete_names(decided: list[tuple[Attribution, str]], att: Attributor) -> None:
    """A one-word speaker met before its full name (a headline, a lede) takes the full name the
    article gives later; the NER may have called "Carney" an ORG."""
    for i, (a, kind) in enumerate(decided):
        one_word = a.speaker is not None and a.speaker.type in ("person", "body") and " " not in a.speaker.name
        full = att.canon.known_full_name(a.speaker.name) if one_word else None
        if full and full != a.speaker.name:
            decided[i] = (replace(a, speaker=Resolved(full, "person")), kind)
