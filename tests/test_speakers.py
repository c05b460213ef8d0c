"""Speaker attribution, one small text per phenomenon (written for the tests, not from the seeds)."""

from __future__ import annotations

import pytest

from stance.cleaning import make_article
from stance.pipeline import extract_article
from stance.roster import load_roster


@pytest.fixture(scope="module")
def roster():
    return load_roster()


def quotes_of(text, roster):
    return extract_article(make_article(text, source="test.txt", article_id="t"), roster=roster)


def speaker_of(text, roster, startswith):
    for q in quotes_of(text, roster):
        if q.text.startswith(startswith):
            return q.speaker
    raise AssertionError(f"no quote starting {startswith!r}")


SHORT_CUES = ('Foreign Ministry spokesman Ken Udo spoke on Monday.\n\n'
              '"They want to crush our companies. We will not allow it." Udo said.\n\n'
              '"Get ready to sell a lot of product. Have fun!" Tom Hale posted on social media.')
COLONS = ('President Ana Lima was defiant when asked by journalists about the threat: "The world has changed. '
          'We do not want an emperor."\n\nThe tariffs cover three areas: "steel, aluminium and cars" for now.')
GENDERS = ('Foreign Minister Anna Berg met Commerce Secretary Howard Lutnick on Monday. Lutnick praised the talks.\n\n'
           '"We made progress on steel," she said.\n\n'
           'Mr. Tom Hale arrived after Kim Lee, a government spokeswoman, left the room.\n\n'
           '"We expect a deal," she told reporters.')

