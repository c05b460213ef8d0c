"""The Label Studio labeling config: what a reviewer sees and corrects for one quote.

The reviewer sees the article title and source, the quote highlighted in its paragraph, the
speaker the extractor found, and per target how the quote reaches it (named, referred, context,
article) with the model's probabilities; corrects the speaker (a roster choice, or free text for anyone
else), picks a stance per target and a sentiment. Targets differ per quote, so the stance
choices sit in a `Repeater` over the task's `targets` list: target i gets `target_<i>` (its name)
and `stance_<i>` (the choice), the names the annotation loader reads back.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

from ..config import DEFAULT_ROSTER, SENTIMENT_LABELS, STANCE_LABELS
from ..io import atomic_open
from ..roster import load_roster
from . import fields as F


def read_roster(path: Path = DEFAULT_ROSTER) -> list[str]:
    """The speaker names of a roster file, validated by the roster loader."""
    return load_roster(path).names()


def _choices(name: str, to_name: str, values: Sequence[str], *, inline: bool, extra: str = "") -> list[str]:
    head = f'<Choices name="{name}" toName="{to_name}" choice="single" showInline="{str(inline).lower()}"{extra}>'
    return [head, *(f"  <Choice value={quoteattr(v)}/>" for v in values), "</Choices>"]


def _indent(lines: list[str], depth: int) -> list[str]:
    return ["  " * depth + line for line in lines]


def labeling_config(roster: Sequence[str]) -> str:
    """The labeling config XML for a roster of speaker names (deterministic: golden-file tested)."""
    idx = "{{idx}}"
    stance = _choices(F.stance_field(idx), F.target_field(idx), STANCE_LABELS, inline=True)
    lines = [
        "<View>",
        '  <Header value="$title" size="4"/>',
        '  <Header value="$source_line" size="6"/>',
        '  <Header value="The quote, highlighted in its paragraph" size="6"/>',
        '  <HyperText name="paragraph" value="$context_html" inline="true"/>',
        f'  <Text name="{F.QUOTE}" value="$text"/>',
        '  <Header value="Speaker found by the extractor (correct it below if wrong)" size="6"/>',
        '  <Header value="$speaker" size="6"/>',
        '  <View style="max-height: 220px; overflow-y: auto">',
        *_indent(_choices(F.SPEAKER, F.QUOTE, roster, inline=True), 2),
        "  </View>",
        f'  <TextArea name="{F.SPEAKER_OTHER}" toName="{F.QUOTE}" maxSubmissions="1" rows="1"'
        ' placeholder="Someone not in the list: type the speaker\'s name"/>',
        '  <Header value="Stance toward each target: the model\'s label is pre-selected; none = not addressed, or no'
        ' position taken" size="6"/>',
        f'  <Repeater on="$targets" indexFlag="{idx}">',
        f'    <Text name="{F.target_field(idx)}" value="$targets[{idx}].name"/>',
        f'    <Text name="{F.HINT_PREFIX}{idx}" value="$targets[{idx}].hint"/>',
        *_indent(stance, 2),
        "  </Repeater>",
        '  <Header value="Sentiment of the quote" size="6"/>',
        *_indent(_choices(F.SENTIMENT, F.QUOTE, SENTIMENT_LABELS, inline=True), 1),
        "</View>",
    ]
    return "\n".join(lines) + "\n"


def write_config(out: Path, *, roster: Path = DEFAULT_ROSTER) -> str:
    """Write the labeling config for the roster file to `out` (atomically); returns the XML."""
    xml = labeling_config(read_roster(roster))
    with atomic_open(Path(out)) as fh:
        fh.write(xml)
    return xml
