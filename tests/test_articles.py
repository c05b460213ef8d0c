"""Reading articles: formats, furniture cleaning with stable offsets, paragraphs."""

from __future__ import annotations

import json

import pytest

from stance.articles import read_articles
from stance.cleaning import make_article, paragraphs
from stance.pipeline import extract


def test_furniture_is_blanked_without_moving_offsets():
    text = (" date 2025-07-11 Officials met in Kuala Lumpur.\n\nSkip to main content\nAdvertisement\n\n"
            "Vice Premier Lin arrives. REUTERS/Jane Roe\n\n\"We are ready,\" Lin said.\n\nSource: Reuters/ab\n")
    art = make_article(text, source="x.txt")
    assert len(art.clean) == len(art.text)
    assert art.date == "2025-07-11"
    assert "Advertisement" not in art.clean and "Skip to main content" not in art.clean
    assert "REUTERS/Jane Roe" not in art.clean and "Source: Reuters" not in art.clean
    assert "Officials met in Kuala Lumpur." in art.clean
    i = art.clean.index("We are ready")
    assert art.text[i:i + 12] == "We are ready"


def test_wire_datelines_are_blanked_and_never_become_speakers(tmp_path):
    text = ("WASHINGTON (AP) — President Jane Roe on Tuesday defended the levies, saying they would bring "
            "\"trillions of dollars\" home.\n\n"
            "KUALA LUMPUR, Oct 26 (Bernama) -- Trade Minister Ali Khan said talks were \"on track\".\n\n"
            "NATO leaders met in Brussels.\n")
    art = make_article(text, source="x.txt")
    assert len(art.clean) == len(art.text)
    assert "WASHINGTON" not in art.clean and "Bernama" not in art.clean
    assert "President Jane Roe on Tuesday" in art.clean and "NATO leaders met" in art.clean
    (tmp_path / "wire.txt").write_text(text, encoding="utf-8")
    speakers = {q.text: q.speaker for q in extract([tmp_path / "wire.txt"])}
    assert speakers == {"trillions of dollars": "Jane Roe", "on track": "Ali Khan"}


def test_a_sentence_starting_with_sources_is_not_furniture():
    art = make_article("Sources said the talks would resume on Monday.\n", source="x.txt")
    assert art.clean.strip() == "Sources said the talks would resume on Monday."


def test_paragraphs_split_on_blank_and_single_newlines_but_join_hard_wraps():
    text = "First paragraph ends here.\nSecond one is on its own line.\n\nA hard-wrapped line that\ncontinues here."
    paras = paragraphs(make_article(text, source="x.txt"))
    assert [p.text for p in paras] == ["First paragraph ends here.", "Second one is on its own line.",
                                       "A hard-wrapped line that\ncontinues here."]
    for p in paras:
        assert text[p.start:p.end] == p.text


def test_html_and_jsonl_inputs(tmp_path):
    (tmp_path / "a.html").write_text(
        "<html><head><title>Talks resume</title><script>var x='\"no\"';</script></head><body><nav>Home | World</nav>"
        "<p>&ldquo;We want a fair deal,&rdquo; said Maya Ortiz, a trade official.</p></body></html>", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "b1", "title": "T", "text": '"Tariffs are taxes," Senator Paul Green said.'}) + "\n"
        + json.dumps({"text": '"Second article," said Ana Bell.'}) + "\n", encoding="utf-8")
    quotes = list(extract([tmp_path]))
    by_text = {q.text: q for q in quotes}
    assert by_text["We want a fair deal,"].speaker == "Maya Ortiz"
    assert by_text["We want a fair deal,"].title == "Talks resume"
    assert by_text["Tariffs are taxes,"].article == "b1" and by_text["Tariffs are taxes,"].speaker == "Paul Green"
    assert by_text["Second article,"].speaker == "Ana Bell"


def test_unreadable_inputs_come_back_as_errors_naming_the_file(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 binary")
    (tmp_path / "latin1.txt").write_bytes('"Caf\xe9 talks," said Ana.'.encode("latin-1"))
    (tmp_path / "bad.jsonl").write_text('{"text": "ok \\"fine,\\" said Bo Li."}\n{not json}\n{"title": "no text"}\n')
    results = list(read_articles([tmp_path]))
    errors = {r.source: str(r.error) for r in results if r.error}
    assert any("empty.txt" in s and "empty file" in m for s, m in errors.items())
    assert any("binary.txt" in s and "binary" in m for s, m in errors.items())
    assert any("latin1.txt" in s and "not UTF-8" in m for s, m in errors.items())
    assert any(s.endswith("bad.jsonl:2") and "malformed JSON" in m for s, m in errors.items())
    assert any(s.endswith("bad.jsonl:3") and "'text'" in m for s, m in errors.items())
    assert sum(1 for r in results if r.article) == 1


@pytest.mark.parametrize("text, title", [
    ("East Asia\n\nChina and US resume trade talks\n\nSenior officials met on Sunday.", "China and US resume trade talks"),
    ("By Jane Smith\nTariffs bite in Ohio\nFarmers said so.", "Tariffs bite in Ohio"),
    ("Talks resume\n\n\u201cWe want a fair deal,\u201d said Maya Ortiz.", "Talks resume"),
    ("US Secretary of State Marco Rubio on Friday said he had a positive meeting with his Chinese counterpart Wang Yi "
     "on the sidelines of ASEAN talks. Tariffs were in focus.",
     "US Secretary of State Marco Rubio on Friday said he had a positive meeting with his Chinese counterpart Wang Yi on the…"),
])
def test_title_is_the_headline_or_the_lead_not_a_section_label(text, title):
    assert make_article(text, source="x.txt").title == title