CASES = [
    # a reporting verb outside the common ones ("echoed") is still the cue: not the person named before
    ("Majority Leader Tom Vale urged patience. \u201cWe have to give the president some room,\u201d Sen. "
     "Ann Roe echoed to reporters. \u201cIt has been three days.\u201d", "We have to", "Ann Roe"),
    # a short cue sentence right after the quote names its speaker
    (SHORT_CUES, "They want", "Ken Udo"),
    (SHORT_CUES, "Get ready", "Tom Hale"),
    # a quote after the colon of a clause without a cue is its subject's (a named one only)
    (COLONS, "The world", "Ana Lima"),
    (COLONS, "steel", None),
    # a pronoun agrees with the gender the roster or the article gives
    (GENDERS, "We made", "Anna Berg"),
    (GENDERS, "We expect", "Kim Lee"),
    # a statement as subject is the words of who issued it
    ('Foreign Minister Ana Lima criticised the tariffs on Monday.\n\n'
     '"This is unacceptable and we will respond," the statement said.', "This is", "Ana Lima"),
    # a headline verb after a roster surname is not a name in family-first order
    ("President Trump Slams 'Dishonest And Weak' Performance From Trudeau\n\n"
     'Trump called Trudeau "very dishonest and weak" after the summit.', "very dishonest", "Donald Trump"),
    # a title-case span with its own comma inside stays speech
    ('Tom Hale declared himself a "Tariff Man," stressing he would not hesitate to raise duties.', "Tariff Man",
     "Tom Hale"),
    # a spokesperson's title with no one named: the body it names
    ('The Chinese MFA Spox said, "Despite our goodwill, the U.S. slapped tariffs on our goods."', "Despite",
     "Chinese Foreign Ministry"),
    # "Chair" before a surname the article gives in full; a job title ending in "Economist"
    ('Fed Chair Jerome Powell spoke on Tuesday.\n\n"That is what people expect from us," Chair Powell said.', "That is",
     "Jerome Powell"),
    ('"If we do that, retaliatory tariffs would hit soybeans," AFBF Economist Betty Resnick said.', "If we",
     "Betty Resnick"),
    # a compound job title before the name is not a group ("Commerce and Industry Minister ...")
    ('"We will not be rushed," Commerce and Industry Minister Lena Berg said on Monday.', "We will not", "Lena Berg"),
    ('"They are wrong," said European Commission chief Ursula von der Leyen.', "They are", "Ursula von der Leyen"),
    # a bare title later in the article stands for the person named with it
    ('Ontario Premier Doug Ford spoke on Friday.\n\n"We will fight back," the premier said.', "We will fight",
     "Doug Ford"),
    # a relative clause's cue speaks for the name it hangs on, not for the sentence's subject
    ('Envoy Ana Lima told Congress talks were stuck, contradicting her boss, President Tom Hale, who recently '
     'trumpeted that the two sides are "very, very close" to a deal.', "very, very", "Tom Hale"),
    # a title phrase with the name apposed after its last noun
    ('The president of the American Apparel and Footwear Association, Rick Helfenbein, describes the tariffs as '
     '"punishing your daughter for something your son did".', "punishing", "Rick Helfenbein"),
    # inverted cue after the quote, apposition not part of the name
    ('"We will not back down," said Jane Smith, a spokeswoman for the ministry.', "We will", "Jane Smith"),
    # cue before the quote, with a colon
    ('Trade Minister Rosa Diaz said: "Tariffs hurt everyone, including us."', "Tariffs hurt", "Rosa Diaz"),
    # pronoun resolved to the previous sentence's subject
    ('Senator John Doe criticised the deal on Monday.\n\n"It is a disaster for farmers," he said.', "It is", "John Doe"),
    # pronoun: the subject wins over an object mentioned later
    ('Maria Lopez met Tom Baker in Brussels on Tuesday. "We agreed on nothing," she told reporters.', "We agreed",
     "Maria Lopez"),
    # surname canonicalised to the article's first full mention
    ('Economist Sarah Connor expects growth to slow.\n\n"It will get worse before it gets better," Connor said.',
     "It will", "Sarah Connor"),
    # spokesperson of a body in the roster
    ('"We firmly oppose unilateral tariffs," a spokesperson for China\'s foreign ministry said on Friday.',
     "We firmly", "Chinese Foreign Ministry"),
    # a full name that shares only a surname with a roster entry is someone else
    ('Chinese Premier Li Qiang said the economy remained "resilient" despite the levies.', "resilient", "Li Qiang"),
    # roster surname alone
    ('"We will respond in kind," Rubio told reporters in Manila.', "We will", "Marco Rubio"),
    # a group pronoun
    ('Chinese officials rejected the proposal on Monday. They called it "economic bullying".', "economic",
     "Chinese officials"),
    # 'according to' when no verb cue names a speaker
    ('Exports will fall "by at least a third next year", according to Commerce Minister Ali Khan.', "by at least",
     "Ali Khan"),
    # cue inside a relative clause
    ('The duties, which Prime Minister Jan Novak called "a tax on our own people", start today.', "a tax",
     "Jan Novak"),
    # a verb of stance that reports words ("denounced ... as", "rejected", "indicated")
    ('Speaker Ann Cole denounced the tariffs as "bad policy" on Tuesday.', "bad policy", "Ann Cole"),
    ('Lena Moser rejected the idea of "a deal at any price" on Monday.', "a deal at", "Lena Moser"),
    # conjoined verb inherits the subject
    ('Governor Amy Chen praised the deal and warned that tariffs would "crush small businesses".', "crush",
     "Amy Chen"),
    # a name signed after a dash (letters, vox pops)
    ('"Prices at my shop went up twenty percent in a month." ― Carla Mendes', "Prices", "Carla Mendes"),
    # cue after the quote, parsed as a sentence of its own
    ('"Who pays for these tariffs? You do." said Tom Hale, the narrator of the campaign advert.', "Who pays",
     "Tom Hale"),
    # a roster title on its own, lower-cased as British outlets write it, in single curly quotes
    ("Talks resumed on Friday. The US secretary of state added: ‘We have a lot of work to do.’", "We have",
     "Marco Rubio"),
    ('"The door is open," the treasury secretary told CNBC.', "The door", "Scott Bessent"),
    # family name written first: the later one-word mention is the family name
    ('Ministry spokesperson Zhao Min spoke in Beijing.\n\n"We oppose this," Zhao said.', "We oppose", "Zhao Min"),
    # a family name alone that the article never completes: the one roster person of a family-name-first country
    ('The ministry held its regular briefing.\n\n"We firmly oppose the tariffs," Mao told reporters.', "We firmly",
     "Mao Ning"),
    ('"The U.S. should correct its mistakes," Hua commented.', "The U.S.", "Hua Chunying"),
    # a roster surname the NER does not tag is still the referent of the next "he"
    ('Katherine Tai was sceptical. "Frameworks are not deals," she said. Greer disagreed. "This one is," he said.',
     "This one", "Jamieson Greer"),
    # the speaker named in the next sentence: "That was the message from ..."
    ('"We will not be intimidated." That was the message from Canadian Prime Minister Jan Novak on Tuesday.',
     "We will not", "Jan Novak"),
    # "X quoted Y as saying": Y speaks
    ('The state news agency quoted Premier Li Qiang as saying the two sides "should not retaliate".',
     "should not", "Li Qiang"),
    # a body named only by its kind is the article's earlier body of that kind
    ('The European Commission published new figures.\n\n"Europe stands ready to respond," the commission said.',
     "Europe stands", "European Commission"),
    ("China's commerce ministry vowed to respond. \"China will take countermeasures,\" a ministry spokesman said.",
     "China will", "Chinese Commerce Ministry"),
]


