"""How a quote reaches each target: named, referred, context, article (stance.routes)."""

from __future__ import annotations

from stance.routes import ROUTES, article_view, routes
from stance.scoring import quote_item
from stance.targets import load_targets

CONFIG = load_targets()


def via(text: str, context: str, speaker: str, speakers=(), paragraphs=()) -> dict[str, str]:
    view = article_view(CONFIG, [speaker, *speakers], [context, *paragraphs])
    item = quote_item({"text": text, "context": context, "speaker": speaker}, CONFIG, view)
    assert set(item.via) <= set(ROUTES)
    return dict(zip(item.targets, item.via))


def test_aliases_and_government_demonyms_name_the_country():
    got = via("Beijing must stop bullying its neighbours, and the Chinese side knows it.",
              "“Beijing must stop bullying its neighbours, and the Chinese side knows it,” Rubio said.", "Marco Rubio")
    assert got["China"] == "named"
    got = via("Chinese steel is flooding the market.", "“Chinese steel is flooding the market,” Greer said.",
              "Jamieson Greer")
    assert "China" not in got  # a demonym alone describes goods, not the state


def test_a_pronoun_in_the_quote_reaches_the_person_named_before_it():
    context = "Trump said he expected a productive call with Xi. “He is a very tough negotiator,” Trump said."
    got = via("He is a very tough negotiator", context, "Donald Trump")
    assert got["Xi Jinping"] == "referred"


def test_they_after_a_person_reaches_that_persons_country():
    context = "Trump said he expected a productive call with Xi. “They have to make concessions,” he said."
    got = via("They have to make concessions", context, "Donald Trump")
    assert got["China"] == "referred" and got["Xi Jinping"] == "context"


def test_both_sides_and_counterparts_reach_the_parties_of_the_talks():
    paragraphs = ["US and Chinese negotiators met in Geneva.", "Washington and Beijing agreed to cut tariffs."]
    got = via("Both sides showed sincerity", "“Both sides showed sincerity,” He said.", "He Lifeng",
              speakers=["Scott Bessent"], paragraphs=paragraphs)
    assert got["United States"] == "referred" and "China" not in got  # his own country is never a target
    got = via("Our counterparts were tough but fair", "“Our counterparts were tough but fair,” Bessent said.",
              "Scott Bessent", speakers=["He Lifeng"], paragraphs=paragraphs)
    assert got["China"] == "referred"


def test_context_and_article_routes():
    context = "Speaking in Tokyo, Anwar said: “Our farmers did wonderful work this year.”"
    got = via("Our farmers did wonderful work this year.", context, "Anwar Ibrahim", speakers=["Scott Bessent"])
    assert got["Japan"] == "context" and got["Scott Bessent"] == "article" and got["tariffs"] == "always"


def test_routes_with_an_extra_target():
    got = routes(CONFIG, ["tariffs", "free trade"], text="We believe in free trade.", context="", speaker="Joe Biden",
                 extra=["free trade"])
    assert got == {"tariffs": "always", "free trade": "named"}
    got = routes(CONFIG, ["free trade"], text="We believe in open markets.", context="", speaker="Joe Biden",
                 extra=["free trade"])
    assert got == {"free trade": "extra"}
