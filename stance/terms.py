"""Spans in quotation marks that are not speech: names, titles, slogans and terms.

A span is a term when the words before it name it ('the so-called "national security"', 'the
principle of "India first"', 'NBC's "Meet the Press"'), when it is a short title-case name
("Phase One" deal, declaring April 2 "Liberation Day"), or when one or two quoted words stand
where an adjective or noun of a noun phrase does after a determiner ('his "reciprocal" tariff
regime'). Such spans get no speaker (`stance.pipeline`); a short span with its own speech cue
('"Good," Moon said') stays speech.
"""

from __future__ import annotations

import re

from .quotes import Span
from .records import Article

MAX_TERM_WORDS = 4  # a cue-less span this short is a name, title or scare quote, not speech


SPEECH_AFTER = re.compile(  # '"Good," Moon said' / '"No," he replied': a short span with its own cue is speech
    r"(?:(?:[A-Z][\w.'’-]+\s+){1,3}|(?:he|she|they|we|I)\s+)(?:said|says|added|replied|told|asked|answered|insisted)\b")


# Words before a quoted span that make it a name, not speech: 'the so-called "national security"',
# 'a note titled "There Will Be Blood"', 'under the banner "Make America Wealthy Again"', a possessive
# ('NBC's "Meet the Press"', 'Trump's "Liberation Day"').
NAMING_BEFORE = re.compile(r"\b(?:so-called|titled|entitled|dubbed|banner|nicknamed|slogan|motto|hashtag|theme|"
                           r"(?:principle|strategy|era|policy|doctrine|concept|notion|term|phrase|word|label|"
                           r"mantra|catchphrase|buzzword|rubric|campaign|initiative|agenda)(?:\s+of)?)"
                           r"\s*[\"“‘']?$", re.IGNORECASE)
FUNCTION_WORD = re.compile(r"(?:and|or|but|nor|to|as|in|on|at|of|for|from|with|by|about|among|than|that|which|who|"
                           r"when|while|if|is|are|was|were|be|has|have|had|will|would|can|could|said|says|the|a|an)\b")
POSSESSIVE_BEFORE = re.compile(r"(?<!\b[Ii]t)(?<!\b[Tt]hat)(?<!\b[Hh]e)(?<!\b[Ss]he)(?<!\b[Ww]hat)(?<!\b[Tt]here)"
                               r"(?<!\b[Hh]ere)(?<!\b[Ww]ho)\w['’]s\s*[\"“‘']?$"
                               r"|\w[sS]['’]\s*[\"“‘']?$")  # CBS' "Face the Nation"
SHOW_BEFORE = re.compile(r"\b(?:on(?:\s+the)?|podcast|show|program|programme|network's|channel)\s*[\"“‘']?$",
                         re.IGNORECASE)
# A noun after a named span that makes it the title of a show or an event: 'the "After the Bell" program',
# 'NRF's "State of Retail & the Consumer" virtual event'.
EVENT_AFTER = re.compile(r"^[\"”’']?\s*(?:[a-z]+\s+)?(?:program|programme|show|event|summit|forum|conference|podcast|"
                         r"broadcast|segment|series|documentary|column|editorial|hearing|webinar|festival)s?\b")
MAX_NAME_WORDS = 8


def is_term(article: Article, span: Span) -> bool:
    """A span used as a name, not speech: a short title-case one ("Phase One" trade deal), one the
    words before it name (so-called, titled, a possessive), a show's title after "on" or before
    "program", "event" and the like."""
    words = article.text[span.start:span.end].split()
    before = article.clean[max(0, span.start - 40):span.start].rsplit("\n", 1)[-1]
    named = all(w[:1].isupper() or not w[:1].isalpha() or w in ("the", "of", "on", "with", "and", "a", "in", "for")
                for w in words)
    if words and len(words) <= MAX_NAME_WORDS and (NAMING_BEFORE.search(before) or named and (
            POSSESSIVE_BEFORE.search(before) or SHOW_BEFORE.search(before)
            or EVENT_AFTER.match(article.clean[span.end:span.end + 40]))):
        return True
    if not words or len(words) > MAX_TERM_WORDS:
        return False
    if re.search(r"[,!?]$", words[-1]) and SPEECH_AFTER.match(article.clean[span.end + 1: span.end + 60].lstrip()):
        return False
    title_case = all(w[:1].isupper() or not w[:1].isalpha() for w in words)
    after = article.clean[span.end + 1: span.end + 30].lstrip()
    modifies_noun = bool(re.match(r"[a-z]", after)) and not FUNCTION_WORD.match(after) \
        and not re.search(r"[.,;:!?]$", words[-1])  # 'a "Tariff Man," stressing': the comma ends it
    if title_case:  # a name: "Phase One" deal, declared April 2 "Liberation Day", (a comma of the article after it)
        return modifies_noun or len(words) <= 2 and not (after[:1] == "." or re.search(r"[.,!?]$", words[-1]))
    return False