def test_a_first_word_shared_by_two_full_names_picks_neither(roster):
    text = 'Zhao Min and Zhao Lei met on Monday.\n\n"It went well," Zhao said.'
    assert speaker_of(text, roster, "It went") not in ("Zhao Min", "Zhao Lei")


def test_a_former_holder_of_a_roster_title_is_not_the_current_one(roster):
    assert roster.by_title("the US secretary of state").name == "Marco Rubio"
    assert roster.by_title("former Secretary of State") is None
    speaker = speaker_of('"It was a mistake," a former secretary of state said.', roster, "It was")
    assert speaker != "Marco Rubio"


def test_a_roster_title_is_the_articles_holder_of_that_office_in_another_term(roster):
    blinken = ("US Secretary of State Antony Blinken arrived in Shanghai on Wednesday. Speaking to reporters, "
               "the top US diplomat said he would raise \u201cvery real concerns on a range of issues.\u201d")
    assert speaker_of(blinken, roster, "very real") == "Antony Blinken"
    rubio = "Marco Rubio met Wang Yi on Friday. \u201cIt was constructive,\u201d the top US diplomat said."
    assert speaker_of(rubio, roster, "It was") == "Marco Rubio"  # the roster's holder when no other is named
    both = ("Antony Blinken handed over to Marco Rubio in January. \u201cWe will keep talking,\u201d "
            "the secretary of state said.")
    assert speaker_of(both, roster, "We will") == "Marco Rubio"  # the roster's holder named too: the holder


@pytest.mark.parametrize("text,startswith,expected", [
    ('Commission chief Lena Varga says the bloc will respond to the import taxes by treating "them the way '
     'they treat us" within the rules.', "them the way", "Lena Varga"),
    ('"Protectionism leads nowhere," Chancellor Otto Brandt said, vowing that the EU would respond "firmly '
     'and in proportion".', "firmly", "Otto Brandt"),
])
def test_a_verb_in_the_future_under_the_cue_is_not_the_cue(text, startswith, expected, roster):
    # "respond" is a reporting verb, but "the bloc will respond" reports an act to come: the speaker
    # is the subject of the cue above it
    assert speaker_of(text, roster, startswith) == expected


@pytest.mark.parametrize("text,startswith,expected", CASES)
def test_attribution(text, startswith, expected, roster):
    assert speaker_of(text, roster, startswith) == expected


def test_capitalised_he_mid_sentence_is_the_surname(roster):
    text = "Vice Premier He Lifeng arrived in Geneva.\n\nOfficials said He described the talks as \"candid and deep\"."
    assert speaker_of(text, roster, "candid") == "He Lifeng"


def test_sentence_initial_he_is_a_pronoun_even_with_he_lifeng_in_the_roster(roster):
    text = ("Defense Secretary Pete Hegseth spoke in Singapore.\n\n"
            'He also claimed that Beijing "is preparing for war".')
    assert speaker_of(text, roster, "is preparing") == "Pete Hegseth"


def test_she_never_finds_a_roster_man_reached_by_his_surname(roster):
    # Trump reaches the article as "Trump" (a roster alias), so the article never notes his gender;
    # the roster does: "she" here is the trade secretary, or nobody, never him
    text = ('Trade Secretary Ana Ruiz spoke after the announcement.\n\n'
            'Trump announced a 10 percent baseline tariff on all imports on Wednesday.\n\n'
            'She added that she would meet officials from Washington "within the next few days to talk".')
    assert speaker_of(text, roster, "within the next") != "Donald Trump"
    alone = ('Trump announced a 10 percent baseline tariff on all imports on Wednesday.\n\n'
             'She added that she would meet officials from Washington "within the next few days to talk".')
    assert all(q.speaker != "Donald Trump" for q in quotes_of(alone, roster))


@pytest.mark.parametrize("headline", ["Governor Alvarez Squirms When Asked About Steel Tariffs Raising Prices",
                                      "Senator Okafor Fumes Over New Steel Tariffs As Prices Climb"])
def test_a_title_case_headline_does_not_make_a_verb_part_of_a_name(headline, roster):
    surname = headline.split()[1]  # the recogniser reads "Alvarez Squirms" as one name in the headline
    text = (f"{headline}\n\n"
            f'"We will have to see how the duties work out for our factories," {surname} said on Tuesday.\n\n'
            f'{surname} added that the state "will not stand by" if prices keep rising.')
    assert [q.speaker for q in quotes_of(text, roster)] == [surname, surname]


