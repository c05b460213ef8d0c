"""The speaker x target stance matrix of a scores file: CSV, heatmap, HTML, and the actor network.

A cell counts the speaker's quotes toward the target by label: n favor, n against, n quotes
(the label is the scorer's, after its relevance decision), and net = n favor - n against. A cell
with no favor or against label has no directional evidence: its net is blank in the CSV, it is
left blank in the heatmap, and the page does not list it; nothing is averaged over quotes that
say nothing about the target. A syndicated copy (`duplicate_of` set) is counted once, through its
first copy; quotes with no speaker or no stance are left out. Speakers whose names differ only in
accents, case, spaces or punctuation ("J.B. Pritzker", "JB Pritzker") are one row, under the
spelling most of their quotes use.

The network (speaker -> target, directional cells only) is written as an edge list (`edges.csv`)
and as GraphML (`network.graphml`; weight = favor - against, plus the counts), the formats that
Gephi, networkx, igraph and discourse network analysis tools read.
"""

from __future__ import annotations

import csv
import heapq
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from .config import STANCE_LABELS
from .errors import InputError
from .io import atomic_open, read_jsonl
from .roster import name_key, preferred_spelling

TOP_QUOTES = 5  # directional quotes listed per cell in the HTML page
TOP_FINDINGS = 10  # cells summarised at the top of the page
CONTEXT_CHARS = 400  # of the paragraph shown under a partial quote
MAX_ROWS, MAX_COLS = 30, 25  # speakers and targets drawn in heatmap.png (the CSV has all)
SVG_ROWS, SVG_COLS = 80, 40  # and in the page's SVG heatmap, which scales to the page width
MATRIX_CSV, HEATMAP_PNG, QUOTES_HTML = "matrix.csv", "heatmap.png", "quotes.html"
EDGES_CSV, GRAPHML = "edges.csv", "network.graphml"
NESTED = ("stance", "sentiment", "speakers")
DIRECTIONS = ("favor", "against")


@dataclass
class Cell:
    """Label counts for one speaker x target cell, and its strongest directional quotes (a bounded heap)."""

    n: int = 0
    labels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STANCE_LABELS, 0))
    top: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)

    def add(self, scored: dict[str, Any], rec: dict[str, Any], seq: int) -> None:
        label, probs = scored["label"], scored["probs"]
        if label not in self.labels or set(probs) != set(STANCE_LABELS):
            raise KeyError(f"label {label!r} / probs {sorted(probs)}")
        self.n += 1
        self.labels[label] += 1
        if label in DIRECTIONS:
            item = (float(probs[label]), -seq, {"text": rec.get("text", ""), "label": label, "probs": probs,
                                                "via": scored.get("via"), "article": rec.get("article"),
                                                "source": rec.get("source"), "title": rec.get("title"),
                                                "date": rec.get("date"), "url": rec.get("url"),
                                                "context": (rec.get("context") or "")[:CONTEXT_CHARS]})
            (heapq.heappush if len(self.top) < TOP_QUOTES else heapq.heappushpop)(self.top, item)

    def merge(self, other: Cell) -> Cell:
        """This cell with another's counts and quotes added (one speaker under two spellings)."""
        self.n += other.n
        for label, k in other.labels.items():
            self.labels[label] += k
        self.top = heapq.nsmallest(TOP_QUOTES, self.top + other.top, key=lambda t: (-t[0], -t[1]))
        heapq.heapify(self.top)
        return self

    @property
    def evidence(self) -> int:
        """Quotes with a direction (favor or against)."""
        return self.labels["favor"] + self.labels["against"]

    @property
    def net(self) -> int | None:
        """n favor - n against; None without directional evidence."""
        return self.labels["favor"] - self.labels["against"] if self.evidence else None

    @property
    def balance(self) -> float | None:
        """(favor - against) / (favor + against), in [-1, 1]: the colour of the heatmap cell."""
        return self.net / self.evidence if self.evidence else None


def score_parts(path: Path) -> list[Path]:
    """The part files of a partitioned output folder (`stance score --engine ray -o DIR`), in order."""
    return sorted(p for p in path.glob("part-*") if p.suffix.lower() in (".parquet", ".jsonl", ".csv"))


