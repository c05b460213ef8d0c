"""The report's HTML page: what a researcher reads first (part of the report stage, `stance.report`).

One self-contained file: findings (the strongest directional cells with their counts and best
quote), a full-width SVG heatmap (speakers and targets ordered by directional evidence, each cell
a link to its quotes), an index by target, then one section per speaker with its directional
cells and their quotes (label, probability, route, source). When the quotes carry an article
title, an outlet (the address's host) or a date, filters narrow the quote lists to them.
Cells without directional evidence are not shown anywhere.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

if TYPE_CHECKING:
    from .report import Cell

CELL_W, CELL_H = 46, 26  # heatmap cell size in SVG units (the SVG scales to the page width)
CHAR_W = 6.6  # approximate width of a 12px label character, for the label margins
AGAINST, NEUTRAL, FAVOR = (178, 24, 43), (247, 247, 247), (33, 102, 172)  # ColorBrewer RdBu ends and middle

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:78em;padding:0 1.2em;color:#222}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.4em 0;z-index:2}
nav a{margin-right:1em}h1{font-size:1.5em;margin:.3em 0}h2{margin-top:1.6em;border-bottom:2px solid #eee}
q{font-style:italic}.l{font-weight:600}.favor{color:#2166ac}.against{color:#b2182b}
.p,.s,.c{color:#666;font-size:13px}.c{margin:.2em 0 .4em 1em}li{margin:.35em 0}
.cell{border-top:1px solid #eee;padding:.3em 0}.idx li{display:inline-block;margin-right:1.2em}
svg.heatmap{width:100%;height:auto;max-height:90vh}svg a:hover rect{stroke:#000;stroke-width:2}
select,input{font-size:14px;margin-right:.6em}.hidden{display:none}
"""

SCRIPT = """
const sel = {article: document.getElementById('f-article'), outlet: document.getElementById('f-outlet'),
             from: document.getElementById('f-from'), to: document.getElementById('f-to')};
function apply() {
  const a = sel.article && sel.article.value, o = sel.outlet && sel.outlet.value;
  const f = sel.from && sel.from.value, t = sel.to && sel.to.value;
  let shown = 0;
  document.querySelectorAll('li.q').forEach(li => {
    const d = li.dataset.date || '';
    const ok = (!a || li.dataset.article === a) && (!o || li.dataset.outlet === o) &&
               (!f || (d && d >= f)) && (!t || (d && d <= t));
    li.classList.toggle('hidden', !ok); shown += ok;
  });
  document.querySelectorAll('.cell').forEach(c =>
    c.classList.toggle('hidden', !c.querySelector('li.q:not(.hidden)')));
  document.getElementById('f-count').textContent = shown + ' quote(s) shown';
}
Object.values(sel).forEach(s => s && s.addEventListener('change', apply));
"""


def anchor(prefix: str, *names: str) -> str:
    return prefix + "-" + "".join(ch if ch.isalnum() else "-" for ch in "--".join(names))


def outlet(q: dict[str, Any]) -> str:
    """The outlet of a quote: its article address's host ("reuters.com"), else ""."""
    host = urlparse(q.get("url") or "").netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _colour(balance: float) -> str:
    end = FAVOR if balance > 0 else AGAINST
    w = min(abs(balance), 1.0)
    return "#" + "".join(f"{round(n + (e - n) * w):02x}" for n, e in zip(NEUTRAL, end))


