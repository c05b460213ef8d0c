"""The speaker x target stance matrix of a scores file: CSV, heatmap PNG, and an HTML page of quotes.

Each cell holds the mean P(favor), P(against), P(none) of the speaker's quotes toward the target,
the count, and net stance = mean P(favor) - mean P(against). A syndicated copy (`duplicate_of`
set) is counted once, through its first copy; quotes with no speaker or no stance are left out.
The page lists, per cell, the quotes that most strongly carry a stance: ranked by the larger of
P(favor) and P(against).
"""

from __future__ import annotations

import base64
import csv
import heapq
import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import STANCE_LABELS
from .errors import InputError
from .io import atomic_open, read_jsonl

TOP_QUOTES = 5  # quotes listed per cell in the HTML page
CONTEXT_CHARS = 400  # of the paragraph shown under a partial quote
MAX_ROWS, MAX_COLS = 30, 25  # speakers and targets drawn in the heatmap (the CSV has all)
MATRIX_CSV, HEATMAP_PNG, QUOTES_HTML = "matrix.csv", "heatmap.png", "quotes.html"
NESTED = ("stance", "sentiment", "speakers")


@dataclass
class Cell:
    """Running sums for one speaker x target cell, and its strongest quotes (a bounded heap)."""

    n: int = 0
    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STANCE_LABELS, 0.0))
    labels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STANCE_LABELS, 0))
    top: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)

    def add(self, scored: dict[str, Any], rec: dict[str, Any], seq: int) -> None:
        self.n += 1
        for label in STANCE_LABELS:
            self.sums[label] += float(scored["probs"][label])
        self.labels[scored["label"]] += 1
        strength = max(scored["probs"]["favor"], scored["probs"]["against"])
        item = (strength, -seq, {"text": rec.get("text", ""), "label": scored["label"], "probs": scored["probs"],
                                 "article": rec.get("article"), "source": rec.get("source"),
                                 "context": (rec.get("context") or "")[:CONTEXT_CHARS]})
        (heapq.heappush if len(self.top) < TOP_QUOTES else heapq.heappushpop)(self.top, item)

    def mean(self, label: str) -> float:
        return self.sums[label] / self.n

    @property
    def net(self) -> float:
        return self.mean("favor") - self.mean("against")