def read_scores(path: Path) -> Iterator[dict[str, Any]]:
    """Scored records from JSON lines, CSV or Parquet (as `stance score` writes them), or from a
    folder of such parts (the Ray engine's partitioned output)."""
    if path.is_dir():
        for part in score_parts(path):
            yield from read_scores(part)
        return
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
    seen = {"records": 0, "used": 0, "copies": 0, "no_speaker": 0, "scored": 0}
    for seq, rec in enumerate(read_scores(scores_path)):
        seen["records"] += 1
        seen["scored"] += "stance" in rec
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
    return _one_spelling(cells), seen


def _one_spelling(cells: dict[tuple[str, str], Cell]) -> dict[tuple[str, str], Cell]:
    """Cells of speakers whose names differ only in spelling (articles of several outlets) merged
    under the spelling most of their scored pairs use; on a tie, the one with accents, then the longer."""
    uses: dict[str, Counter[str]] = {}
    for (speaker, _), c in cells.items():
        uses.setdefault(name_key(speaker), Counter())[speaker] += c.n
    shown = {k: preferred_spelling(u) for k, u in uses.items()}
    if all(len(u) == 1 for u in uses.values()):
        return cells
    merged: dict[tuple[str, str], Cell] = {}
    for (speaker, target), c in sorted(cells.items()):
        key = (shown[name_key(speaker)], target)
        merged[key] = merged[key].merge(c) if key in merged else c
    return merged


def write_matrix_csv(cells: dict[tuple[str, str], Cell], path: Path) -> None:
    """Every scored cell; `net` blank where no quote has a direction."""
    header = ["speaker", "target", "n_quotes", *(f"n_{label}" for label in STANCE_LABELS), "net"]
    with atomic_open(path) as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for (speaker, target), c in sorted(cells.items()):
            writer.writerow([speaker, target, c.n, *(c.labels[lb] for lb in STANCE_LABELS),
                             "" if c.net is None else c.net])


def _directional(cells: dict[tuple[str, str], Cell]) -> list[tuple[tuple[str, str], Cell]]:
    """Cells with directional evidence, most evidence first."""
    return sorted(((k, c) for k, c in cells.items() if c.evidence), key=lambda kc: (-kc[1].evidence, kc[0]))


def write_edges(cells: dict[tuple[str, str], Cell], path: Path) -> None:
    """The speaker -> target network as an edge list: directional cells only."""
    with atomic_open(path) as fh:
        writer = csv.writer(fh)
        writer.writerow(["source", "target", "weight", "n_favor", "n_against", "n_quotes"])
        for (speaker, target), c in _directional(cells):
            writer.writerow([speaker, target, c.net, c.labels["favor"], c.labels["against"], c.n])


def write_graphml(cells: dict[tuple[str, str], Cell], path: Path) -> None:
    """The same network as GraphML: nodes are actors (speakers and targets), edges directed."""
    edges = _directional(cells)
    speakers = {s for (s, _), _ in edges}
    nodes = list(dict.fromkeys(n for (s, t), _ in edges for n in (s, t)))
    keys = [("role", "node", "string"), ("weight", "edge", "int"), ("n_favor", "edge", "int"),
            ("n_against", "edge", "int"), ("n_quotes", "edge", "int")]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    lines += [f'  <key id="{k}" for="{f}" attr.name="{k}" attr.type="{t}"/>' for k, f, t in keys]
    lines.append('  <graph id="stance" edgedefault="directed">')
    for n in nodes:
        role = "speaker" if n in speakers else "target"
        lines.append(f'    <node id={quoteattr(n)}><data key="role">{role}</data></node>')
    for i, ((s, t), c) in enumerate(edges):
        data = "".join(f'<data key="{k}">{v}</data>' for k, v in (
            ("weight", c.net), ("n_favor", c.labels["favor"]), ("n_against", c.labels["against"]), ("n_quotes", c.n)))
        lines.append(f'    <edge id="e{i}" source={quoteattr(s)} target={quoteattr(t)}>{data}</edge>')
    lines += ["  </graph>", "</graphml>", ""]
    with atomic_open(path) as fh:
        fh.write("\n".join(lines))


