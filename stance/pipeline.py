"""Articles in, quote records out: spans, speakers, kinds, and syndicated copies linked.

`extract` is what `stance quotes` runs; `extract_article` does one article and is what the
scoring stage and the tests call.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .articles import DEFAULT_MAX_CHARS, read_articles
from .bodies import BodyNames
from .cleaning import paragraphs
from .cues import Ranges, is_cue
from .errors import ArticleError
from .layout import (attribute_headlines, caption_name, clause_subject, colon_intro, complete_names, dash_signature,
                     late_descriptions, message_from, nested_cue, norm_text, share_along_chains)
from .mentions import Canonicalizer
from .nlp import load_nlp
from .quotes import Span, find_spans, quote_form
from .records import Article, BatchReport, Paragraph, Quote, quote_id
from .roster import Roster, load_roster, name_key, preferred_spelling
from .salience import Resolved
from .speakers import Attribution, Attributor
from .targets import load_targets
from .terms import MAX_TERM_WORDS, is_term

MAX_HEADING_WORDS = 14
SHORT_CUE_TOKENS = 8  # '..." Geng said.' parsed as its own sentence right after the quote: its cue
CONTINUATION_PARAGRAPHS = 2  # how far back a cue-less opening quote may look for its speaker


@dataclass(frozen=True)
class Skipped:
    """An input that could not be processed, with the reason."""

    source: str
    error: ArticleError


def _is_heading(para: Paragraph) -> bool:
    t = para.text.strip().rstrip("'\"”’ ")
    return len(t.split()) <= MAX_HEADING_WORDS and not re.search(r"[.!?,;:]$", t)


def extract_article(article: Article, *, roster: Roster, nlp: Any = None,
                    fixed: dict[str, str] | None = None) -> list[Quote]:
    """All quotes of one article with their speakers, in reading order."""
    nlp = nlp or load_nlp()
    paras = paragraphs(article)
    spans = find_spans(paras)
    if not spans:
        return []  # nothing to attribute: skip the parser
    by_para: dict[int, list[int]] = {}
    for i, sp in enumerate(spans):
        by_para.setdefault(sp.paragraph, []).append(i)
    body_names = _body_names()
    att = Attributor(Canonicalizer(roster, body_names=body_names, home=body_names.home(article.clean)))
    decided: list[tuple[Attribution, str]] = [(Attribution(None, None, None, "none"), "partial")] * len(spans)
    last_attributed: int | None = None
    for para, doc in zip(paras, nlp.pipe(p.text for p in paras)):
        idxs = by_para.get(para.index, [])
        ranges = Ranges((spans[i].start, spans[i].end) for i in idxs)
        sents = SentenceIndex(doc, para.start)
        for sent in sents.all:
            att.read_sentence(sent, para.start, ranges)
        for i in idxs:
            sp = spans[i]
            decided[i] = _decide(article, para, doc, sp, spans, i, decided, att, ranges, last_attributed, sents)
            if decided[i][0].speaker is not None and decided[i][1] not in ("headline", "nested"):
                last_attributed = i
    share_along_chains(spans, decided)
    attribute_headlines(article, spans, decided, att)
    late_descriptions(decided, att)
    complete_names(decided, att)
    return [_to_quote(article, paras, spans, i, decided[i], fixed, att.canon) for i in range(len(spans))]


@lru_cache(maxsize=1)
def _body_names() -> BodyNames:
    return load_targets().body_names()


class SentenceIndex:
    """The sentences of a paragraph's parse with their article offsets, found by bisection: a
    paragraph of a thousand quotes must not walk all its sentences for each quote."""

    def __init__(self, doc: Any, base: int) -> None:
        self.all = list(doc.sents)
        self.starts = [base + s.start_char for s in self.all]
        self.ends = [base + s.end_char for s in self.all]

    def around(self, start: int, end: int) -> list[Any]:
        """Sentences overlapping [start - 1, end + 1], then those starting within 3 characters after
        `end` that are lower-case ('..." a narrator asks.') or a short cue ('..." Geng said.')."""
        hi = bisect_left(self.starts, end + 1)
        lo = hi
        while lo > 0 and self.ends[lo - 1] > start - 1:
            lo -= 1
        out = self.all[lo:hi]
        for k in range(bisect_left(self.starts, end), bisect_right(self.starts, end + 3)):
            short_cue = len(self.all[k]) <= SHORT_CUE_TOKENS and any(is_cue(t) for t in self.all[k])
            if (self.all[k][0].is_lower or short_cue) and self.all[k] not in out:  # '..." Geng said.'
                out.append(self.all[k])
        return out


def _decide(article: Article, para: Paragraph, doc: Any, sp: Span, spans: list[Span], i: int,
            decided: list[tuple[Attribution, str]], att: Attributor, ranges: Ranges,
            last: int | None, sentences: SentenceIndex) -> tuple[Attribution, str]:
    none = Attribution(None, None, None, "none")
    if sp.nested_in is not None:
        found = None if is_term(article, sp) else nested_cue(para, doc, att, sp, spans[sp.nested_in])
        return found or replace(none, how="nested"), "nested"
    quoted = article.text[sp.start:sp.end].rstrip("'\"”’ ")
    if _is_heading(para) and not re.search(r"[.!?,]$", quoted) and not any(is_cue(t) for t in doc):
        return replace(none, how="headline"), "headline"
    if is_term(article, sp) or _modifies_noun(doc, para, sp):
        return replace(none, how="term"), "term"
    form = "unclosed" if sp.unclosed else quote_form(article.clean, para, sp)
    sents = sentences.around(sp.start, sp.end)
    found = att.from_cue(sp, sents, para.start, ranges)
    if found is None or found.speaker is None:
        found = dash_signature(article, att, sp) or caption_name(article, para, att, sp) \
            or message_from(article, para, doc, att, sp) or colon_intro(article, para, doc, att, sp, ranges) \
            or clause_subject(para, doc, att, sp, ranges) or found
    if found is not None and found.speaker is not None:
        return found, form if sp.continues is None else "continuation"
    prev = sp.continues if sp.continues is not None else last
    if prev is not None and decided[prev][0].speaker is not None and not _other_gender(found, decided[prev][0], att):
        same_para = spans[prev].paragraph == sp.paragraph
        opens_para = article.clean[para.start:sp.start].strip() in ('"', "“", "„", "'", "‘")
        near = 0 < sp.paragraph - spans[prev].paragraph <= CONTINUATION_PARAGRAPHS
        if sp.continues is not None or same_para or (opens_para and near):
            src = decided[prev][0]
            return Attribution(src.speaker, None, None, "continuation"), "continuation"
    if len(article.text[sp.start:sp.end].split()) <= MAX_TERM_WORDS:
        return replace(none, how="term"), "term"
    return none, form


def _other_gender(own: Attribution | None, prev: Attribution, att: Attributor) -> bool:
    """'"...," she said.' after a quote of a known man: the quote's own "he"/"she" that found no
    referent still rules out inheriting a speaker of the other gender."""
    pronoun = (own.mention or "").lower() if own is not None else ""
    return pronoun in ("he", "she") and prev.speaker is not None and att.salience.rules_out(pronoun, prev.speaker)


MODIFIER_DEPS = ("compound", "nmod")  # a noun naming a kind; an adjective ('"illegal" tariffs') judges: speech


def _modifies_noun(doc: Any, para: Paragraph, sp: Span) -> bool:
    """'the "overcapacity" narrative', 'the "dumping" claims': a quoted noun or two (no closing comma
    or stop) that the parse hangs on the common noun right after the closing mark names a kind of
    thing; it is not speech."""
    toks = [t for t in doc if sp.start <= para.start + t.idx < sp.end and not t.is_punct]
    if not toks or len(toks) > MAX_TERM_WORDS - 2 or sp.unclosed or "-" in doc.text[toks[0].idx:toks[-1].idx]:
        return False  # ('a "zero-sum" game': a hyphened compound judges like an adjective)
    if re.search(r"[.,;:!?]\W*$", doc.text[toks[0].idx:sp.end - para.start]):
        return False
    after = next((t for t in doc[toks[-1].i + 1:] if not t.is_punct), None)
    if after is None or after.pos_ != "NOUN" or not after.text[:1].islower():
        return False
    root = next((t for t in toks if not sp.start <= para.start + t.head.idx < sp.end), None)
    return root is not None and root.head.i == after.i and root.dep_ in MODIFIER_DEPS \
        and all(t is root or sp.start <= para.start + t.head.idx < sp.end for t in toks)


def _to_quote(article: Article, paras: list[Paragraph], spans: list[Span], i: int,
              decision: tuple[Attribution, str], fixed: dict[str, str] | None, canon: Canonicalizer) -> Quote:
    sp = spans[i]
    att, kind = decision
    para = paras[sp.paragraph]
    qid = quote_id(article.id, sp.start, sp.end)
    who: Resolved | None = att.speaker
    if fixed and qid in fixed:
        who = Resolved(fixed[qid], "person")
    return Quote(
        id=qid, article=article.id, text=article.text[sp.start:sp.end], start=sp.start, end=sp.end,
        paragraph=sp.paragraph, kind=kind, speaker=who.name if who else None,
        speaker_mention=att.mention if who else None,
        speaker_phrase=(att.phrase or att.mention) if who else None, speakers=who.members if who else (),
        speaker_type=who.type if who else None, cue=att.cue if who else None,
        speaks_for=canon.speaks_for(who.name) if who and who.type == "person" else None,
        continues=quote_id(article.id, spans[sp.continues].start, spans[sp.continues].end)
        if sp.continues is not None else None,
        context=article.text[para.start:para.end], title=article.title, source=article.source,
        date=article.date, url=article.url,
    )


def copy_key(text: str, speaker: str | None) -> tuple[str, str | None]:
    """What makes two quotes syndicated copies: the same words (case, punctuation aside) by the same speaker."""
    return norm_text(text), speaker


def first_copy(seen: dict[tuple[str, str | None], str], text: str, speaker: str | None, quote_id: str) -> str | None:
    """The id of the earlier quote this one copies (same words, same speaker), else None; `seen`
    remembers the first id of each key (the one rule of both engines)."""
    key = copy_key(text, speaker)
    if key[0] and key in seen:
        return seen[key]
    seen.setdefault(key, quote_id)
    return None


def link_copies(quotes: Iterable[Quote]) -> Iterator[Quote]:
    """Mark syndicated copies: the same words by the same speaker seen earlier in the batch."""
    seen: dict[tuple[str, str | None], str] = {}
    for q in quotes:
        original = first_copy(seen, q.text, q.speaker, q.id)
        yield q if original is None else replace(q, duplicate_of=original)


def extract(paths: Iterable[str | Path], *, roster: Roster | None = None, max_chars: int = DEFAULT_MAX_CHARS,
            fixed: dict[str, str] | None = None, report: BatchReport | None = None) -> Iterator[Quote]:
    """Quotes of every readable article under `paths`; unreadable ones are reported and skipped."""
    roster = roster or load_roster()
    report = report if report is not None else BatchReport()
    nlp = load_nlp()

    def per_article() -> Iterator[Quote]:
        for res in read_articles(paths, max_chars=max_chars):
            if res.error is not None:
                report.skipped.append((res.source, str(res.error)))
                print(f"skipped: {res.error}", file=sys.stderr)
                continue
            report.read += 1
            quotes = extract_article(res.article, roster=roster, nlp=nlp, fixed=fixed)
            report.quotes += len(quotes)
            yield from quotes

    yield from link_copies(per_article())


@dataclass(frozen=True)
class SpeakerCount:
    """How often a speaker was quoted, and whether the roster knows them."""

    speaker: str
    type: str | None
    quotes: int
    articles: int
    in_roster: bool
    mentions: tuple[str, ...]


def count_speakers(quotes: Iterable[Quote], roster: Roster) -> list[SpeakerCount]:
    """Speakers with counts (syndicated copies counted once), most quoted first; one speaker spelled
    several ways ("J.B. Pritzker", "JB Pritzker") is one row, under its most used spelling."""
    n: dict[str, int] = {}
    spellings: dict[str, Counter[str]] = {}
    arts: dict[str, set[str]] = {}
    kinds: dict[str, str | None] = {}
    mentions: dict[str, set[str]] = {}
    for q in quotes:
        if q.speaker is None or q.duplicate_of is not None:
            continue
        k = name_key(q.speaker)
        n[k] = n.get(k, 0) + 1
        spellings.setdefault(k, Counter())[q.speaker] += 1
        arts.setdefault(k, set()).add(q.article)
        kinds[k] = q.speaker_type
        if q.speaker_mention:
            mentions.setdefault(k, set()).add(q.speaker_mention)
    shown = {k: preferred_spelling(u) for k, u in spellings.items()}
    return sorted((SpeakerCount(shown[k], kinds[k], c, len(arts[k]), shown[k] in roster,
                                tuple(sorted(mentions.get(k, ())))) for k, c in n.items()),
                  key=lambda x: (-x.quotes, x.speaker))
