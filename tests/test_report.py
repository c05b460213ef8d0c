"""The speaker x target report: counts, means, copies counted once, a readable PNG, escaped HTML."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from stance.config import STANCE_LABELS
from stance.errors import InputError
from stance.io import write_records
from stance.model import SHIPPED_MODEL, load_model
from stance.records import Quote
from stance.report import build_report
from stance.scoring import labelled, score_quotes


def scored(i: int, speaker: str | None, stance: dict[str, tuple[float, float, float]], *,
           text: str = "", duplicate_of: str | None = None) -> dict:
    rec = Quote(id=f"q{i}", article=f"a{i}", text=text or f"Quote number {i} about trade.", start=0, end=10,
                paragraph=0, kind="direct", speaker=speaker, duplicate_of=duplicate_of).to_dict()
    rec["stance"] = {t: labelled(dict(zip(STANCE_LABELS, p))) for t, p in stance.items()}
    rec["sentiment"] = labelled({"positive": 0.2, "negative": 0.5, "neutral": 0.3}) if speaker else None
    rec["model_version"] = "test"
    return rec


RECORDS = [
    scored(0, "Wang Yi", {"tariffs": (0.1, 0.8, 0.1), "United States": (0.2, 0.6, 0.2)}),
    scored(1, "Wang Yi", {"tariffs": (0.3, 0.4, 0.3)}, text="<script>alert('tariffs')</script> & more"),
    scored(2, "Wang Yi", {"tariffs": (0.9, 0.05, 0.05)}, duplicate_of="q0"),  # a syndicated copy
    scored(3, "Marco Rubio", {"tariffs": (0.7, 0.1, 0.2), "China": (0.1, 0.7, 0.2)}),
    scored(4, None, {}),  # not speech
]


def read_matrix(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {(r["speaker"], r["target"]): r for r in csv.DictReader(fh)}


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_matrix_counts_labels_not_probabilities(tmp_path, suffix):
    scores = tmp_path / f"scores.{suffix}"
    write_records(RECORDS, scores)
    summary = build_report(scores, tmp_path / "report")
    matrix = read_matrix(Path(summary["csv"]))
    assert (summary["records"], summary["used"], summary["copies"], summary["no_speaker"]) == (5, 3, 1, 1)
    assert set(matrix) == {("Wang Yi", "tariffs"), ("Wang Yi", "United States"),
                           ("Marco Rubio", "tariffs"), ("Marco Rubio", "China")}
    cell = matrix[("Wang Yi", "tariffs")]
    assert int(cell["n_quotes"]) == 2  # the copy q2 is not counted again
    assert (int(cell["n_favor"]), int(cell["n_against"]), int(cell["n_none"])) == (0, 2, 0)
    assert int(cell["net"]) == -2
    assert sum(int(r["n_quotes"]) for r in matrix.values()) == sum(
        len(r["stance"]) for r in RECORDS if not r["duplicate_of"])


def test_cells_without_a_direction_stay_blank_and_out_of_the_network(tmp_path):
    records = [scored(0, "Wang Yi", {"tariffs": (0.1, 0.8, 0.1), "Marco Rubio": (0.3, 0.3, 0.4)}),
               scored(1, "Wang Yi", {"Marco Rubio": (0.2, 0.1, 0.7)}),
               scored(2, "Marco Rubio", {"China": (0.1, 0.7, 0.2), "Wang Yi": (0.6, 0.1, 0.3)})]
    scores = tmp_path / "scores.jsonl"
    write_records(records, scores)
    summary = build_report(scores, tmp_path / "report")
    matrix = read_matrix(Path(summary["csv"]))
    blank = matrix[("Wang Yi", "Marco Rubio")]
    assert int(blank["n_quotes"]) == 2 and blank["net"] == ""  # scored twice, never a position: no number
    assert summary["directional_cells"] == 3
    with open(summary["edges"], encoding="utf-8", newline="") as fh:
        edges = {(r["source"], r["target"]): r for r in csv.DictReader(fh)}
    assert set(edges) == {("Wang Yi", "tariffs"), ("Marco Rubio", "China"), ("Marco Rubio", "Wang Yi")}
    assert edges[("Marco Rubio", "Wang Yi")]["weight"] == "1" and edges[("Marco Rubio", "China")]["weight"] == "-1"
    import xml.etree.ElementTree as ET

    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    graph = ET.parse(summary["graphml"]).getroot().find("g:graph", ns)
    pairs = {(e.get("source"), e.get("target")) for e in graph.findall("g:edge", ns)}
    assert pairs == set(edges)
    assert {n.get("id") for n in graph.findall("g:node", ns)} == {"Wang Yi", "tariffs", "Marco Rubio", "China"}
    page = Path(summary["html"]).read_text(encoding="utf-8")
    assert "Wang Yi → Marco Rubio" not in page and "Marco Rubio → Wang Yi" in page


def test_png_is_an_image_and_html_is_escaped_and_self_contained(tmp_path):
    scores = tmp_path / "scores.jsonl"
    write_records(RECORDS, scores)
    summary = build_report(scores, tmp_path / "report")
    png = Path(summary["png"]).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
    page = Path(summary["html"]).read_text(encoding="utf-8")
    assert page.count("<script>") == 1 and "&lt;script&gt;" in page  # only the page's own filter script
    assert "<svg class=heatmap" in page and "src=" not in page and "href='http" not in page  # nothing external
    assert page.index("Quote number 0") < page.index("&lt;script&gt;")  # strongest stance listed first


def test_bad_stance_record_is_named(tmp_path):
    scores = tmp_path / "scores.jsonl"
    bad = dict(RECORDS[0], stance={"tariffs": {"label": "against"}})  # no probs
    scores.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        build_report(scores, tmp_path / "report")
    assert "scores.jsonl" in str(err.value) and "q0" in str(err.value) and "probs" in str(err.value)


def test_missing_scores_file(tmp_path):
    with pytest.raises(InputError, match="stance score"):
        build_report(tmp_path / "nope.jsonl", tmp_path / "report")


def test_report_of_real_scores(tmp_path):
    """Scores from the real model go straight into a report: one row per speaker x target pair scored."""
    model = load_model(SHIPPED_MODEL)
    quotes = [Quote(id=f"q{i}", article="a", text=t, start=0, end=len(t), paragraph=i, kind="direct",
                    speaker=s).to_dict()
              for i, (t, s) in enumerate([("Beijing must open its markets.", "Donald Trump"),
                                          ("Washington is bullying the world with tariffs.", "Wang Yi")])]
    scores = tmp_path / "scores.jsonl"
    write_records(score_quotes(quotes, model=model, progress=False), scores)
    matrix = read_matrix(Path(build_report(scores, tmp_path / "r")["csv"]))
    assert ("Donald Trump", "China") in matrix and ("Wang Yi", "United States") in matrix
    assert ("Donald Trump", "Wang Yi") in matrix and ("Wang Yi", "Donald Trump") in matrix
    assert all(int(r["n_quotes"]) == 1 for r in matrix.values())


def test_a_quotes_file_is_not_a_scores_file(tmp_path):
    from typer.testing import CliRunner

    from stance.cli import app

    quotes = tmp_path / "quotes.jsonl"
    rec = {k: v for k, v in RECORDS[0].items() if k not in ("stance", "sentiment", "model_version")}
    quotes.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="stance score"):
        build_report(quotes, tmp_path / "report")
    res = CliRunner().invoke(app, ["report", str(quotes), "-o", str(tmp_path / "r2")])
    assert res.exit_code == 1 and "quotes.jsonl" in res.output and not (tmp_path / "r2").exists()


def test_the_page_opens_with_findings_strongest_first(tmp_path):
    records = [scored(0, "Wang Yi", {"United States": (0.1, 0.8, 0.1)}, text="Washington is bullying the world."),
               scored(1, "Wang Yi", {"United States": (0.1, 0.7, 0.2)}, text="The US broke its word."),
               scored(2, "Marco Rubio", {"China": (0.7, 0.1, 0.2), "Wang Yi": (0.2, 0.2, 0.6)})]
    scores = tmp_path / "scores.jsonl"
    write_records(records, scores)
    page = Path(build_report(scores, tmp_path / "report")["html"]).read_text(encoding="utf-8")
    findings = page[page.index("<h2 id=findings>Findings</h2>"):page.index("<h2 id=heatmap>")]
    assert findings.index("Wang Yi</b> against <b>United States") < findings.index("Marco Rubio</b> in favor of <b>China")
    assert "2 against, of 2 quote(s)" in findings and "Washington is bullying the world." in findings
    assert "Marco Rubio</b> in favor of <b>Wang Yi" not in findings  # no directional evidence, no finding
    anchor = findings.split("href='#", 1)[1].split("'", 1)[0]
    assert f"id='{anchor}'" in page


def test_one_speaker_spelled_two_ways_is_one_row(tmp_path):
    records = [
        scored(0, "J.B. Pritzker", {"tariffs": (0.1, 0.8, 0.1)}),
        scored(1, "JB Pritzker", {"tariffs": (0.1, 0.7, 0.2), "Canada": (0.8, 0.1, 0.1)}),
        scored(2, "JB Pritzker", {"tariffs": (0.2, 0.2, 0.6)}),
        scored(3, "Andrés López", {"tariffs": (0.8, 0.1, 0.1)}),
        scored(4, "Andres Lopez", {"tariffs": (0.1, 0.8, 0.1)}),
    ]
    write_records(records, tmp_path / "scores.jsonl")
    matrix = read_matrix(Path(build_report(tmp_path / "scores.jsonl", tmp_path / "report")["csv"]))
    assert {s for s, _ in matrix} == {"JB Pritzker", "Andrés López"}  # most quotes; on a tie, the accents
    cell = matrix[("JB Pritzker", "tariffs")]
    assert (int(cell["n_quotes"]), int(cell["n_against"]), int(cell["n_none"])) == (3, 2, 1)
    lopez = matrix[("Andrés López", "tariffs")]
    assert (int(lopez["n_favor"]), int(lopez["n_against"])) == (1, 1)
    assert "J.B. Pritzker" not in (tmp_path / "report" / "edges.csv").read_text(encoding="utf-8")