def _axes(cells: dict[tuple[str, str], Cell], max_rows: int = MAX_ROWS,
          max_cols: int = MAX_COLS) -> tuple[list[str], list[str]]:
    """Speakers and targets to draw, most directional evidence first (cut at max_rows, max_cols)."""
    rows: dict[str, int] = {}
    cols: dict[str, int] = {}
    for (speaker, target), c in _directional(cells):
        rows[speaker] = rows.get(speaker, 0) + c.evidence
        cols[target] = cols.get(target, 0) + c.evidence
    order = lambda d: sorted(d, key=lambda k: (-d[k], k))  # noqa: E731
    return order(rows)[:max_rows], order(cols)[:max_cols]


def draw_heatmap(cells: dict[tuple[str, str], Cell], path: Path) -> None:
    """Balance of directional labels per cell (red against, blue favor), annotated "favor/against";
    a cell without directional evidence is left blank."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    rows, cols = _axes(cells)
    grid = np.full((max(len(rows), 1), max(len(cols), 1)), np.nan)
    fig, ax = plt.subplots(figsize=(max(7.0, 2.6 + 0.8 * len(cols)), 2.2 + 0.45 * len(rows)), dpi=120)
    for i, speaker in enumerate(rows):
        for j, target in enumerate(cols):
            c = cells.get((speaker, target))
            if c is not None and c.evidence:
                grid[i, j] = c.balance
                ax.text(j, i, f"{c.labels['favor']}/{c.labels['against']}", ha="center", va="center", fontsize=8,
                        color="white" if abs(c.balance) > 0.55 else "black")
    cmap = matplotlib.colormaps["RdBu"].with_extremes(bad="white")
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_xticks(np.arange(-0.5, len(cols)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="#dddddd", linewidth=1)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("target")
    ax.set_ylabel("speaker")
    ax.set_title("Stance of each speaker toward each target: quotes in favor / against\n"
                 "(blank: no quote takes a position)", fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02).set_label(
        "against  ←  (n favor − n against) / (n favor + n against)  →  favor", fontsize=8)
    fig.tight_layout()
    with atomic_open(path, "wb") as fh:
        fig.savefig(fh, format="png")
    plt.close(fig)


def write_html(cells: dict[tuple[str, str], Cell], path: Path, seen: dict[str, int]) -> None:
    """The report page (`stance.reportpage`): findings, SVG heatmap, index by target, cells by speaker."""
    from .reportpage import page

    rows, cols = _axes(cells, SVG_ROWS, SVG_COLS)
    with atomic_open(path) as fh:
        fh.write(page(cells, _directional(cells), rows, cols, seen, top_findings=TOP_FINDINGS))


def build_report(scores_path: str | Path, out_dir: str | Path) -> dict[str, Any]:
    """Write matrix.csv, heatmap.png, quotes.html, edges.csv and network.graphml under `out_dir`."""
    scores_path, out_dir = Path(scores_path), Path(out_dir)
    if scores_path.is_dir() and not score_parts(scores_path):
        raise InputError("folder holds no part-* files of a partitioned scores output", path=str(scores_path))
    if not scores_path.is_file() and not scores_path.is_dir():
        raise InputError("scores file not found; make one with `stance score`", path=str(scores_path))
    cells, seen = collect(scores_path)
    if seen["records"] and not cells and not seen.get("scored"):
        raise InputError(f"none of its {seen['records']} records has a 'stance' field: this is not a scores file "
                         "(make one with `stance score`, not `stance quotes`)", path=str(scores_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out_dir / MATRIX_CSV, "png": out_dir / HEATMAP_PNG, "html": out_dir / QUOTES_HTML,
             "edges": out_dir / EDGES_CSV, "graphml": out_dir / GRAPHML}
    write_matrix_csv(cells, paths["csv"])
    write_edges(cells, paths["edges"])
    write_graphml(cells, paths["graphml"])
    draw_heatmap(cells, paths["png"])
    write_html(cells, paths["html"], seen)
    return {**{k: str(v) for k, v in paths.items()}, **seen, "cells": len(cells),
            "directional_cells": len(_directional(cells))}