def test_name_in_quote_marks_is_not_speech(roster):
    qs = quotes_of('The so-called "Liberation Day" tariffs took effect on Wednesday.', roster)
    assert len(qs) == 1 and qs[0].speaker is None and qs[0].kind == "term"


def test_continuation_paragraph_inherits_the_speaker(roster):
    text = ('"We are open to talks," Foreign Minister Lena Berg said.\n\n'
            '"But we will not be bullied into a bad deal by anyone."\n\n'
            'Analysts doubted the claim.')
    qs = quotes_of(text, roster)
    assert [q.speaker for q in qs] == ["Lena Berg", "Lena Berg"]
    assert qs[1].kind == "continuation"


def test_multi_paragraph_quote_with_cue_in_the_last_piece(roster):
    text = ('"The first thing to say is that the levies were never going to work,\n\n'
            '"and everyone in this room knew it from the beginning," trade envoy Omar Haddad said.')
    qs = quotes_of(text, roster)
    assert len(qs) == 2
    assert qs[1].continues == qs[0].id
    assert [q.speaker for q in qs] == ["Omar Haddad", "Omar Haddad"]


def test_nested_quote_is_kept_inside_its_parent(roster):
    text = '"He told me \'never again\' and I believed him," said Ann Lee, a trader in Osaka.'
    qs = quotes_of(text, roster)
    outer = [q for q in qs if q.kind != "nested"]
    nested = [q for q in qs if q.kind == "nested"]
    assert outer[0].speaker == "Ann Lee"
    assert nested and nested[0].text == "never again" and nested[0].speaker is None
    assert outer[0].start < nested[0].start < nested[0].end < outer[0].end


def test_odd_number_of_quote_marks_does_not_break_the_rest(roster):
    text = ('She said "this one never closes and goes on for a while.\n\n'
            '"Second quote here," said Bob Ray, an analyst.\n\n'
            'The company\'s "plan" was, in the words of one trader, bold.')
    qs = quotes_of(text, roster)
    assert any(q.text == "Second quote here," and q.speaker == "Bob Ray" for q in qs)
    for q in qs:
        assert q.start < q.end


def test_quotes_inside_quotes_do_not_become_speakers(roster):
    text = '"Trump and Xi must meet soon," said Kim Park, a former diplomat.'
    assert speaker_of(text, roster, "Trump and Xi") == "Kim Park"


def test_headline_cue_names_the_speaker_with_the_full_name_from_the_body(roster):
    text = "Novak vows to 'fight' the new levies\n\nPrime Minister Jan Novak spoke in Prague on Tuesday.\n"
    assert speaker_of(text, roster, "fight") == "Jan Novak"
    text = "Markets rally as 'Liberation Day' fades\n\nStocks rose on Monday.\n"
    assert speaker_of(text, roster, "Liberation Day") is None


NAME_FORMS = [  # names the small NER model cuts short, and surnames that are not a last word
    ('"It was reckless," South Korean President Han Ji-woo said.\n\n"We will respond," Han said.', "We will",
     "Han Ji-woo"),  # a hyphenated given name, then the family name alone
    ('Commission President Greta van der Berg spoke on Friday.\n\n"Tariffs are taxes," van der Berg said.',
     "Tariffs", "Greta van der Berg"),  # a surname with particles
    ('"We will respond," said President Paulo Andre Lima da Costa.\n\nLima added: "It is unfair."', "It is",
     "Paulo Andre Lima da Costa"),  # the name before the particles, after two given names
    ('"We are ready," President Jose Reyes Jr. said.\n\n"Talks go on," Reyes said.', "Talks", "Jose Reyes Jr."),
]


@pytest.mark.parametrize("text,startswith,expected", NAME_FORMS)
def test_names_completed_across_the_article(text, startswith, expected, roster):
    assert speaker_of(text, roster, startswith) == expected


def test_a_one_word_quote_with_its_own_cue_is_speech(roster):
    text = 'T\n\n"The talks went well," Trade Minister Anna Berg said. "Good," Berg said.'
    good = next(q for q in quotes_of(text, roster) if q.text.startswith("Good"))
    assert (good.kind, good.speaker) == ("direct", "Anna Berg")
    assert next(q for q in quotes_of('T\n\nThe "Phase One" deal was signed.', roster)).speaker is None


