"""How a quote reaches each target: named, referred, context, article (stance.routes)."""

from __future__ import annotations

from stance.routes import ROUTES, article_view, invoked_only, names, routes, speaker_country
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


def test_a_speaker_outside_the_roster_takes_the_country_of_their_title():
    paragraphs = ["Brazilian Finance Minister Fernanda Queiroz met her US counterpart on Monday.",
                  "Queiroz said the talks had been frank."]
    assert speaker_country(CONFIG, "Fernanda Queiroz", paragraphs) == "Brazil"
    after = ["“We will answer in kind,” said Alain Moreau, France's trade minister."]
    assert speaker_country(CONFIG, "Alain Moreau", after) == "France"
    assert speaker_country(CONFIG, "Alain Moreau", ["Alain Moreau spoke to reporters in Paris."]) is None
    # the country of the title is the speaker's own: never a target of their quote
    quote, context = "Brazil will answer these tariffs", "“Brazil will answer these tariffs,” Queiroz said."
    assert "Brazil" not in via(quote, context, "Fernanda Queiroz", paragraphs=paragraphs)
    assert via(quote, context, "Scott Bessent", paragraphs=paragraphs)["Brazil"] == "named"


def test_rules_an_issue_or_one_half_of_a_pair_only_invoke_an_actor():
    assert invoked_only(CONFIG, "WTO", "These duties break WTO rules.")
    assert invoked_only(CONFIG, "WTO", "This is against the rules of the WTO.")
    assert invoked_only(CONFIG, "China", "U.S.-China relations are at a low point.")
    assert not invoked_only(CONFIG, "WTO", "The WTO has failed its members.")
    assert not invoked_only(CONFIG, "China", "China must stop cheating, and U.S.-China talks will show it.")
    got = via("These duties break WTO rules", "“These duties break WTO rules,” the minister said.", "Anwar Ibrahim")
    assert got["WTO"] == "invoked"


def test_a_namesake_institution_does_not_name_the_person():
    assert not names(CONFIG, "Ronald Reagan", "He spoke at the Ronald Reagan Foundation on Tuesday.")
    assert names(CONFIG, "Ronald Reagan", "Ronald Reagan would never have done this.")


def test_a_body_is_never_named_by_its_last_word_alone():
    assert not names(CONFIG, "Canadian Steel Producers Association", "The Association of Retailers disagreed.")
    assert names(CONFIG, "Ana Lucia Ferreira", "Ferreira said nothing.")


def test_a_surname_that_is_a_configured_persons_alias_names_that_person_only():
    assert not names(CONFIG, "Bill Clinton", "Clinton said the deal was fair.")
    assert names(CONFIG, "Bill Clinton", "Bill Clinton said the deal was fair.")
