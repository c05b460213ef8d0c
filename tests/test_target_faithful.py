"""Target-faithful stance: a quote's tone does not spread to the other actors of its article.

The article is written for this test: one speaker attacks China, another praises his own farmers.
With the real shipped model and the default routes and thresholds, neither quote gets a direction
toward the other speaker (reached only through the article), and the report leaves those cells blank.
"""

from __future__ import annotations

import csv
import json

import pytest

from stance.report import build_report
from stance.scoring import score_paths

ARTICLE = """Trade talks resume in Geneva

GENEVA - Treasury Secretary Scott Bessent met Chinese Vice Premier He Lifeng on Saturday for a second round of talks.

"China has cheated on every deal it ever signed, and it is still dumping cheap steel on the world," Bessent told reporters after the meeting.

In Kuala Lumpur, Prime Minister Anwar Ibrahim spoke about this year's rice harvest. "Our farmers have done wonderful work this year, and I am proud of every one of them," Anwar said.
"""


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faithful")
    (folder / "geneva.txt").write_text(ARTICLE, encoding="utf-8")
    out = folder / "scores.jsonl"
    score_paths([folder / "geneva.txt"], out, progress=False)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {r["speaker"]: r for r in records if r["speaker"]}, out


def test_no_direction_toward_an_actor_the_quote_does_not_reach(scored):
    by_speaker, _ = scored
    bessent, anwar = by_speaker["Scott Bessent"], by_speaker["Anwar Ibrahim"]
    assert bessent["stance"]["China"]["via"] == "named"
    assert bessent["stance"]["China"]["label"] == "against"  # the addressed actor keeps its direction
    assert bessent["stance"]["Anwar Ibrahim"]["via"] == "article"
    assert bessent["stance"]["Anwar Ibrahim"]["label"] == "none"
    assert anwar["stance"]["Scott Bessent"]["via"] == "article"
    assert anwar["stance"]["Scott Bessent"]["label"] == "none"
    assert "China" not in anwar["stance"] or anwar["stance"]["China"]["label"] == "none"


def test_report_leaves_the_unaddressed_cells_blank(scored, tmp_path):
    _, out = scored
    summary = build_report(out, tmp_path / "report")
    with open(summary["csv"], encoding="utf-8", newline="") as fh:
        matrix = {(r["speaker"], r["target"]): r for r in csv.DictReader(fh)}
    for cell in (("Scott Bessent", "Anwar Ibrahim"), ("Anwar Ibrahim", "Scott Bessent")):
        assert int(matrix[cell]["n_quotes"]) == 1 and matrix[cell]["net"] == ""
    assert int(matrix[("Scott Bessent", "China")]["net"]) == -1
    with open(summary["edges"], encoding="utf-8", newline="") as fh:
        edges = {(r["source"], r["target"]) for r in csv.DictReader(fh)}
    assert ("Scott Bessent", "China") in edges and ("Anwar Ibrahim", "Scott Bessent") not in edges