def svg_heatmap(cells: dict[tuple[str, str], Cell], rows: Sequence[str], cols: Sequence[str]) -> str:
    """Speakers down, targets across; each directional cell "favor/against", coloured by
    (favor - against) / (favor + against), linked to its quotes; other cells blank."""
    esc = html.escape
    left = 12 + CHAR_W * max((len(r) for r in rows), default=8)
    top = 12 + 0.72 * CHAR_W * max((len(c) for c in cols), default=8)
    width, height = left + CELL_W * len(cols) + 10, top + CELL_H * len(rows) + 4
    out = [f"<svg class=heatmap xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width:.0f} {height:.0f}' style='max-width:{1.4 * width:.0f}px' "
           f"role='img' aria-label='speaker by target heatmap' font-family='system-ui,sans-serif' font-size='12'>"]
    for j, col in enumerate(cols):
        x = left + CELL_W * (j + 0.5)
        out.append(f"<text transform='translate({x:.1f},{top - 6:.1f}) rotate(-45)'>{esc(col)}</text>")
    for i, row in enumerate(rows):
        y = top + CELL_H * i
        out.append(f"<text x='{left - 8:.1f}' y='{y + CELL_H * 0.65:.1f}' text-anchor='end'>{esc(row)}</text>")
        for j, col in enumerate(cols):
            x = left + CELL_W * j
            c = cells.get((row, col))
            if c is None or not c.evidence:
                out.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{CELL_W}' height='{CELL_H}' fill='#fff' "
                           "stroke='#e5e5e5'/>")
                continue
            fav, ag = c.labels["favor"], c.labels["against"]
            ink = "#fff" if abs(c.balance) > 0.55 else "#000"
            out.append(f"<a href='#{anchor('c', row, col)}'><title>{esc(row)} → {esc(col)}: {fav} favor, {ag} against, "
                       f"of {c.n} quote(s)</title><rect x='{x:.1f}' y='{y:.1f}' width='{CELL_W}' height='{CELL_H}' "
                       f"fill='{_colour(c.balance)}' stroke='#ccc'/><text x='{x + CELL_W / 2:.1f}' "
                       f"y='{y + CELL_H * 0.65:.1f}' text-anchor='middle' fill='{ink}'>{fav}/{ag}</text></a>")
    out.append("</svg><p class=p>Each cell: quotes in favor / against. Blue: favor, red: against (shade: the share "
               "of one over the other); white: no quote takes a position. Click a cell for its quotes.</p>")
    return "".join(out)


def _quote_html(q: dict[str, Any]) -> str:
    esc = html.escape
    label, probs = q["label"], q["probs"]
    ctx = " ".join((q.get("context") or "").split())
    context = f"<div class=c>{esc(ctx)}</div>" if ctx and ctx != " ".join(q["text"].split()) else ""
    where = q.get("title") or q.get("source") or q.get("article") or ""
    link = f"<a href='{esc(q['url'], quote=True)}'>{esc(str(where))}</a>" if q.get("url") else esc(str(where))
    data = {"article": str(q.get("article") or ""), "outlet": outlet(q), "date": str(q.get("date") or "")}
    attrs = "".join(f" data-{k}='{esc(v, quote=True)}'" for k, v in data.items())
    return (f"<li class=q{attrs}><q>{esc(q['text'])}</q> <span class='l {label}'>{label} {probs[label]:.2f}</span> "
            f"<span class=p>({' '.join(f'{k} {v:.2f}' for k, v in probs.items())}"
            f"{'; via ' + esc(q['via']) if q.get('via') else ''})</span> "
            f"<span class=s>{link}{' · ' + esc(data['date']) if data['date'] else ''}</span>{context}</li>")


def _cell_html(speaker: str, target: str, c: Cell) -> str:
    quotes = "".join(_quote_html(q) for _, _, q in sorted(c.top, reverse=True))
    return (f"<div class=cell id='{anchor('c', speaker, target)}'><h4>{html.escape(speaker)} → {html.escape(target)}</h4>"
            f"<p><span class=favor>{c.labels['favor']} in favor</span>, <span class=against>{c.labels['against']} "
            f"against</span>, of {c.n} quote(s) scored toward {html.escape(target)}</p><ol>{quotes}</ol></div>")


def _findings(directional: list[tuple[tuple[str, str], Cell]], top: int) -> str:
    esc = html.escape
    items = []
    for (speaker, target), c in directional[:top]:
        lean = "in favor of" if (c.net or 0) > 0 else "against" if (c.net or 0) < 0 else "split on"
        best = max(c.top)[2] if c.top else None
        quote = f" — <q>{esc(best['text'][:160])}</q>" if best else ""
        items.append(f"<li><a href='#{anchor('c', speaker, target)}'><b>{esc(speaker)}</b> {lean} <b>{esc(target)}</b>"
                     f"</a>: {c.labels['favor']} favor, {c.labels['against']} against, of {c.n} quote(s){quote}</li>")
    if not items:
        return "<h2 id=findings>Findings</h2><p>No quote takes a position toward any target.</p>"
    return f"<h2 id=findings>Findings</h2><ol>{''.join(items)}</ol>"


