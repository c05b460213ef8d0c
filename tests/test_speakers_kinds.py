"""Speaker attribution on kinds of error met on news from many outlets, one short text per kind
(written for the tests, not from the data). Helpers and the roster fixture come from test_speakers."""

from __future__ import annotations

from test_speakers import quotes_of, roster, speaker_of  # noqa: F401  (roster is a fixture)


def test_a_quote_with_its_own_she_does_not_inherit_a_known_man(roster):
    text = ('Commerce Secretary Howard Lutnick spoke first. "We are close to a deal," Lutnick said.\n\n'
            '"We will answer any tariff with our own," she said.')
    assert speaker_of(text, roster, "We are close") == "Howard Lutnick"
    assert speaker_of(text, roster, "We will answer") is None


def test_a_quote_under_a_claim_is_the_claimants(roster):
    text = ('Trade Minister Ravi Menon answered on Friday. Responding to Senator Paul Grant\'s claim that the country '
            'was a "closed economy," Menon said exports had doubled in five years.')
    assert speaker_of(text, roster, "closed economy") == "Paul Grant"


def test_the_owner_of_a_claim_does_not_become_who_speaks_next(roster):
    text = ('Responding to Senator Paul Grant\'s claim that the country was a "closed economy," Trade Minister Ravi '
            'Menon said exports had doubled.\n\n"We trade with everyone," he said.')
    assert speaker_of(text, roster, "We trade") == "Ravi Menon"


def test_a_quoted_noun_modifying_the_noun_after_it_is_no_speech(roster):
    text = ('Trade Minister Ravi Menon said the pause on "mirror" duties could be extended, and he '
            'rejected the "overproduction" narrative and the "unfair" levies.\n\n"We have done nothing wrong," Menon said.')
    assert speaker_of(text, roster, "mirror") is None
    assert speaker_of(text, roster, "overproduction") is None
    assert speaker_of(text, roster, "unfair") == "Ravi Menon"  # an adjective judges: his words
    assert speaker_of(text, roster, "We have done") == "Ravi Menon"


def test_a_hyphened_quoted_modifier_stays_speech(roster):
    text = 'Trade Minister Ravi Menon said the talks were no "win-lose" contest.'
    assert speaker_of(text, roster, "win-lose") == "Ravi Menon"


def test_pointed_out_is_a_cue(roster):
    text = 'Economist Lena Ford pointed out that farm exports "cannot carry the whole burden" this year.'
    assert speaker_of(text, roster, "cannot carry") == "Lena Ford"


def _phrase(text, roster, start):
    (q,) = [q for q in quotes_of(text, roster) if q.text.startswith(start)]
    return q


def test_the_speaker_phrase_keeps_the_apposition_and_its_clause(roster):
    text = ('"The duties will not survive in court," said Maria Lenz, a trade lawyer in Geneva who has '
            'argued such cases for a decade.\n\n'
            'Tomas Reyes, the foreign minister of Peru, a member of the trade bloc, said the talks were "useful".')
    q = _phrase(text, roster, "The duties")
    assert (q.speaker, q.speaker_mention) == ("Maria Lenz", "Maria Lenz")
    assert q.speaker_phrase == "Maria Lenz, a trade lawyer in Geneva who has argued such cases for a decade"
    q = _phrase(text, roster, "useful")
    assert q.speaker == "Tomas Reyes"
    assert q.speaker_phrase == "Tomas Reyes, the foreign minister of Peru"  # not the apposition further in


def test_the_speaker_phrase_stops_at_the_quote_and_the_verb(roster):
    text = ('Senator Paul Grant, a critic of the deal, called the levies "a tax on families" on Monday.\n\n'
            '"We will see," he said.')
    q = _phrase(text, roster, "a tax on")
    assert q.speaker_phrase == "Senator Paul Grant, a critic of the deal"
    q = _phrase(text, roster, "We will see")
    assert (q.speaker, q.speaker_phrase) == ("Paul Grant", "he")


def test_the_speaker_phrase_leaves_out_a_clause_that_runs_into_the_quote(roster):
    text = 'The talks ended late on Friday, with a Treasury spokesman describing them as "a good start".'
    q = _phrase(text, roster, "a good start")
    assert q.speaker is not None
    assert q.speaker_phrase == "a Treasury spokesman"


