"""Every quote of the seed articles has the right speaker (gold labels read by a person)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stance.pipeline import extract

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "articles"

# (article prefix, start of the quote text) -> speaker; None = not speech.
GOLD = {
    ("000", "positive"): "Marco Rubio",
    ("000", "I thought it was very constructive"): "Marco Rubio",
    ("000", "it was not a negotiation"): "Marco Rubio",
    ("000", "I think we left it feeling"): "Marco Rubio",  # continuation paragraph, no cue
    ("000", "There's a strong desire"): "Marco Rubio",
    ("000", "prioritising"): "US officials",
    ("000", "Massive deficits"): None,  # section heading, words not quoted in the text
    ("000", "If you look at some of these trade deficits"): "Marco Rubio",
    ("000", "Everybody here is a mature leader"): "Marco Rubio",
    ("000", "concern"): "ASEAN",
    ("000", "counterproductive"): "ASEAN",  # "which it described as"
    ("000", "indispensable relationship"): "Tammy Bruce",
    ("000", "sharpened instruments"): "Anwar Ibrahim",
    ("000", "undermines the free trade system"): "Wang Yi",
    ("000", "The United States' imposition"): "Wang Yi",
    ("000", "Total reset"): "Donald Trump",  # heading quoting Trump's words
    ("000", "total reset"): "Donald Trump",
    ("000", "credibly preparing"): "Pete Hegseth",
    ("000", "trains every day"): "Pete Hegseth",  # "He also claimed": the pronoun, not He Lifeng
    ("000", "contain China"): "Chinese diplomats",
    ("000", "playing with fire"): "Chinese diplomats",
    ("001", "very constructive"): "US Treasury",
    ("001", "They have been very constructive"): "US Treasury",
    ("001", "I'm not sure the Chinese"): "Josh Lipsky",
    ("001", "We won't know if Beijing"): "Scott Kennedy",
    ("001", "If they make a deal"): "Scott Kennedy",
    ("001", "global supply chain power grab"): "Scott Bessent and Jamieson Greer",
    ("001", "apparent failure"): "Trump administration",
    ("001", "Phase One"): None,
    ("002", "very constructive"): "US Treasury",
    ("002", "They have been very constructive"): "US Treasury",
    ("002", "We have a lot to talk about"): "Donald Trump",
    ("003", "We’re getting to a point"): "Jamieson Greer",
    ("003", "productive"): "Donald Trump",
    ("003", "They have to make concessions"): "Donald Trump",
    ("003", "We’re at 157 percent"): "Donald Trump",
    ("003", "pretty close to being finalized"): "Donald Trump",  # not Bloomberg News ("according to")
}


@pytest.fixture(scope="module")
def seed_quotes():
    return list(extract([SEEDS]))


def _gold_for(q):
    hits = [(k, v) for k, v in GOLD.items() if q.article.startswith(k[0]) and q.text.startswith(k[1])]
    return max(hits, key=lambda kv: len(kv[0][1])) if hits else None


def test_every_seed_quote_has_a_gold_label_and_matches_it(seed_quotes):
    wrong = []
    for q in seed_quotes:
        gold = _gold_for(q)
        assert gold is not None, f"quote not in the gold list: {q.article} {q.text[:40]!r}"
        if q.speaker != gold[1]:
            wrong.append((q.article[:3], q.text[:40], q.speaker, gold[1]))
    assert not wrong, wrong


def test_every_gold_quote_is_found(seed_quotes):
    for (art, prefix), _ in GOLD.items():
        assert any(q.article.startswith(art) and q.text.startswith(prefix) for q in seed_quotes), (art, prefix)


def test_article_004_is_a_paraphrase_with_no_quotes(seed_quotes):
    assert not [q for q in seed_quotes if q.article.startswith("004")]


def test_offsets_point_into_the_original_file(seed_quotes):
    for q in seed_quotes:
        text = (SEEDS / f"{q.article}.txt").read_text(encoding="utf-8")
        assert text[q.start:q.end] == q.text
        assert text[q.start - 1] in "\"“‘'"


def test_syndicated_copies_are_linked_not_counted_again(seed_quotes):
    by_id = {q.id: q for q in seed_quotes}
    spokes = [q for q in seed_quotes if q.text.startswith("They have been very constructive")]
    assert len(spokes) == 3  # twice in 001, once in 002
    originals = [q for q in spokes if q.duplicate_of is None]
    assert len(originals) == 1
    for q in spokes:
        if q.duplicate_of:
            assert by_id[q.duplicate_of].text.startswith("They have been very constructive")


def test_kinds(seed_quotes):
    kind = {q.text[:25]: q.kind for q in seed_quotes if q.article.startswith("000")}
    assert kind["I think we left it feelin"] == "continuation"
    assert kind["sharpened instruments of "] == "partial"
    assert kind["If you look at some of th"] == "direct"
    assert kind["Massive deficits"] == "headline"
    phase = [q for q in seed_quotes if q.text == "Phase One"]
    assert phase and phase[0].kind == "term"


def test_group_speaker_lists_its_members(seed_quotes):
    q = next(q for q in seed_quotes if q.text.startswith("global supply chain"))
    assert q.speaker_type == "group"
    assert q.speakers == ("Scott Bessent", "Jamieson Greer")
    assert q.speaker_mention == "Bessent and Greer"
    assert q.cue == "blasted"