def _filters(quotes: list[dict[str, Any]]) -> str:
    """Select boxes for the article, outlet and date range, where the quotes have more than one."""
    esc = html.escape
    parts = []
    articles = {str(q.get("article")): str(q.get("title") or q.get("article")) for q in quotes if q.get("article")}
    if len(articles) > 1:
        opts = "".join(f"<option value='{esc(a, quote=True)}'>{esc(t[:80])}</option>"
                       for a, t in sorted(articles.items(), key=lambda kv: kv[1]))
        parts.append(f"<label>article <select id=f-article><option value=''>all</option>{opts}</select></label>")
    outlets = sorted({outlet(q) for q in quotes} - {""})
    if len(outlets) > 1:
        opts = "".join(f"<option>{esc(o)}</option>" for o in outlets)
        parts.append(f"<label>outlet <select id=f-outlet><option value=''>all</option>{opts}</select></label>")
    dates = sorted({str(q["date"]) for q in quotes if q.get("date")})
    if len(dates) > 1:
        parts.append(f"<label>from <input id=f-from type=date value='{dates[0]}'></label>"
                     f"<label>to <input id=f-to type=date value='{dates[-1]}'></label>")
    if not parts:
        return ""
    return f"<div class=filters>{''.join(parts)}<span id=f-count>{len(quotes)} quote(s) shown</span></div>"


def page(cells: dict[tuple[str, str], Cell], directional: list[tuple[tuple[str, str], Cell]],
         rows: Sequence[str], cols: Sequence[str], seen: dict[str, int], *, top_findings: int = 10) -> str:
    """The whole report page as one HTML string."""
    esc = html.escape
    by_speaker: dict[str, list[tuple[str, Cell]]] = {}
    by_target: dict[str, list[tuple[str, Cell]]] = {}
    for (speaker, target), c in directional:
        by_speaker.setdefault(speaker, []).append((target, c))
        by_target.setdefault(target, []).append((speaker, c))
    quotes = [q for _, c in directional for _, _, q in c.top]
    targets = "".join(
        f"<h3 id='{anchor('t', t)}'>{esc(t)}</h3><ul class=idx>" + "".join(
            f"<li><a href='#{anchor('c', s, t)}'>{esc(s)}</a> {c.labels['favor']}/{c.labels['against']}</li>"
            for s, c in group) + "</ul>" for t, group in by_target.items())
    speakers = "".join(
        f"<section id='{anchor('s', s)}'><h3>{esc(s)}</h3>" + "".join(_cell_html(s, t, c) for t, c in group) + "</section>"
        for s, group in by_speaker.items())
    cut = (f" The heatmap shows the {len(rows)} speakers and {len(cols)} targets with the most evidence; "
           "matrix.csv has all." if len(rows) < len(by_speaker) or len(cols) < len(by_target) else "")
    summary = (f"{seen['used']} quote(s) with a speaker; {seen['copies']} syndicated cop(ies) counted once; "
               f"{seen['no_speaker']} without speaker or stance left out. {len(directional)} speaker × target cell(s) "
               f"where a quote takes a position ({len(by_speaker)} speakers, {len(by_target)} targets); cells where "
               f"no quote does are not shown.{cut}")
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        f"<title>Stance report</title><style>{STYLE}</style></head><body>"
        "<header><h1>Stance report</h1><nav><a href='#findings'>Findings</a><a href='#heatmap'>Heatmap</a>"
        "<a href='#targets'>By target</a><a href='#speakers'>By speaker</a></nav>"
        f"{_filters(quotes)}</header><p>{esc(summary)}</p>{_findings(directional, top_findings)}"
        f"<h2 id=heatmap>Heatmap</h2>{svg_heatmap(cells, rows, cols) if rows else '<p>Nothing to draw.</p>'}"
        f"<h2 id=targets>By target</h2>{targets or '<p>None.</p>'}"
        f"<h2 id=speakers>By speaker</h2>{speakers or '<p>None.</p>'}"
        f"<script>{SCRIPT}</script></body></html>")