def quote_of(text, roster, startswith):
    return next(q for q in quotes_of(text, roster) if q.text.startswith(startswith))


SPOKESPEOPLE = [  # (text, quote start, speaker, the body they speak for)
    # the title before the name; the body with its country in canonical form
    ('"We will respond firmly to any escalation," China\'s commerce ministry spokesman Li Wenming said on Thursday.',
     "We will", "Li Wenming", "Chinese Commerce Ministry"),
    # an apposition after the name; the body through the roster ("India's foreign ministry")
    ('Anil Mehra, a spokesperson for India\'s foreign ministry, spoke on Friday.\n\n'
     '"The decision is deeply unfortunate for both countries," Mehra said.', "The decision", "Anil Mehra",
     "Indian Ministry of External Affairs"),
    # "Chinese Ministry of Defense": the country's word, then "Ministry of ...", is the ministry
    ('Philippine vessels "illegally intruded" into the waters, said Chinese Ministry of Defense spokesperson Lan Wei.',
     "illegally", "Lan Wei", "Chinese Defense Ministry"),
    # a spokesperson the roster knows
    ('"The United States should stop abusing tariffs against other countries," Mao Ning told reporters.',
     "The United", "Mao Ning", "Chinese Foreign Ministry"),
    # the capital for the country
    ('"We will not be intimidated by these military drills," Beijing\'s defence ministry said.', "We will",
     "Chinese Defense Ministry", None),
    # a bare "the spokesperson" after the body, no one named: the body's voice
    ("Germany's finance ministry published its response on Monday.\n\n"
     '"The measures are not compatible with the rules," the spokesperson said.', "The measures",
     "German Finance Ministry", None),
]


@pytest.mark.parametrize("text,startswith,speaker,body", SPOKESPEOPLE)
def test_spokespeople_speak_for_their_body(text, startswith, speaker, body, roster):
    q = quote_of(text, roster, startswith)
    assert (q.speaker, q.speaks_for) == (speaker, body)
    if body is None:
        assert q.speaker_type == "body"


DESCRIPTIONS = [
    # a title with its qualifier is its own holder, not the latest "president"
    ("European Commission President Anna Vogel met President Tom Hale in Brussels on Monday.\n\n"
     '"We will act to safeguard our economic interests," the Commission President said.', "We will", "Anna Vogel"),
    # a description no title was given for: the person the article is talking about
    ("Lena Moser rejected criticism that Switzerland had given too much away.\n\n"
     '"Now we have to negotiate the details with Washington," said the Federal Councillor.', "Now we", "Lena Moser"),
    # a title the article never gave anyone: the person named in it whose roster role has that title
    ("Donald Trump hosted Prime Minister Lena Moser on Thursday.\n\n"
     'Following the talks with Moser, the President told reporters: "We will have a great deal."', "We will",
     "Donald Trump"),
    # a "Vice President" is not "the President"
    ("Vice President Tom Hale met Donald Trump on Monday.\n\n"
     'Later, the President told reporters: "We will win this."', "We will", "Donald Trump"),
    # "<name>'s statement said": the name
    ("Coast guard commander Jose Ramos Tavera said the vessel was damaged.\n\n"
     '"The ship successfully evaded the water cannon," Tavera\'s statement said.', "The ship", "Jose Ramos Tavera"),
]


@pytest.mark.parametrize("text,startswith,expected", DESCRIPTIONS)
def test_descriptions_and_statements_stand_for_the_person(text, startswith, expected, roster):
    assert speaker_of(text, roster, startswith) == expected


def test_datelines_and_headline_verbs_are_not_part_of_a_name(roster):
    from stance.mentions import Canonicalizer

    canon = Canonicalizer(roster)
    assert canon.phrase("Trump Slams", person_names=["Trump Slams"], plural=False, is_org=False).name == "Donald Trump"
    assert canon.phrase("BEIJING - Xi Jinping", person_names=[], plural=False, is_org=False).name == "Xi Jinping"


