"""Targets: which actors and topics a quote is scored toward, and the config file's validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from stance.errors import ConfigError
from stance.records import Quote
from stance.targets import load_targets, targets_for


@pytest.fixture(scope="module")
def config():
    return load_targets()


def quote(text: str, speaker: str | None, context: str = "", speakers: tuple[str, ...] = ()) -> Quote:
    return Quote(id="q", article="a", text=text, start=0, end=len(text), paragraph=0, kind="direct",
                 speaker=speaker, speakers=speakers, context=context)


def test_beijing_means_china_not_japan(config):
    q = quote("We will not be bullied by Beijing on tariffs.", "Marco Rubio")
    got = targets_for(q, config=config)
    assert got[0] == "tariffs"
    assert "China" in got
    assert "Japan" not in got


def test_paragraph_mentions_count_too(config):
    q = quote("That has to be addressed.", "Marco Rubio",
              context="Rubio said trade deficits with Tokyo and Seoul \"has to be addressed\".")
    got = targets_for(q, config=config)
    assert {"Japan", "South Korea"} <= set(got)
    assert "North Korea" not in got


def test_speaker_is_never_their_own_target(config):
    q = quote("President Xi and I, Donald Trump, will make a deal with China.", "Donald Trump")
    got = targets_for(q, config=config, article_speakers=["Donald Trump", "Xi Jinping"])
    assert "Donald Trump" not in got
    assert "Xi Jinping" in got and "China" in got


def test_speakers_own_country_and_bodies_country_left_out(config):
    person = quote("Washington will stand firm against Beijing.", "Marco Rubio")
    assert "United States" not in targets_for(person, config=config)
    body = quote("The US wants a deal with China.", "US Treasury")  # a body stands for its country
    got = targets_for(body, config=config)
    assert "United States" not in got and "US Treasury" not in got and "China" in got


def test_other_speakers_of_the_article_are_targets(config):
    q = quote("It was a constructive meeting.", "Marco Rubio")
    speakers = ["Marco Rubio", "Wang Yi", "US Treasury", "Josh Lipsky", "analysts", "a spokesperson"]
    got = targets_for(q, config=config, article_speakers=speakers)
    assert "Wang Yi" in got and "Josh Lipsky" in got  # roster and named non-roster people
    assert "analysts" not in got and "a spokesperson" not in got  # descriptions are not targets
    assert "US Treasury" not in got and "United States" not in got  # Rubio's own country's body


def test_group_members_are_all_excluded(config):
    q = quote("China's global supply chain power grab", "Scott Bessent and Jamieson Greer",
              speakers=("Scott Bessent", "Jamieson Greer"))
    got = targets_for(q, config=config, article_speakers=["Scott Bessent", "Jamieson Greer", "Xi Jinping"])
    assert "Scott Bessent" not in got and "Jamieson Greer" not in got
    assert "China" in got and "Xi Jinping" in got


@pytest.mark.parametrize("text, absent", [
    ("He said the talks went well.", "He Lifeng"),  # a pronoun, not the Vice Premier
    ("Bill Clinton signed NAFTA.", "Hillary Clinton"),  # another Clinton
    ("The Washington Post and Latin America.", "United States"),  # excluded phrases
    ("Let us talk about it.", "United States"),  # case-sensitive: "us" is not the US
    ("The People's Republic of China.", "Taiwan"),
])
def test_ambiguous_names_do_not_match(config, text, absent):
    assert absent not in config.mentioned(text)


@pytest.mark.parametrize("text, present", [
    ("President Trump spoke.", "Donald Trump"),
    ("The U.S.-China deal.", "United States"),
    ("Taiwan, or the Republic of China.", "Taiwan"),
    ("Mr. Xi arrived.", "Xi Jinping"),
    ("Bill Clinton signed NAFTA.", "NAFTA"),
])
def test_names_and_aliases_match(config, text, present):
    assert present in config.mentioned(text)


def test_extra_targets_free_text_and_aliases(config):
    q = quote("Free trade made us rich.", "Joe Biden")
    got = targets_for(q, config=config, extra_targets=["Beijing", "free trade", "  free   trade ", "Joe Biden"])
    assert got.count("China") == 1 and got.count("free trade") == 1
    assert "Beijing" not in got and "Joe Biden" not in got


def test_no_duplicates_and_stable_order(config):
    q = quote("Beijing, China and the PRC", "Joe Biden", context="China again")
    got = targets_for(q, config=config, article_speakers=["Xi Jinping", "Xi Jinping"], extra_targets=["China"])
    assert len(got) == len(set(got))
    assert got == targets_for(q, config=config, article_speakers=["Xi Jinping"], extra_targets=["China"])


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("body, words", [
    ("targets:\n  - name: Donald Trump\n", ["targets[0]", "Donald Trump", "roster"]),  # people belong in the roster
    ("targets:\n  - name: China\n    alias: [Beijing]\n", ["targets[0]", "China", "alias"]),  # typo'd key
    ("targets:\n  - kind: topic\n", ["targets[0]", "name"]),
    ("targets:\n  - name: China\n  - name: Taiwan\n    aliases: [China]\n", ["targets[1]", "Taiwan", "China"]),
    ("targets:\n  - name: X\n    kind: person\n", ["targets[0]", "kind"]),
    ("targets: [unclosed\n", ["YAML"]),
    ("speakers: []\n", ["targets:"]),
])
def test_bad_config_names_file_and_entry(tmp_path, body, words):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load_targets(path)
    message = str(err.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_custom_config_is_used(tmp_path):
    path = write(tmp_path, "targets:\n  - name: steel\n    kind: topic\n    always: true\n"
                           "  - name: Mars\n    aliases: [Red Planet]\n")
    cfg = load_targets(path)
    got = targets_for(quote("The Red Planet awaits.", "Elon Musk"), config=cfg)
    assert got[0] == "steel" and "Mars" in got and "tariffs" not in got


def test_a_body_outside_the_roster_is_not_scored_toward_the_country_it_names():
    config = load_targets()
    q = {"text": "These actions are unfair, and India and the United States must talk.", "context": "",
         "speaker": "Indian Ministry of External Affairs"}
    got = targets_for(q, config=config)
    assert "India" not in got and "United States" in got
    assert "Japan" in config.own_targets("The Japanese government")
    assert config.own_targets("Bank of America") == {"Bank of America"}  # an excluded phrase names no country


def test_spans_find_every_alias_and_skip_excluded_and_namesakes(config):
    text = "Beijing and the Chinese side met the U.S.; Ivanka Trump, then Donald Trump, spoke on free trade."
    found = {name: [text[a:b] for a, b in config.spans(name, text)] for name in
             ("China", "United States", "Donald Trump", "free trade", "Japan")}
    assert found["China"] == ["Beijing", "Chinese side"]
    assert found["United States"] == ["the U.S."]
    assert found["Donald Trump"] == ["Donald Trump"]  # "Ivanka Trump" is a namesake
    assert found["free trade"] == ["free trade"]  # not configured: found as written
    assert found["Japan"] == []
