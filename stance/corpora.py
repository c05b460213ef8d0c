"""Public stance and sentiment corpora (VAST, SemEval-2016 Task 6A, NewsMTSC) as training examples.

The data sets are read in place from the shared datasets folder (`$STANCE_CORPUS_ROOT`, else
`../shared/datasets`); nothing is copied. Label codes are those of /work/shared/README.md. The
in-domain quotes come from `stance.annotations` and are turned into examples here too, so that
training sees one record type.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .annotations import REPO_ROOT, LabeledQuote, default_corpus_root
from .config import MARK_CLOSE, MARK_OPEN
from .errors import ConfigError
from .io import read_jsonl
from .records import stable_id

VAST_LABELS = {"0": "against", "1": "favor", "2": "none"}
SEMEVAL_LABELS = {"0": "none", "1": "against", "2": "favor"}
NEWSMTSC_LABELS = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
NEWSMTSC_STANCE = {2.0: "against", 4.0: "none", 6.0: "favor"}  # polarity toward the mention, read as stance
SEMEVAL_TARGETS = {  # folder -> the official target string of Task 6A
    "abortion": "Legalization of Abortion",
    "atheism": "Atheism",
    "climate": "Climate Change is a Real Concern",
    "feminist": "Feminist Movement",
    "hillary": "Hillary Clinton",
}


@dataclass(frozen=True)
class Example:
    """One labelled item. A stance label scores (target, text); a sentiment label scores the text."""

    text: str
    target: str
    stance: str | None = None
    sentiment: str | None = None
    speaker: str | None = None
    context: str | None = None
    source: str = ""


def corpus_file(root: Path | None, *parts: str) -> Path:
    """A file of a shared corpus; a clear error when the folder is not there."""
    path = (root or default_corpus_root()).joinpath(*parts)
    if not path.is_file():
        raise ConfigError("corpus file missing; set STANCE_CORPUS_ROOT (or data.root in the training config) "
                          "to the folder that holds vast/, semeval2016/ and newsmtsc/", path=str(path))
    return path


def load_vast(split: str, *, root: Path | None = None, dev_percent: int = 10,
              zero_shot_only: bool = False) -> list[Example]:
    """VAST `train`, `dev` (carved from train by topic, so dev topics are unseen) or `test`."""
    if split not in ("train", "dev", "test"):
        raise ConfigError(f"VAST split must be train, dev or test, got {split!r}")
    path = corpus_file(root, "vast", f"vast_{'test' if split == 'test' else 'train'}.csv")
    out: list[Example] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if not row["post"].strip() or (zero_shot_only and row["seen?"] != "0"):
                continue
            if split != "test" and (int(stable_id(row["new_topic"]), 16) % 100 < dev_percent) != (split == "dev"):
                continue
            out.append(Example(text=row["post"], target=row["topic_str"], stance=VAST_LABELS[row["label"]],
                               source=f"vast-{split}"))
    return out


def load_semeval(split: str, *, root: Path | None = None) -> list[Example]:
    """SemEval-2016 Task 6A `train`, `val` or `test` (all five targets pooled)."""
    if split not in ("train", "val", "test"):
        raise ConfigError(f"SemEval split must be train, val or test, got {split!r}")
    out: list[Example] = []
    for folder, target in SEMEVAL_TARGETS.items():
        texts = corpus_file(root, "semeval2016", folder, f"{split}_text.txt").read_text(encoding="utf-8")
        labels = corpus_file(root, "semeval2016", folder, f"{split}_labels.txt").read_text(encoding="utf-8")
        texts_l, labels_l = texts.rstrip("\n").split("\n"), labels.split()
        if len(texts_l) != len(labels_l):
            raise ConfigError(f"{len(texts_l)} tweets but {len(labels_l)} labels", path=f"semeval2016/{folder}")
        out += [Example(text=t.strip(), target=target, stance=SEMEVAL_LABELS[lab], source=f"semeval-{split}")
                for t, lab in zip(texts_l, labels_l)]
    return out


def load_newsmtsc(split: str, *, root: Path | None = None, variant: str = "rw",
                  as_stance: bool = False) -> list[Example]:
    """NewsMTSC `train`, or the paper's `dev`/`test` of experiment_splits/newsmtsc-<variant>.

    One example per target mention; the mention is wrapped in « » so the sentiment is toward it.
    `as_stance`: the polarity toward the mention as the stance toward it (positive = favor,
    negative = against, neutral = none), the sentence unmarked and the mention as the target, as
    `stance classify` is given it: one sentence, several people, a stance toward each.
    """
    if split == "train":
        path = corpus_file(root, "newsmtsc", "train.jsonl")
    elif split in ("dev", "test"):
        path = corpus_file(root, "newsmtsc", "experiment_splits", f"newsmtsc-{variant}", f"{split}.jsonl")
    else:
        raise ConfigError(f"NewsMTSC split must be train, dev or test, got {split!r}")
    out: list[Example] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            sentence = row["sentence_normalized"]
            for t in row["targets"]:
                if as_stance:
                    out.append(Example(text=sentence, target=t["mention"], stance=NEWSMTSC_STANCE[t["polarity"]],
                                       source=f"newsmtsc-stance-{split}"))
                    continue
                start, end = t["from"], t["to"]
                marked = f"{sentence[:start]}{MARK_OPEN} {sentence[start:end]} {MARK_CLOSE}{sentence[end:]}"
                out.append(Example(text=marked, target=t["mention"], sentiment=NEWSMTSC_LABELS[t["polarity"]],
                                   source=f"newsmtsc-{split}"))
    return out


REALNEWS = REPO_ROOT / "annotations" / "realnews" / "quotes.jsonl"


def realnews_quotes(split: str, *, path: Path | None = None) -> list[LabeledQuote]:
    """The speech quotes of one split of the real-news set (`annotations/realnews/`) as labelled
    quotes (targets it does not list are `none` by the set's convention, see its README)."""
    path = path or REALNEWS
    if not path.is_file():
        return []
    out: list[LabeledQuote] = []
    for _, row in read_jsonl(path):
        if row.get("split") != split or not row.get("speech"):
            continue
        stance = dict(row.get("targets") or {})
        out.append(LabeledQuote(quote_id=row["id"], text=row["text"], context=row.get("paragraph") or "",
                                speaker=row.get("speaker"), targets=tuple(stance), stance=stance,
                                sentiment=row.get("sentiment"), source=str(path), article=row.get("article")))
    return out


def load_realnews(split: str, *, path: Path | None = None) -> list[Example]:
    """Examples of one split of the real-news set: a stance example per labelled target (source
    `realnews-tariffs` for tariffs, `realnews-actor` for the rest), one sentiment example per quote."""
    out: list[Example] = []
    for q in realnews_quotes(split, path=path):
        common = dict(text=q.text, speaker=q.speaker, context=q.context or None)
        for target, label in q.stance.items():
            kind = "tariffs" if target == "tariffs" else "actor"
            out.append(Example(target=target, stance=label, source=f"realnews-{kind}", **common))
        if q.sentiment:
            out.append(Example(target="", sentiment=q.sentiment, source="realnews-sentiment", **common))
    return out


def from_labeled(quotes: Iterable[LabeledQuote], *, source: str = "indomain") -> list[Example]:
    """Examples from reviewed quotes: one per labelled target, one for the quote's sentiment."""
    out: list[Example] = []
    for q in quotes:
        common = dict(text=q.text, speaker=q.speaker, context=q.context or None, source=source)
        out += [Example(target=t, stance=label, **common) for t, label in q.stance.items()]
        if q.sentiment:
            out.append(Example(target="", sentiment=q.sentiment, **common))
    return out


def split_labeled(quotes: Sequence[LabeledQuote], *, percent: int, salt: str = "",
                  min_held: int = 0) -> tuple[list[LabeledQuote], list[LabeledQuote]]:
    """(kept, held out): a stable split by quote id; `percent` of quotes held out, at least `min_held`."""
    ranked = sorted(quotes, key=lambda q: int(stable_id(salt, q.quote_id), 16) % 100)
    n_held = sum(int(stable_id(salt, q.quote_id), 16) % 100 < percent for q in quotes)
    held_ids = {q.quote_id for q in ranked[:max(n_held, min_held)]}
    return [q for q in quotes if q.quote_id not in held_ids], [q for q in quotes if q.quote_id in held_ids]


def subsample(examples: Sequence[Example], limit: int | None, *, seed: int) -> list[Example]:
    """At most `limit` examples drawn with a seeded generator (all of them when limit is None)."""
    if limit is None or limit >= len(examples):
        return list(examples)
    return random.Random(seed).sample(list(examples), limit)