NAMES_IN_QUOTES = [  # spans the words before them mark as names: no speaker
    ('"There will be tariffs on Tuesday," Lara Voss told Fox News\' Maria Bartiromo on "Sunday Morning Futures."',
     "Sunday Morning"),
    ('"We do not accept this," Trade Minister Lara Voss said of the so-called "national security" reason.',
     "national security"),
    ('In a note titled "There Will Be Blood," economist Ben Harlow said recession odds had risen.', "There Will"),
    ('Speaking on NBC\'s "Meet the Press," Senator Ann Cole defended the plan.', "Meet the Press"),
    # a network's possessive ending in s', "on the" before a title, a programme or event noun after it
    ('"We will win," Senator Ann Cole said on CBS\' "Face the Nation."', "Face the Nation"),
    ('"It is a tax," Ann Cole said during an interview on the "After the Bell" program on Thursday.', "After the Bell"),
    ('Sales will grow 3.6%, the federation said during its fifth annual "State of Retail & the Consumer" virtual '
     'event.', "State of Retail"),
    # a noun that names what follows: principle, strategy, era, word ...
    ("Minister Ravi Das said talks were moving forward on the principle of 'India first', in line with the plan.",
     "India first"),
    ('Premier Lin Bao criticised the US strategy of "small courtyards with high walls," a phrase he used before.',
     "small courtyards"),
    ('Lin Bao recalled the era of "ping-pong diplomacy" that opened the relationship.', "ping-pong"),
    # a short title-case name, the article's own comma after it
    ('Declaring April 2 as "Liberation Day", President Tom Hale announced the tariffs on Thursday.', "Liberation Day"),
]


@pytest.mark.parametrize("text,startswith", NAMES_IN_QUOTES)
def test_named_things_in_quote_marks_get_no_speaker(text, startswith, roster):
    assert speaker_of(text, roster, startswith) is None


def test_a_ministry_named_without_its_country_is_the_articles_countrys(roster):
    text = ('Vietnam said on Friday it regretted the tariffs. Vietnamese exporters fear losses.\n\n'
            '"This decision does not reflect our partnership," the Ministry of Foreign Affairs spokesperson '
            'Lan Pham said.\n\n"We will respond in a measured way," the commerce ministry said.')
    qs = {q.text[:10]: q for q in quotes_of(text, roster)}
    assert qs["This decis"].speaker == "Lan Pham" and qs["This decis"].speaks_for == "Vietnamese Foreign Ministry"
    assert qs["We will re"].speaker == "Vietnamese Commerce Ministry"


def test_roster_names_match_without_accents_and_hyphens(roster):
    """Outlets drop accents and hyphens ("Maros Sefcovic", "Lee Jae Myung"): still the roster's person."""
    from stance.roster import Roster, Speaker

    small = Roster([Speaker(name="Lena Škoda-Berg"), Speaker(name="Park Min-jun")])
    assert small.match("Commissioner Lena Skoda Berg").name == "Lena Škoda-Berg"
    assert small.match("President Park Min Jun").name == "Park Min-jun"
    assert small.match("Parkland") is None
    text = '"We will respond," said South Korean President Lee Jae Myung on Friday.'
    assert speaker_of(text, roster, "We will") == "Lee Jae-myung"


def test_a_scare_quote_after_a_possessive_is_still_the_speakers(roster):
    text = 'Minister Paul Renard said he "deplores" President Tom Hale\'s "illegal" decision to impose tariffs.'
    assert speaker_of(text, roster, "illegal") == "Paul Renard"


TITLES_AND_DESCRIPTIONS = [  # a title or description standing where the article names the person
    # an apposition after the name, then the description alone
    ("Senator Jane Ortiz, the committee's ranking member, criticised the bill.\n\n"
     '"This bill will raise prices for every family," the ranking member said.', "This bill", "Jane Ortiz"),
    # a job title before the name with a lower-case qualifier ("press secretary")
    ('White House press secretary Lena Hart spoke on Monday.\n\n"The president is serious," the press secretary said.',
     "The president", "Lena Hart"),
    # a description the article never gave anyone: the person it is talking about, of either gender
    ('Ottawa signed Mark Dubois, 20, last summer.\n\n"I just want to help the team win," the rookie defenceman said.',
     "I just want", "Mark Dubois"),
    ('The club signed Anna Kerr in May.\n\n"It is a dream come true," the veteran striker said.', "It is a dream",
     "Anna Kerr"),
    # the apposed description wins over a more recent person
    ("Senator Jane Ortiz, the committee's ranking member, met Tom Hale on Monday. Hale left early.\n\n"
     '"We need answers," the ranking member said.', "We need", "Jane Ortiz"),
]


@pytest.mark.parametrize("text,startswith,expected", TITLES_AND_DESCRIPTIONS)
def test_titles_and_descriptions_stand_for_the_person_named(text, startswith, expected, roster):
    assert speaker_of(text, roster, startswith) == expected


