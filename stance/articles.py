"""Stage 1: read articles from files.

Readers accept .txt, .md, .html/.htm (text extracted), .jsonl (one article a line with
`text` and optional `id`, `title`, `date`, `url`) and .parquet (one article a row, same columns).
`chunks` cuts the input into pieces read independently (`read_chunk`), for the Ray engine.
Each text becomes an Article through `cleaning.make_article` (furniture blanked, offsets kept).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .cleaning import make_article
from .errors import ArticleError
from .records import Article

SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".parquet")
DEFAULT_MAX_CHARS = 2_000_000  # far beyond any news article; guards against runaway inputs


@dataclass(frozen=True)
class ReadResult:
    """One input: an article, or the error that made it unreadable (never both)."""

    source: str
    article: Article | None = None
    error: ArticleError | None = None


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand files and folders (recursively, sorted) into article files."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith("."):
                    yield f
        else:
            yield p


def check_inputs(paths: Iterable[str | Path]) -> None:
    """Raise InputError before any output is written when `paths` hold no article file at all
    (every path missing, or only empty folders): nothing useful could be done."""
    from .errors import InputError

    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("no input given: pass article files or folders")
    if any(f.exists() for f in iter_paths(paths)):
        return
    missing = [str(p) for p in paths if not p.exists()]
    where = ", ".join(missing[:3]) if missing else ", ".join(str(p) for p in paths[:3])
    what = "no such file or folder" if missing else f"no article files ({', '.join(sorted(SUFFIXES))}) inside"
    raise InputError(f"{what}: {where}")


def count_articles(paths: Iterable[str | Path]) -> int:
    """How many articles `paths` hold (JSON lines: non-blank lines; Parquet: rows), for a progress total."""
    n = 0
    for path in iter_paths(paths):
        if path.suffix.lower() == ".jsonl" and path.is_file():
            with open(path, "rb") as fh:
                n += sum(1 for line in fh if line.strip())
        elif path.suffix.lower() == ".parquet" and path.is_file():
            import pyarrow.parquet as pq

            try:
                n += pq.ParquetFile(path).metadata.num_rows
            except Exception:  # unreadable: reported when read
                n += 1
        else:
            n += 1
    return n


@dataclass(frozen=True)
class Chunk:
    """A piece of the input read as one unit: a whole article file, or a run of lines of a JSON lines
    file (byte offsets `start`..`stop`, the first being line `first_line`), or row groups
    `start`..`stop` of a Parquet file. `order` is its place in the input: readers of chunks in
    order give exactly the articles, in the order, of `read_articles`."""

    order: int
    path: str
    kind: str  # file, jsonl, parquet, missing
    start: int = 0
    stop: int | None = None
    first_line: int = 1


def chunks(paths: Iterable[str | Path], *, lines: int | None = None) -> Iterator[Chunk]:
    """The input as chunks; `lines` splits JSON lines files every that many lines and Parquet
    files by row group (None: a file is one chunk), so workers can share a big file."""
    order = 0
    for path in iter_paths(paths):
        kind = "missing" if not path.exists() else {".jsonl": "jsonl", ".parquet": "parquet"}.get(
            path.suffix.lower(), "file")
        pieces = [(0, None, 1)]
        if lines and kind == "jsonl":
            pieces = _line_pieces(path, lines)
        elif lines and kind == "parquet":
            import pyarrow.parquet as pq

            try:
                groups = pq.ParquetFile(path).num_row_groups
                pieces = [(g, g + 1, 1) for g in range(groups)] or pieces
            except Exception:  # unreadable: one chunk, whose reader reports the error
                pass
        for start, stop, first in pieces:
            yield Chunk(order, str(path), kind, start, stop, first)
            order += 1


def _line_pieces(path: Path, lines: int) -> list[tuple[int, int | None, int]]:
    pieces, start, first, n, offset = [], 0, 1, 0, 0
    with open(path, "rb") as fh:
        for raw in fh:
            n += 1
            offset += len(raw)
            if n % lines == 0:
                pieces.append((start, offset, first))
                start, first = offset, n + 1
    if start < offset or not pieces:
        pieces.append((start, None, first))
    return pieces


def read_chunk(chunk: Chunk, *, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[ReadResult]:
    """The articles of one chunk (unreadable ones as errors, not exceptions)."""
    path = Path(chunk.path)
    if chunk.kind == "missing":
        yield ReadResult(str(path), error=ArticleError("no such file", path=str(path)))
    elif chunk.kind == "jsonl":
        yield from _read_jsonl(path, max_chars, chunk.start, chunk.stop, chunk.first_line)
    elif chunk.kind == "parquet":
        yield from _read_parquet(path, max_chars, chunk.start, chunk.stop)
    else:
        try:
            text = _read_text(path, max_chars)
            if path.suffix.lower() in (".html", ".htm"):
                text = html_to_text(text)
            yield ReadResult(str(path), article=make_article(text, source=str(path), article_id=path.stem))
        except ArticleError as exc:
            yield ReadResult(str(path), error=exc)


def read_articles(paths: Iterable[str | Path], *, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[ReadResult]:
    """Read every article under `paths`; unreadable ones come back as errors, not exceptions."""
    for chunk in chunks(paths):
        yield from read_chunk(chunk, max_chars=max_chars)


def _read_text(path: Path, max_chars: int) -> str:
    size = path.stat().st_size
    if size == 0:
        raise ArticleError("empty file", path=str(path))
    if size > max_chars * 4:
        raise ArticleError(f"too large ({size / 1e6:.1f} MB, limit {max_chars:,} characters); "
                           "split it or raise --max-chars", path=str(path))
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise ArticleError("binary file (NUL bytes), not a text article", path=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                           "convert it, e.g. iconv -f cp1252 -t utf-8", path=str(path)) from None
    if len(text) > max_chars:
        raise ArticleError(f"too large ({len(text):,} characters, limit {max_chars:,}); "
                           "split it or raise --max-chars", path=str(path))
    if not text.strip():
        raise ArticleError("no text (only white space)", path=str(path))
    return text


def _article_row(obj: object, path: Path, where: str, lineno: int, max_chars: int, default_id: str) -> ReadResult:
    """One article of a JSON lines / Parquet row: `text`, optional id, title, date, url."""
    line = {"line": lineno} if lineno else {}
    text = obj.get("text") if isinstance(obj, dict) else None
    if not isinstance(text, str) or not text.strip():
        return ReadResult(where, error=ArticleError("missing or empty field 'text'", path=str(path), **line))
    if len(text) > max_chars:
        return ReadResult(where, error=ArticleError(f"text too large ({len(text):,} characters)", path=str(path), **line))
    aid = str(obj.get("id") or default_id)
    return ReadResult(where, article=make_article(text, source=where, article_id=aid, title=obj.get("title"),
                                                  date=obj.get("date"), url=obj.get("url")))


def _read_jsonl(path: Path, max_chars: int, start: int = 0, stop: int | None = None,
                first_line: int = 1) -> Iterator[ReadResult]:
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield ReadResult(str(path), error=ArticleError(str(exc), path=str(path)))
        return
    with fh:
        fh.seek(start)
        offset, lineno = start, first_line - 1
        while stop is None or offset < stop:
            raw = fh.readline()
            if not raw:
                return
            offset += len(raw)
            lineno += 1
            where = f"{path}:{lineno}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield ReadResult(where, error=ArticleError("not UTF-8", path=str(path), line=lineno))
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                yield ReadResult(where, error=ArticleError(f"malformed JSON ({exc})", path=str(path), line=lineno))
                continue
            yield _article_row(obj, path, where, lineno, max_chars, f"{path.stem}-{lineno}")


def _read_parquet(path: Path, max_chars: int, start: int = 0, stop: int | None = None) -> Iterator[ReadResult]:
    """Articles of a Parquet file (a `text` column; `id`, `title`, `date`, `url` if present), row
    groups start..stop; rows are numbered from 1 across the file."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        stop = pf.num_row_groups if stop is None else stop
        before = sum(pf.metadata.row_group(g).num_rows for g in range(start))
    except Exception as exc:  # pyarrow raises several kinds for a file that is not Parquet
        yield ReadResult(str(path), error=ArticleError(f"unreadable Parquet ({exc})", path=str(path)))
        return
    for group in range(start, stop):
        for i, obj in enumerate(pf.read_row_group(group).to_pylist(), start=before + 1):
            where = f"{path}:row {i}"
            yield _article_row({k: (str(v) if k in ("date", "id") and v is not None else v) for k, v in obj.items()},
                               path, where, 0, max_chars, f"{path.stem}-{i}")
        before += pf.metadata.row_group(group).num_rows


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block element a paragraph; scripts and navigation dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "noscript", "form", "figure"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    blocks = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "blockquote"]):
        if el.find(["p", "li", "blockquote"]):
            continue  # its children are blocks of their own
        t = " ".join(el.get_text(" ", strip=True).split())
        if t:
            blocks.append(t)
    if not blocks:
        blocks = [" ".join(soup.get_text(" ", strip=True).split())]
    if title and (not blocks or blocks[0] != title):
        blocks.insert(0, title)
    return "\n\n".join(blocks)