def test_words_quoted_in_a_clause_without_a_cue_are_its_subjects(roster):
    text = ('Trade Minister Ravi Menon met exporters in Perth on Monday.\n\n'
            'Menon "flatly rejected" the charge and promised there would be "no recession" this year.\n\n'
            'Mrs Anna Clarke, the farmers\' leader, joined him. '
            'She was certain that "together we will get through this."\n\n'
            'The Australian Trade Ministry urged Washington to "correct its wrongdoing" at once.')
    assert speaker_of(text, roster, "flatly rejected") == "Ravi Menon"
    assert speaker_of(text, roster, "no recession") == "Ravi Menon"
    assert speaker_of(text, roster, "together we will") == "Anna Clarke"
    assert speaker_of(text, roster, "correct its wrongdoing") == "Australian Trade Ministry"


def test_labels_names_and_critics_words_in_a_clause_are_not_its_subjects(roster):
    text = ('Senator Paul Grant reintroduced the "Pacific Shipping Lanes Sanctions Act," on Tuesday.\n\n'
            'Grant could face a fine for leading a "criminal enterprise" in 2019.\n\n'
            'Grant was rebutting criticism that the dinner had been "overly festive and costly."\n\n'
            'The spat meant it would be "very difficult" to close the deal.')
    for words in ("Pacific Shipping", "criminal enterprise", "overly festive", "very difficult"):
        assert speaker_of(text, roster, words) is None, words


def test_a_clause_before_a_colon_speaks_when_the_parse_misses_its_subject(roster):
    text = ('At the end of the summit in Rio de Janeiro, Lula was defiant when asked by journalists about the '
            'tariff threat: "The world has changed. We do not want an emperor."')
    assert speaker_of(text, roster, "The world has changed") == "Luiz Inácio Lula da Silva"


def test_a_transcript_caption_in_capitals_names_the_speaker(roster):
    text = ('Japan defended its export controls on Friday.\n\n'
            '[Soundbite] KENJI MORITA(TRADE MINISTER) : "It is a separate matter."\n\n'
            'LIN WEI SHANGHAI "The ministry has just held its briefing."\n\n'
            'Mr Morita spoke again later. "We will review it," he said.')
    assert speaker_of(text, roster, "It is a separate") == "Kenji Morita"
    assert speaker_of(text, roster, "The ministry has just") == "Lin Wei"


def test_a_description_before_the_name_is_read_again_at_the_end(roster):
    text = ('"We will not be pushed around," the premier says in a speech to steelworkers.\n\n'
            'Manitoba Premier Ruth Calder spoke in Winnipeg on Monday. "We will not be pushed around," Calder said.')
    assert [q.speaker for q in quotes_of(text, roster)] == ["Ruth Calder", "Ruth Calder"]


def test_a_capital_or_short_name_speaks_as_its_country(roster):
    text = ('"The tariffs are a grave mistake," Beijing said on Monday.\n\n'
            '"We will respond in kind," Ottawa said.\n\n'
            '"Our relationship is fair and balanced," Downing Street said.')
    assert speaker_of(text, roster, "The tariffs") == "China"  # one actor, one row of the matrix
    assert speaker_of(text, roster, "We will respond") == "Canada"
    assert speaker_of(text, roster, "Our relationship") == "Downing Street"  # a body, not the place


def test_words_quoted_inside_a_quote_are_whom_it_names_as_saying_them(roster):
    text = ('"Senator Paul Grant said \'the summit was all hat and no cattle.\' Thank you, Paul," '
            'the president wrote.\n\n'
            '"The duties break President Ana Ruiz\'s commitment to \'never seek to contain our growth,\'" '
            'the ministry said.\n\n'
            '"At one point he said \'you are all threatened\' and I found it provocative," Lin Wei said.\n\n'
            '"We reject the so-called \'Phase One\' logic," Lin said.')
    assert speaker_of(text, roster, "the summit was") == "Paul Grant"
    assert speaker_of(text, roster, "never seek") == "Ana Ruiz"
    assert speaker_of(text, roster, "you are all") is None  # "he" inside a quote: from the quoted side
    assert speaker_of(text, roster, "Phase One") is None  # a name, not speech
    assert speaker_of(text, roster, "At one point") == "Lin Wei"


def test_a_person_the_recogniser_takes_for_a_body_is_still_she_and_her_surname(roster):
    text = ('Nikki Haley threw down the gauntlet on the former president\'s posture toward China on Tuesday.\n\n'
            'While he was right about the imbalances, Haley said, the deal he signed "came up short."\n\n'
            'The former president "did too little about the rest of the threat," she said.')
    speakers = {q.text[:12]: q.speaker for q in quotes_of(text, roster)}
    assert speakers == {"came up shor": "Nikki Haley", "did too litt": "Nikki Haley"}