PAIRS = [  # "both sides", "the two leaders", "both countries": the two parties the article named
    ('Foreign Minister Ana Lima met Tom Hale, the trade representative, in Geneva.\n\n'
     '"We reached important consensus," both sides said in a joint statement.', "We reached",
     ("Ana Lima", "Tom Hale")),
    ('Prime Minister Jan Novak met President Tom Hale on Monday.\n\n"We agreed to keep talking," the two leaders said.',
     "We agreed", ("Jan Novak", "Tom Hale")),
    # countries are named by their canonical names ("the U.S." is the United States)
    ('Canada and the U.S. were hit by new tariffs on Friday.\n\n'
     '"We will respond together," both countries said in a statement.', "We will", ("Canada", "United States")),
    # sides of a dispute between two countries are the countries, not the people quoted about it
    ('Envoys of China and the U.S. met in Madrid. Ana Lima led one delegation.\n\n'
     '"The talks were candid," both sides said.', "The talks", ("China", "United States")),
]


@pytest.mark.parametrize("text,startswith,members", PAIRS)
def test_pairs_are_the_two_parties_named(text, startswith, members, roster):
    q = quote_of(text, roster, startswith)
    assert q.speaker_type == "group"
    assert set(q.speakers) == set(members)


def test_a_pair_with_nobody_named_before_stays_unresolved(roster):
    q = quote_of('"We reached important consensus," both sides said.', roster, "We reached")
    assert q.speaker_type != "group" or len(q.speakers) != 2


# A body's titled officer after it, a sentence adverb before a name, a lone verb at a sentence's
# start, a thing as the subject of a cue: written for the kinds of error seen on real news.
PARSE_REPAIRS = [
    ('Coalition for American Steel President Dana Holt said she hoped "the era of cheap imports is coming to an end."',
     "the era of cheap", "Dana Holt"),
    ('Earlier Downing Street had insisted the relationship with its partners was "fair and balanced".',
     "fair and balanced", "Downing Street"),
]


@pytest.mark.parametrize("text,startswith,expected", PARSE_REPAIRS)
def test_parse_repairs(text, startswith, expected, roster):
    assert speaker_of(text, roster, startswith) == expected


def test_a_verb_or_a_measure_is_no_speaker(roster):
    verb = ('Minister Ana Ruiz spoke on Friday.\n\nDeemed the "worst offenders", these countries had higher '
            'trade gaps, she said, warranting higher duties.')
    assert speaker_of(verb, roster, "worst offenders") != "Deemed"
    measure = ('The third retaliatory measure bans the export of such goods to 16 firms, citing the need to '
               '"safeguard national security and interests."')
    assert speaker_of(measure, roster, "safeguard") is None


