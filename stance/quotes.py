"""Stage 2: find the spans inside quotation marks, paragraph by paragraph.

Handles straight and curly marks, single-quoted (headline, British-style) quotes, quotes nested
in quotes, quotes that run over paragraphs (opening mark repeated, no closing mark), and stray
marks (an odd number of marks never breaks the rest of the article).
"""

from __future__ import annotations

from dataclasses import dataclass

from .records import Paragraph

# Kinds of quote a record can have.
QUOTE_KINDS = ("direct", "partial", "continuation", "headline", "nested", "unclosed", "term")

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"
OPEN_SINGLE = "‘‹"
CLOSE_SINGLE = "’›"
MIN_UNCLOSED_WORDS = 4  # an unclosed mark before fewer words is taken as stray, not a quote


@dataclass(frozen=True)
class Span:
    """A quoted span found in a paragraph; offsets into the article text, inside the marks."""

    start: int
    end: int
    paragraph: int
    double: bool
    nested_in: int | None = None  # index (in the result list) of the enclosing quote
    continues: int | None = None  # index of the previous piece of a multi-paragraph quote
    open_end: bool = False  # runs on into the next paragraph
    unclosed: bool = False


def _is_open(text: str, i: int) -> bool:
    """A straight mark at i can open: at the start or after space/opening punctuation, before a non-space."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-/" + OPEN_DOUBLE + OPEN_SINGLE + "\"'") and not after.isspace()


def _is_close(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and (after.isspace() or not after.isalnum())


def _is_apostrophe(text: str, i: int) -> bool:
    """A single mark between two letters or digits ("Washington's", "don't") is an apostrophe."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isalnum() and after.isalnum()


def _typed_double(text: str, i: int) -> str | None:
    """'open' or 'close' when two apostrophes or backticks at i stand for a double mark ("...,'' he
    said", "``Yes,'' she said"), by the spacing around the pair; else None."""
    if text[i:i + 2] not in ("''", "``"):
        return None
    before = text[i - 1] if i > 0 else " "
    after = text[i + 2] if i + 2 < len(text) else " "
    opens = (before.isspace() or before in "([{—–-/") and not after.isspace()
    closes = not before.isspace() and (after.isspace() or not after.isalnum())
    return "open" if opens and not closes else "close" if closes and not opens else None


def _marks(text: str) -> list[tuple[int, str, bool]]:
    """(position, 'open'|'close'|'either', is_double) for each usable quotation mark."""
    out = []
    skip = -1
    for i, ch in enumerate(text):
        if i == skip:
            continue
        pair = _typed_double(text, i)
        if pair is not None:  # '' or ``: a double mark typed as two single ones, at its inner character
            out.append((i + 1 if pair == "open" else i, pair, True))
            skip = i + 1
        elif ch in OPEN_DOUBLE or ch in CLOSE_DOUBLE:
            # Curly marks are sometimes typed the wrong way round: trust the spacing around them.
            o, c = _is_open(text, i), _is_close(text, i)
            role = "open" if ch in OPEN_DOUBLE else "close"
            if o and not c:
                role = "open"
            elif c and not o:
                role = "close"
            out.append((i, role, True))
        elif ch == '"':
            o, c = _is_open(text, i), _is_close(text, i)
            out.append((i, "either" if o == c else ("open" if o else "close"), True))
        elif ch in OPEN_SINGLE or ch in CLOSE_SINGLE or ch == "'":
            if _is_apostrophe(text, i):
                continue
            o, c = _is_open(text, i), _is_close(text, i)
            if ch in OPEN_SINGLE and o:
                out.append((i, "open", False))
            elif ch in CLOSE_SINGLE and c:
                out.append((i, "close", False))
            elif ch == "'" and (o or c):
                out.append((i, "open" if o and not c else "close" if c and not o else "either", False))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def find_spans(paragraphs: list[Paragraph]) -> list[Span]:
    """All quoted spans of an article, in order; stray marks are ignored."""
    spans: list[Span] = []
    carry: int | None = None  # index of a span left open at the end of the previous paragraph
    for para in paragraphs:
        text, base = para.text, para.start
        marks = _marks(text)
        double_open: int | None = None
        single_open: int | None = None
        nested_children: list[Span] = []
        first_mark = marks[0] if marks else None
        # A paragraph that opens with a quotation mark continues a quote left open before it.
        continues = carry if carry is not None and first_mark and first_mark[0] == len(text) - len(text.lstrip()) \
            and first_mark[1] != "close" and first_mark[2] else None
        carry = None
        for pos, role, is_double in marks:
            if is_double:
                if double_open is None:
                    if role in ("open", "either"):
                        double_open, nested_children, single_open = pos, [], None
                    continue
                if role == "open" and text[pos] != '"':
                    # a second opening mark: the first was stray
                    double_open, nested_children, single_open = pos, [], None
                    continue
                s, e = _trim(text, double_open + 1, pos)
                if e > s:
                    spans.append(Span(base + s, base + e, para.index, True,
                                      continues=continues if continues is not None and double_open == first_mark[0] else None))
                    parent = len(spans) - 1
                    spans.extend(Span(c.start, c.end, c.paragraph, False, nested_in=parent) for c in nested_children)
                double_open, nested_children, single_open = None, [], None
            else:
                if single_open is None:
                    if role in ("open", "either"):
                        single_open = pos
                    continue
                if role in ("close", "either"):
                    s, e = _trim(text, single_open + 1, pos)
                    if e > s:
                        sp = Span(base + s, base + e, para.index, False)
                        if double_open is not None:
                            nested_children.append(sp)
                        else:
                            spans.append(sp)
                    single_open = None
                else:
                    single_open = pos
        if double_open is not None:
            s, e = _trim(text, double_open + 1, len(text))
            if e > s:
                nxt = _next_starts_with_open(paragraphs, para.index)
                if nxt:
                    spans.append(Span(base + s, base + e, para.index, True, open_end=True,
                                      continues=continues if double_open == first_mark[0] else None))
                    carry = len(spans) - 1
                elif len(text[s:e].split()) >= MIN_UNCLOSED_WORDS:
                    spans.append(Span(base + s, base + e, para.index, True, unclosed=True,
                                      continues=continues if double_open == first_mark[0] else None))
    return spans


def _next_starts_with_open(paragraphs: list[Paragraph], index: int) -> bool:
    if index + 1 >= len(paragraphs):
        return False
    t = paragraphs[index + 1].text.lstrip()
    return bool(t) and (t[0] in OPEN_DOUBLE or t[0] == '"')


def quote_form(article_clean: str, para: Paragraph, span: Span) -> str:
    """Direct (a full quotation) or partial (a few words woven into the reporter's sentence)."""
    i = span.start - 2  # the character before the opening mark
    if i >= para.start and article_clean[i] in "'`" and article_clean[i] == article_clean[span.start - 1]:
        i -= 1  # a mark typed as two ('')
    while i >= para.start and article_clean[i].isspace():
        i -= 1
    before = article_clean[i] if i >= para.start else ""
    first = article_clean[span.start] if span.start < len(article_clean) else ""
    if before in ("", ":", ",", "—", "–", "-") and (first.isupper() or first.isdigit() or not first.isalpha()):
        return "direct"
    if before in ".!?" and first.isupper():
        return "direct"
    return "partial"
