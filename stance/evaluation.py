"""Evaluation shared by training and the benchmarks: the benchmark sets, their metrics, scoring a
model on them, the TF-IDF + logistic regression baseline and the input ablation.

Imported by `stance.training`, `stance.modelcard` and `stance.bench.models`; it imports none of
them back.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from .bench import ece, f_avg, macro_f1
from .config import SENTIMENT_LABELS, STANCE_LABELS
from .corpora import Example, load_newsmtsc, load_semeval, load_vast, subsample
from .model import StanceModel


@dataclass(frozen=True)
class Benchmark:
    name: str
    task: str  # "stance" or "sentiment"
    metric: str
    published: tuple[tuple[str, float], ...] = ()


BENCHMARKS = {
    "semeval": Benchmark("SemEval-2016 6A test", "stance", "F_avg", (
        ("majority", 65.22), ("TF-IDF+LR", 67.2), ("MITRE", 67.82), ("RoBERTa-base", 68.0),
        ("BERTweet", 71.2), ("TweetEval best", 72.9))),
    "newsmtsc": Benchmark("NewsMTSC rw test", "sentiment", "macro-F1", (
        ("majority", 19.0), ("TF-IDF+LR", 61.4), ("BERT-SPC", 80.1), ("RoBERTa-SPC", 81.1), ("GRU-TSC", 83.1))),
    "newsmtsc_stance": Benchmark("NewsMTSC rw test, as stance", "stance", "macro-F1"),
    "vast": Benchmark("VAST zero-shot test", "stance", "macro-F1", (
        ("majority", 16.8), ("TF-IDF+LR", 35.6), ("TGA Net", 65.7), ("BERT-GCN", 68.6), ("JointCL", 72.3),
        ("TATA", 77.1))),
    "indomain": Benchmark("in-domain test (stance)", "stance", "macro-F1"),
    "indomain_sentiment": Benchmark("in-domain test (sentiment)", "sentiment", "macro-F1"),
    "realnews_tariffs": Benchmark("real-news test, tariffs", "stance", "macro-F1"),
    "realnews_actors": Benchmark("real-news test, actors", "stance", "macro-F1"),
    "realnews_sentiment": Benchmark("real-news test, sentiment", "sentiment", "macro-F1"),
    "heldout": Benchmark("held-out corrections (stance)", "stance", "macro-F1"),
    "heldout_sentiment": Benchmark("held-out corrections (sent.)", "sentiment", "macro-F1"),
}


def benchmark_sets(*, root=None, limit: int | None = None, seed: int = 0, newsmtsc_variant: str = "rw",
                   indomain_test: Sequence[Example] = (), realnews_test: Sequence[Example] = ()
                   ) -> dict[str, list[Example]]:
    """The test items of every benchmark (each at most `limit`, seeded)."""
    sets = {
        "semeval": load_semeval("test", root=root),
        "newsmtsc": load_newsmtsc("test", root=root, variant=newsmtsc_variant),
        "newsmtsc_stance": load_newsmtsc("test", root=root, variant=newsmtsc_variant, as_stance=True),
        "vast": load_vast("test", root=root, zero_shot_only=True),
        "indomain": [e for e in indomain_test if e.stance is not None],
        "indomain_sentiment": [e for e in indomain_test if e.sentiment is not None],
        "realnews_tariffs": [e for e in realnews_test if e.source == "realnews-tariffs"],
        "realnews_actors": [e for e in realnews_test if e.source == "realnews-actor"],
        "realnews_sentiment": [e for e in realnews_test if e.source == "realnews-sentiment"],
    }
    return {k: subsample(v, limit, seed=seed) for k, v in sets.items() if v}


def score(name: str, gold: Sequence[str], pred: Sequence[str]) -> float:
    """A benchmark's own metric, as a percentage."""
    if name == "semeval":
        return 100 * f_avg(gold, pred)
    labels = SENTIMENT_LABELS if BENCHMARKS[name].task == "sentiment" else STANCE_LABELS
    return 100 * macro_f1(gold, pred, labels)


def gold_of(name: str, examples: Sequence[Example]) -> list[str]:
    return [e.sentiment if BENCHMARKS[name].task == "sentiment" else e.stance for e in examples]


def evaluate(model: StanceModel, sets: dict[str, list[Example]], *, batch_size: int = 64) -> dict[str, dict]:
    """Per benchmark: score, item count, and ECE (15 bins) with and without the model's temperature."""
    from .finetune import dev_logits

    out = {}
    for name, examples in sets.items():
        task = BENCHMARKS[name].task
        logits, labels = dev_logits(model, examples, batch_size=batch_size)[task]
        labelset = SENTIMENT_LABELS if task == "sentiment" else STANCE_LABELS
        pred = [labelset[i] for i in logits.argmax(-1).tolist()]
        temp = getattr(model.settings, f"{task}_temperature")
        out[name] = {"score": round(score(name, gold_of(name, examples), pred), 2), "n": len(examples),
                     "ece_uncalibrated": round(ece(torch.softmax(logits, -1), labels), 4),
                     "ece_calibrated": round(ece(torch.softmax(logits / temp, -1), labels), 4)}
    return out


def tfidf_baseline(train: Sequence[Example], sets: dict[str, list[Example]]) -> dict[str, float]:
    """TF-IDF + logistic regression, one per task, trained on `train`; features: text and target words."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    out: dict[str, float] = {}
    for task in ("stance", "sentiment"):
        items = [e for e in train if getattr(e, task) is not None]
        names = [n for n in sets if BENCHMARKS[n].task == task]
        if not names or len({getattr(e, task) for e in items}) < 2:
            continue  # no items, or one label only (a small retrain's mix): no classifier to fit
        text_vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2 if len(items) > 1000 else 1, sublinear_tf=True, max_features=50000)
        target_vec = TfidfVectorizer()

        def features(examples: Sequence[Example], fit: bool = False):
            """Text n-grams; for stance also the target's words (sentiment has no target)."""
            texts = [e.text for e in examples]
            blocks = [text_vec.fit_transform(texts) if fit else text_vec.transform(texts)]
            if task == "stance":
                targets = [e.target for e in examples]
                blocks.append(target_vec.fit_transform(targets) if fit else target_vec.transform(targets))
            return hstack(blocks).tocsr()

        clf = LogisticRegression(max_iter=2000, C=2.0).fit(features(items, fit=True), [getattr(e, task) for e in items])
        for name in names:
            out[name] = round(score(name, gold_of(name, sets[name]), list(clf.predict(features(sets[name])))), 2)
    return out


def input_ablation(model: StanceModel, dev: Sequence[Example], *, batch_size: int = 64) -> dict[str, float]:
    """In-domain dev stance and sentiment macro-F1 with and without speaker and context in the input."""
    from .finetune import dev_logits

    out = {}
    for speaker in (False, True):
        for context in (False, True):
            variant = copy.copy(model)
            variant.settings = dataclasses.replace(model.settings, use_speaker=speaker, use_context=context)
            found = dev_logits(variant, dev, batch_size=batch_size)
            key = f"speaker={'on' if speaker else 'off'},context={'on' if context else 'off'}"
            for task, labelset in (("stance", STANCE_LABELS), ("sentiment", SENTIMENT_LABELS)):
                logits, labels = found[task]
                if len(labels):
                    out[f"{key}:{task}"] = round(100 * macro_f1([labelset[i] for i in labels.tolist()],
                                                                [labelset[i] for i in logits.argmax(-1).tolist()],
                                                                labelset), 2)
    return out