# Kinds of error seen on real news from many outlets (issue 11), one short text each.
NEWS_KINDS = [
    # a capitalised "He" after a closing quote or inside a quote is the pronoun, not the surname He
    ('Mr. Tom Vale, the trade minister, spoke on Friday.\n\n'
     '“We oppose these measures and urge the other side to cancel them,” He stated.', "We oppose", "Tom Vale"),
    ('Governor Tom Vale spoke in Ohio.\n\n“The rival grew rich on our jobs,” Vale said. “He now has grand '
     'plans for the region.”\n\n“So we will build here,” he added.', "So we will", "Tom Vale"),
    # a body's name goes on through "of" ("Chamber of Commerce"); a short form in parentheses is not part of it
    ('“We will wait and see,” the U.S. Chamber of Commerce said on Friday.', "We will wait",
     "U.S. Chamber of Commerce"),
    ('The Kansas Soybean Council (KSC) immediately issued a statement, describing the move "extremely painful for '
     'every farmer in the state" this year.', "extremely painful", "Kansas Soybean Council"),
    # ... and the short form later is the body
    ('The Kansas Soybean Council (KSC) met on Monday.\n\nThe KSC also voiced "deep concern" about the markets.',
     "deep concern", "Kansas Soybean Council"),
    # a description with the field of the title, or an abbreviated title: the person talked about
    ('Councillor Lena Moser hopes for lower duties. "We are ready," said Moser on Saturday.\n\n'
     '"What we did was pragmatic," said the Minister of Economic Affairs.', "What we did", "Lena Moser"),
    ('Alvaro Pinto said he and the envoy had a good call last week.\n\n'
     '"We did not create this problem, but we want to solve it," the Portuguese VP added.', "We did not",
     "Alvaro Pinto"),
    # a middle initial is no part of the canonical name
    ('"You are taxing families," said Senate Finance Committee Chairman Dana K. Holt, R-Utah.', "You are", "Dana Holt"),
    # a spokesperson's title the article gave a person stands for that person, not for the body
    ('Speaking on the border issue, MEA spokesperson Anil Rao said, "We remain committed to peace on the border."\n\n'
     'The MEA spokesperson, while endorsing the army statement, said that "no soldier is missing in action at the '
     'border".', "no soldier", "Anil Rao"),
    # the last word of a name in a title-case headline is that person later
    ('Trade Secretary Dana Kerr Says Rivals Are Running Out Of Options\n\nKerr said that upon analysis, the other '
     'side is "running out of options to answer our tariffs," which she called clear.', "running out", "Dana Kerr"),
    # parses gone astray: "said" tagged as an auxiliary; a participle hung on the object noun
    ("Speaking during a stopover in Montreal en route for the G7 finance ministers' meeting in Whistler, Canada, "
     'French finance minister Paul Renard said, "We refuse to negotiate under pressure. I saw the secretary this '
     'morning."', "We refuse", "Paul Renard"),
    ('Commission President Greta van der Berg emphasized the negative consequences of the US tariffs, stating, '
     '“Tariffs are taxes. They are bad for business.”', "Tariffs are", "Greta van der Berg"),
    # a double mark typed as two apostrophes closes the quote
    ('"The evidence is just not there to sustain the argument,\'\' Senator Ann Cole said.', "The evidence", "Ann Cole"),
    # a name the recogniser calls an organisation, apposed a job title, is a person "he" can stand for
    ('Penn Sokhom, Secretary of State at the Ministry of Commerce, rejected claims that the hike is political. '
     '“This is not about politics,” he said.', "This is not", "Penn Sokhom"),
    # a quote opening a sentence with no cue: the person the sentence before it reports
    ('Ministry spokesman Guo Lan said on Friday that the reports were fake news. "As far as I understand, the two '
     'sides have not negotiated on tariffs."', "As far as", "Guo Lan"),
    # ... but not the object of that sentence, when it quotes the same speaker before
    ('Premier Doug Ford spoke on Monday.\n\n“Stop the chaos. It is hurting families,” he told Trump in his TV '
     'interview. “There is uncertainty. And the markets dislike uncertainty.”', "There is", "Doug Ford"),
]


@pytest.mark.parametrize("text,startswith,expected", NEWS_KINDS)
def test_kinds_of_error_on_news_from_many_outlets(text, startswith, expected, roster):
    assert speaker_of(text, roster, startswith) == expected


@pytest.mark.parametrize("text,startswith,expected", [
    # the main verb's subject over a subject in a clause under it ("emphasized that Tom Hale lost")
    ("Senator Ann Cole, who advises the governor, emphasized that Tom Hale lost the primary over tariffs.\n\n"
     '"The voters were clear. They want fair trade," she said.', "The voters", "Ann Cole"),
    ("Mark Ruiz, the party chair, insisted that Tom Hale would run again.\n\n"
     '"We are not done," he said.', "We are not", "Mark Ruiz"),
    # the source of "according to" is as salient as a subject
    ("According to Raul Pinto, the government is still awaiting a meeting with Treasury Secretary Tom Hale. "
     '"Since last week, they have shown interest in a meeting," he said.', "Since last", "Raul Pinto"),
])
def test_pronouns_prefer_the_main_clause_and_the_source(text, startswith, expected, roster):
    assert speaker_of(text, roster, startswith) == expected


def test_the_benchmark_knows_which_speakers_the_kept_text_never_names(roster):
    from stance.bench.speakers import named_in_text

    text = '"We will respond," he said.\n\nMr Chan met the press.\n\nThe White House answered.'
    assert named_in_text("Chan Chun Sing", text, roster)  # a family name written first
    assert named_in_text("Donald Trump", "Trump spoke.", roster)
    assert not named_in_text("Lawrence Wong", text, roster)  # "he": named only in a paragraph not kept
    assert not named_in_text("Chinese Commerce Ministry", text, roster)


def test_one_speaker_spelled_two_ways_is_counted_once(roster):
    from stance.pipeline import count_speakers

    first = quotes_of('"We will sue over these tariffs," Governor Andrés López said on Monday.', roster)
    second = [q for q in extract_article(make_article('"They hurt our farmers," Governor Andres Lopez said. '
                                                      '"We will not wait," Lopez added.', source="b.txt",
                                                      article_id="b"), roster=roster)]
    assert {q.speaker for q in first} | {q.speaker for q in second} == {"Andrés López", "Andres Lopez"}
    rows = count_speakers([*first, *second], roster)
    assert [(r.speaker, r.quotes, r.articles) for r in rows] == [("Andres Lopez", 3, 2)]
