"""Stage 1, second half: clean page furniture out of an article's text without moving offsets,
find its date and title, and cut it into paragraphs.

Cleaning blanks furniture out with spaces (menus, share buttons, photo credits, captions, wire
datelines), so every offset computed on the clean text points at the same character of the
original.
"""

from __future__ import annotations

import re

from .records import Article, Paragraph, stable_id

# Whole lines that are page furniture, not article text (matched case-insensitively).
FURNITURE_LINES = re.compile(
    r"^\s*(skip to (main )?content|advertisement|advertising|also worth reading|latest news|"
    r"read more|related( articles| stories| coverage)?|share( this)?( article)?|subscribe( now)?|"
    r"sign up.*newsletter.*|most (read|popular)|recommended( for you)?|follow us.*|"
    r"(source|sources)\s*:.{0,80}|(with information from|(additional )?reporting by|editing by|writing by)\b.{0,120}|"
    r"click here.*|photo:.*|image:.*|caption:.*|\(?(reuters|afp|ap|bloomberg)\)?)\s*$",
    re.IGNORECASE,
)
# A leading metadata line such as " date 2025-07-11" (possibly followed by the first text).
LEADING_META = re.compile(r"^\s*(date|published|updated)\s*:?\s*(\d{4}-\d{2}-\d{2})[T\d:.Z+-]*\s?", re.IGNORECASE)
# Photo credits: "REUTERS/Hasnoor Hussain", "AFP/Getty Images", "Photo: AP".
PHOTO_CREDIT = re.compile(
    r"\b(REUTERS|Reuters|AFP|AP|EPA|EPA-EFE|Getty Images|Bloomberg|Xinhua|Bernama|Kyodo)"
    r"(/[A-Z][\w.'-]*( [A-Z][\w.'-]*){0,3})+(/File Photo)?"
)
# A caption that ends with an agency credit after a dash: "... on July 11, 2025. — Reuters".
DASH_CREDIT = re.compile(r"\s[—–-]\s*(Reuters|AFP|AP|Bloomberg|Xinhua|Bernama|EPA|Getty Images)\.?\s*$")

# A wire dateline opening a paragraph: "WASHINGTON (AP) — ", "KUALA LUMPUR, Oct 26 (Bernama) -- ",
# "BUSAN, South Korea, Oct. 30 (Reuters) - ". The place is in capitals; an agency or a date, or
# a dash that is not a plain hyphen, must follow it.
_AGENCY = r"\((?:AP|Reuters|AFP|Xinhua|Bernama|Bloomberg|Kyodo|Yonhap|UPI|dpa|ANI|PTI|IANS|Antara|VNA|Anadolu|TASS|CNA)\)"
DATELINE = re.compile(
    r"^(\s*[A-Z][A-Z.'-]{2,}(?: [A-Z][A-Z.'-]+){0,3}"
    r"(?:,\s*[A-Z][a-z.]+(?: [A-Z][a-z.]+){0,2})?"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}))?"
    rf"(?:\s*{_AGENCY}\s*(?:—|–|--|-)|\s*(?:—|–|--)))\s+(?=\S)"
)


def make_article(text: str, *, source: str, article_id: str | None = None, title: str | None = None,
                 date: str | None = None, url: str | None = None) -> Article:
    """Build an Article from raw text: clean furniture, find the date line and a title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    clean, found_date = clean_text(text)
    if title is None:
        title = _guess_title(clean)
    aid = article_id or stable_id(text)
    return Article(id=aid, source=source, text=text, clean=clean, title=title, date=date or found_date, url=url)


def _blank(s: str) -> str:
    return re.sub(r"[^\n]", " ", s)


def clean_text(text: str) -> tuple[str, str | None]:
    """Blank out page furniture, keeping length and newlines; returns (clean, date found)."""
    out = []
    date = None
    pos = 0
    for i, line in enumerate(text.split("\n")):
        cleaned = line
        if i == 0 or not text[:pos].strip():
            m = LEADING_META.match(line)
            if m:
                date = m.group(2)
                cleaned = _blank(line[: m.end()]) + line[m.end():]
        if FURNITURE_LINES.match(cleaned):
            cleaned = _blank(cleaned)
        elif PHOTO_CREDIT.search(cleaned) or DASH_CREDIT.search(cleaned):
            # A caption with a credit: the whole paragraph is furniture, not reporting.
            cleaned = _blank(cleaned)
        elif m := DATELINE.match(cleaned):
            cleaned = _blank(cleaned[: m.end()]) + cleaned[m.end():]
        out.append(cleaned)
        pos += len(line) + 1
    return "\n".join(out), date


_BYLINE = re.compile(r"^(by\s+[A-Z]|updated\b|published\b|\d{1,2}\s+(min|minute)s?\s+read\b)", re.IGNORECASE)
_CAPTION_END = re.compile(r"(\s[—–-]+\s*[A-Z][\w.&/ ]{1,30}|\((AP|AFP|Reuters|Getty)[^)]*\)|Photo[^.]{0,60})\s*$")
TITLE_CHARS = 120  # a title made from a caption or a lead sentence is cut at a word near here


def _short(text: str) -> str:
    if len(text) <= TITLE_CHARS:
        return text
    cut = text[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—–- ") + "…"


def _guess_title(clean: str) -> str | None:
    """The article's headline: the first short line that does not end like a sentence, passing over
    a section label ("East Asia") over it or a byline; else the first sentence of the first line
    (a caption the cleaner kept, or the lead), cut near TITLE_CHARS characters."""
    lines = [ln.strip() for ln in clean.split("\n") if ln.strip()]
    for i, s in enumerate(lines[:4]):
        if _BYLINE.match(s):
            continue
        heading = len(s) < 160 and not s.endswith((".", "?", "!", '"', "”"))
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        label = heading and len(s.split()) <= 3 and len(nxt.split()) > 3 and len(nxt) < 160 \
            and not nxt.endswith((".", "?", "!", '"', "”"))  # a short line over the real headline
        if heading and not label:
            return s
        if not heading:
            first = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", _CAPTION_END.sub("", s), maxsplit=1)[0]
            return _short(first.strip()) or None
    return None


def paragraphs(article: Article) -> list[Paragraph]:
    """Split the clean text into paragraphs, with offsets into the original.

    Blank lines separate paragraphs; a single newline does too unless the text is
    hard-wrapped (a line that ends mid-sentence followed by a lower-case line).
    """
    clean = article.clean
    result: list[Paragraph] = []
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]+", clean):
        s, e = m.start(), m.end()
        if not clean[s:e].strip():
            continue
        if spans:
            ps, pe = spans[-1]
            gap = clean[pe:s]
            prev = clean[ps:pe].rstrip()
            nxt = clean[s:e].lstrip()
            if gap.count("\n") == 1 and prev and not re.search(r"[.!?:;\"”’')\]]$", prev) and nxt[:1].islower():
                spans[-1] = (ps, e)  # hard-wrapped line: same paragraph
                continue
        spans.append((s, e))
    for i, (s, e) in enumerate(spans):
        # trim leading/trailing blanks but keep offsets exact
        while s < e and clean[s].isspace():
            s += 1
        while e > s and clean[e - 1].isspace():
            e -= 1
        result.append(Paragraph(index=i, start=s, end=e, text=clean[s:e]))
    return result