def read_scores(path: Path) -> Iterator[dict[str, Any]]:
    """Scored records from JSON lines, CSV or Parquet (as `stance score` writes them)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches():
            yield from (_unflat(row) for row in batch.to_pylist())
    elif suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as fh:
            yield from (_unflat(row) for row in csv.DictReader(fh))
    else:
        for _, rec in read_jsonl(path):
            yield rec


def _unflat(row: dict[str, Any]) -> dict[str, Any]:
    """CSV/Parquet cells hold nested values as JSON strings; CSV empties are nulls."""
    out = {k: (None if v == "" else v) for k, v in row.items()}
    for key in NESTED:
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    return out


def collect(scores_path: Path) -> tuple[dict[tuple[str, str], Cell], dict[str, int]]:
    """Cells keyed (speaker, target), and counts of what was read, used and left out."""
    cells: dict[tuple[str, str], Cell] = {}
    seen = {"records": 0, "used": 0, "copies": 0, "no_speaker": 0}
    for seq, rec in enumerate(read_scores(scores_path)):
        seen["records"] += 1
        if rec.get("duplicate_of"):
            seen["copies"] += 1
            continue
        if not rec.get("speaker") or not rec.get("stance"):
            seen["no_speaker"] += 1
            continue
        if not isinstance(rec["stance"], dict):
            raise InputError(f"record {seq + 1} ({rec.get('id')}): 'stance' must be an object", path=str(scores_path))
        seen["used"] += 1
        for target, scored in rec["stance"].items():
            try:
                cells.setdefault((rec["speaker"], target), Cell()).add(scored, rec, seq)
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(f"record {seq + 1} ({rec.get('id')}): stance toward {target!r} needs 'label' and "
                                 f"'probs' over {list(STANCE_LABELS)} (problem: {exc!r})", path=str(scores_path)) from None
    return cells, seen


def write_matrix_csv(cells: dict[tuple[str, str], Cell], path: Path) -> None:
    header = ["speaker", "target", "n", *(f"mean_{label}" for label in STANCE_LABELS), "net",
              *(f"n_{label}" for label in STANCE_LABELS)]
    with atomic_open(path) as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for (speaker, target), c in sorted(cells.items()):
            writer.writerow([speaker, target, c.n, *(round(c.mean(lb), 4) for lb in STANCE_LABELS), round(c.net, 4),
                             *(c.labels[lb] for lb in STANCE_LABELS)])


def _axes(cells: dict[tuple[str, str], Cell]) -> tuple[list[str], list[str]]:
    """Speakers and targets to draw, most quoted first (cut at MAX_ROWS, MAX_COLS)."""
    rows: dict[str, int] = {}
    cols: dict[str, int] = {}
    for (speaker, target), c in cells.items():
        rows[speaker] = max(rows.get(speaker, 0), c.n)
        cols[target] = cols.get(target, 0) + c.n
    order = lambda d: sorted(d, key=lambda k: (-d[k], k))  # noqa: E731
    return order(rows)[:MAX_ROWS], order(cols)[:MAX_COLS]


def draw_heatmap(cells: dict[tuple[str, str], Cell], path: Path) -> None:
    """Net stance per cell on a diverging scale (red against, blue favor), annotated with counts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    rows, cols = _axes(cells)
    grid = np.full((max(len(rows), 1), max(len(cols), 1)), np.nan)
    fig, ax = plt.subplots(figsize=(2.2 + 0.75 * len(cols), 1.6 + 0.45 * len(rows)), dpi=120)
    for i, speaker in enumerate(rows):
        for j, target in enumerate(cols):
            c = cells.get((speaker, target))
            if c is not None:
                grid[i, j] = c.net
                ax.text(j, i, str(c.n), ha="center", va="center", fontsize=8,
                        color="white" if abs(c.net) > 0.55 else "black")
    cmap = matplotlib.colormaps["RdBu"].with_extremes(bad="#c4c4c4")  # apart from a neutral cell's near-white
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_xticks(np.arange(-0.5, len(cols)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("target")
    ax.set_ylabel("speaker")
    ax.set_title("Net stance of each speaker toward each target (number: quotes; grey: no quotes)", fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02).set_label("against  ←  mean P(favor) − mean P(against)  →  favor", fontsize=8)
    fig.tight_layout()
    with atomic_open(path, "wb") as fh:
        fig.savefig(fh, format="png")
    plt.close(fig)


def _context_html(q: dict[str, Any]) -> str:
    """The paragraph under a quote that is only part of it ("concern"), so the reader sees the claim."""
    ctx = " ".join((q.get("context") or "").split())
    if not ctx or ctx == " ".join(q["text"].split()):
        return ""
    return f"<div class=c>{html.escape(ctx)}{'…' if len(ctx) >= CONTEXT_CHARS - 1 else ''}</div>"


def _cell_html(speaker: str, target: str, c: Cell) -> str:
    esc = html.escape
    items = "".join(
        f"<li><q>{esc(q['text'])}</q> <span class=l>{esc(q['label'])}</span> "
        f"<span class=p>{' '.join(f'{k} {v:.2f}' for k, v in q['probs'].items())}</span> "
        f"<span class=s>{esc(str(q.get('source') or q.get('article') or ''))}</span>"
        f"{_context_html(q)}</li>"
        for _, _, q in sorted(c.top, reverse=True))
    return (f"<section><h3>{esc(speaker)} → {esc(target)}</h3><p>{c.n} quote(s); net {c.net:+.2f} "
            f"(favor {c.mean('favor'):.2f}, against {c.mean('against'):.2f}, none {c.mean('none'):.2f})</p>"
            f"<ol>{items}</ol></section>")


def write_html(cells: dict[tuple[str, str], Cell], png: Path, path: Path, seen: dict[str, int]) -> None:
    """One page, no external files: the heatmap inlined, then every cell with its strongest quotes."""
    img = base64.b64encode(png.read_bytes()).decode("ascii")
    body = "".join(_cell_html(s, t, c) for (s, t), c in sorted(cells.items()))
    page = (
        "<!doctype html><html><head><meta charset=utf-8><title>Stance report</title><style>"
        "body{font:14px sans-serif;max-width:60em;margin:auto}q{font-style:italic}.l{font-weight:bold}"
        ".p,.s,.c{color:#666;font-size:12px}section{border-top:1px solid #ddd}</style></head><body>"
        f"<h1>Stance report</h1><p>{seen['used']} quote(s) with a speaker; {seen['copies']} syndicated "
        f"cop(ies) counted once; {seen['no_speaker']} without speaker or stance left out. Quotes per cell are "
        "ranked by the larger of P(favor) and P(against).</p>"
        f"<img alt='speaker x target heatmap' src='data:image/png;base64,{img}' style='max-width:100%'>{body}"
        "</body></html>")
    with atomic_open(path) as fh:
        fh.write(page)


def build_report(scores_path: str | Path, out_dir: str | Path) -> dict[str, Any]:
    """Write matrix.csv, heatmap.png and quotes.html under `out_dir`; returns paths and counts."""
    scores_path, out_dir = Path(scores_path), Path(out_dir)
    if not scores_path.is_file():
        raise InputError("scores file not found; make one with `stance score`", path=str(scores_path))
    cells, seen = collect(scores_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out_dir / MATRIX_CSV, "png": out_dir / HEATMAP_PNG, "html": out_dir / QUOTES_HTML}
    write_matrix_csv(cells, paths["csv"])
    draw_heatmap(cells, paths["png"])
    write_html(cells, paths["png"], paths["html"], seen)
    return {**{k: str(v) for k, v in paths.items()}, **seen, "cells": len(cells)}
