"""The names the labeling config, the task JSON and the annotation loader share (one place)."""

from __future__ import annotations

# Object tags (what the reviewer sees) and control tags (what the reviewer sets).
QUOTE = "quote"  # <Text name="quote" value="$text"/>: the quote; speaker and sentiment point here
SPEAKER = "speaker"  # <Choices>: the speaker, from the roster
SPEAKER_OTHER = "speaker_other"  # <TextArea>: a speaker not in the roster (wins over SPEAKER)
SENTIMENT = "sentiment"  # <Choices>: the quote's sentiment
STANCE_PREFIX = "stance_"  # <Choices name="stance_{i}">: stance toward target i
TARGET_PREFIX = "target_"  # <Text name="target_{i}">: the name of target i
HINT_PREFIX = "hint_"  # <Text name="hint_{i}">: how the quote reaches target i, and the model's probabilities

CONTROLS = (SPEAKER, SPEAKER_OTHER, SENTIMENT)


def stance_field(index: int | str) -> str:
    """The from_name of the stance choice for target `index`."""
    return f"{STANCE_PREFIX}{index}"


def target_field(index: int | str) -> str:
    """The to_name of the stance choice for target `index`."""
    return f"{TARGET_PREFIX}{index}"


def stance_index(from_name: str) -> int | None:
    """The target index of a `stance_<i>` from_name, or None for any other name."""
    if not from_name.startswith(STANCE_PREFIX):
        return None
    rest = from_name[len(STANCE_PREFIX):]
    return int(rest) if rest.isdigit() else None
