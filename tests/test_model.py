"""The cross-encoder: shapes and probabilities of the shipped model, overfit-save-reload, bad checkpoints."""

from __future__ import annotations

import math
import shutil

import pytest
import torch

from stance.config import SENTIMENT_LABELS, STANCE_LABELS
from stance.corpora import Example
from stance.errors import ModelError
from stance.finetune import fit
from stance.model import SHIPPED_MODEL, WEIGHTS_FILE, Pair, Settings, load_model, new_model

PAIRS = [
    Pair("These tariffs are a tax on American families and they must go.", "tariffs", "Jane Doe"),
    Pair("These tariffs are a tax on American families and they must go.", "China", "Jane Doe"),
    Pair("We welcome the agreement with Washington.", "United States", None, "Officials met on Sunday."),
]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("STANCE_HOME", str(tmp_path_factory.mktemp("home")))  # no promoted model: the shipped one
    yield load_model()
    mp.undo()


def test_shipped_model_gives_distributions_in_input_order(shipped):
    preds = shipped.predict(PAIRS)
    assert len(preds) == len(PAIRS)
    for p in preds:
        assert tuple(p.stance) == STANCE_LABELS and tuple(p.sentiment) == SENTIMENT_LABELS
        assert math.isclose(sum(p.stance.values()), 1.0, abs_tol=1e-5)
        assert math.isclose(sum(p.sentiment.values()), 1.0, abs_tol=1e-5)
        assert all(0.0 <= v <= 1.0 for v in [*p.stance.values(), *p.sentiment.values()])
    assert preds[0].sentiment == preds[1].sentiment  # sentiment is per quote
    assert preds[0].stance != preds[1].stance  # stance depends on the target
    again = shipped.predict(PAIRS[::-1], batch_size=1)
    for a, b in zip(preds, again[::-1]):
        assert a.stance == pytest.approx(b.stance, abs=1e-4)
    assert shipped.model_version.startswith("minilm-stance-")
    assert shipped.predict([]) == []


def test_a_huge_quote_is_truncated_not_fatal(shipped):
    (pred,) = shipped.predict([Pair("tariffs hurt " * 10000, "tariffs")])
    assert math.isclose(sum(pred.stance.values()), 1.0, abs_tol=1e-5)


EXAMPLES = [
    Example("We will fight these tariffs with everything we have.", "tariffs", stance="against"),
    Example("Tariffs protect our workers and I support them fully.", "tariffs", stance="favor"),
    Example("The meeting is scheduled for Tuesday in Geneva.", "tariffs", stance="none"),
    Example("This is a wonderful, historic day for both nations.", "", sentiment="positive"),
    Example("It is a disgrace and a betrayal of farmers.", "", sentiment="negative"),
]


def test_overfit_save_reload(tmp_path):
    model = new_model(Settings(max_length=32, trained=("encoder.layer.5", "pooler", "stance_head", "sentiment_head")),
                      seed=1)
    losses = fit(model, EXAMPLES, epochs=15, batch_size=5, lr=1e-3, weight_decay=0.0, warmup=0.0,
                 sentiment_weight=1.0, seed=1)
    assert sum(losses[-3:]) / 3 < 0.3 * sum(losses[:3]) / 3
    pairs = [Pair(e.text, e.target) for e in EXAMPLES]
    before = model.predict(pairs)
    assert [p.stance_label for p in before[:3]] == ["against", "favor", "none"]
    assert [p.sentiment_label for p in before[3:]] == ["positive", "negative"]
    version = model.save(tmp_path / "m")
    reloaded = load_model(tmp_path / "m")
    assert reloaded.model_version == version
    for a, b in zip(before, reloaded.predict(pairs)):  # fp16 storage: equal up to rounding
        assert a.stance == pytest.approx(b.stance, abs=5e-3)
        assert a.sentiment == pytest.approx(b.sentiment, abs=5e-3)


@pytest.mark.parametrize("shared_layers", [0, 3])
def test_a_pair_scores_the_same_alone_or_in_any_batch(shipped, shared_layers):
    shipped.settings.shared_layers, saved = shared_layers, shipped.settings.shared_layers
    try:
        together = shipped.predict(PAIRS * 2, batch_size=4)
        alone = [shipped.predict([p])[0] for p in PAIRS]
    finally:
        shipped.settings.shared_layers = saved
    for a, b in zip(together, alone * 2):
        assert a.stance == pytest.approx(b.stance, abs=1e-5)
        assert a.sentiment == pytest.approx(b.sentiment, abs=1e-5)


def test_bad_checkpoints_are_refused(tmp_path):
    with pytest.raises(ModelError, match="not a stance model folder"):
        load_model(tmp_path / "nowhere")
    copy = tmp_path / "copy"
    shutil.copytree(SHIPPED_MODEL, copy)
    data = bytearray((copy / WEIGHTS_FILE).read_bytes())
    data[-1] ^= 0xFF
    (copy / WEIGHTS_FILE).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="do not match model_version"):
        load_model(copy)


def test_bf16_and_int8_scoring_stay_close_to_fp32(tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_HOME", str(tmp_path))
    ref = load_model().predict(PAIRS)
    bf16 = load_model(precision="bf16")
    assert bf16.precision == "bf16"
    assert {p.dtype for p in bf16.net.parameters()} == {torch.bfloat16}  # converted once, not autocast per call
    with pytest.raises(ModelError, match="cannot go back"):
        bf16.set_precision("fp32")
    for a, b in zip(ref, bf16.predict(PAIRS)):
        assert a.stance == pytest.approx(b.stance, abs=0.05)
        assert a.sentiment == pytest.approx(b.sentiment, abs=0.05)
    int8 = load_model(precision="int8")
    assert int8.precision == "int8" and int8.quantized
    from stance.quantized import cache_file

    onnx_file = cache_file(int8.model_version)  # exported once per model version, under STANCE_HOME
    assert onnx_file.is_file() and onnx_file.is_relative_to(tmp_path)
    stamp = onnx_file.stat().st_mtime_ns
    again = load_model(precision="int8")
    assert onnx_file.stat().st_mtime_ns == stamp
    assert [p.stance for p in again.predict(PAIRS)] == [p.stance for p in int8.predict(PAIRS)]
    for b in int8.predict(PAIRS):
        assert math.isclose(sum(b.stance.values()), 1.0, abs_tol=1e-5)
    # int8 moves single borderline pairs a lot; over realistic pairs its labels stay those of fp32
    from stance.bench.speed import workload

    pairs = workload(300)
    parallel = int8.predict(pairs, batch_size=16)  # many batches, run side by side by the workers
    same = [a.stance_label == b.stance_label for a, b in zip(load_model().predict(pairs), parallel)]
    assert sum(same) / len(same) >= 0.95
    int8._int8.workers, workers = 1, int8._int8.workers  # one batch after another: the same numbers
    assert [p.stance for p in int8.predict(pairs, batch_size=16)] == [p.stance for p in parallel]
    int8._int8.workers = workers
    # whatever batch the caller asks for, int8 runs calls of its own small size (stance.quantized.BATCH),
    # each with activation scales of its own: a caller's batch size does not change the numbers
    assert int8._int8.batch < 16
    assert [p.stance for p in int8.predict(pairs, batch_size=64)] == [p.stance for p in parallel]
    with pytest.raises(ModelError, match="cannot go back"):
        int8.set_precision("fp32")
    with pytest.raises(ModelError, match="unknown precision 'fp16'"):
        load_model(precision="fp16")


def test_int8_checked_scores_its_close_calls_again_exactly(tmp_path, monkeypatch):
    from stance.bench.speed import workload
    from stance.precision import cpu_has_native_bf16
    from stance.quantized import CLOSE_CALL

    monkeypatch.setenv("STANCE_HOME", str(tmp_path))
    pairs = workload(200)  # 40 news sentences, 5 targets each, plus a sentiment pass per sentence
    exact = load_model(precision="bf16" if cpu_has_native_bf16() else "fp32")
    int8 = load_model(precision="int8").predict(pairs)
    checked_model = load_model(precision="int8-checked")
    assert checked_model.precision == "int8-checked" and checked_model.quantized
    assert checked_model.relevance_threshold("named") == exact.relevance_threshold("named")  # fp32's thresholds
    checked = checked_model.predict(pairs)
    reference = exact.predict(pairs)

    def margin(probs: dict) -> float:
        top = sorted(probs.values(), reverse=True)
        return top[0] - top[1]

    close = [margin(p.stance) < CLOSE_CALL["stance"] for p in int8]
    assert 0 < sum(close) < len(pairs)  # some rows are close calls, most are not
    for c, i, e, was_close in zip(checked, int8, reference, close):
        if was_close:  # scored again: the exact network's numbers (other batches: bf16 rounding differs a little)
            assert c.stance == pytest.approx(e.stance, abs=1e-2)
        else:  # not a close call, not scored again: int8's numbers
            assert c.stance == pytest.approx(i.stance, abs=1e-6)
    agree = lambda xs: sum(a.stance_label == b.stance_label for a, b in zip(xs, reference)) / len(pairs)  # noqa: E731
    assert agree(checked) >= agree(int8) and agree(checked) >= 0.99
    # gated labels: a pair whose relevance is near its gate is scored again too
    gated = checked_model.predict(pairs, gates=[0.5] * len(pairs))
    near = [abs(p.stance["favor"] + p.stance["against"] - 0.5) < CLOSE_CALL["stance"] for p in int8]
    for g, e, i, was_near in zip(gated, reference, int8, near):
        if was_near:
            assert g.stance == pytest.approx(e.stance, abs=1e-2)


def test_auto_takes_int8_checked_where_the_cpu_has_int8_dot_products(monkeypatch):
    from stance import precision as precision_module
    from stance.model import read_settings
    from stance.precision import best_precision

    settings = read_settings(SHIPPED_MODEL)
    for flags, expected in (({"avx512_vnni", "avx512_bf16"}, "int8-checked"), ({"avx_vnni"}, "int8-checked"),
                            ({"avx512_bf16"}, "bf16"), ({"avx2"}, "fp32")):
        monkeypatch.setattr(precision_module, "_cpu_flags", lambda flags=flags: set(flags))
        assert best_precision(settings)[0] == expected, flags
    monkeypatch.setattr(precision_module, "_cpu_flags", lambda: {"avx512_vnni"})
    shared = Settings(shared_layers=3)  # no ONNX export for shared layers: no int8-checked either
    assert best_precision(shared)[0] == "fp32"


def test_shipped_model_is_trained_well_above_chance_on_the_indomain_test_part(shipped):
    from sklearn.metrics import f1_score

    from stance.annotations import load_annotations

    quotes = load_annotations("annotations/indomain/test.json")  # never trained or calibrated on
    pairs = [(Pair(q.text, t, q.speaker, q.context), gold) for q in quotes for t, gold in q.stance.items()]
    preds = shipped.predict([p for p, _ in pairs])
    stance_f1 = f1_score([g for _, g in pairs], [p.stance_label for p in preds], average="macro")
    senti = shipped.predict([Pair(q.text, "tariffs", q.speaker, q.context) for q in quotes if q.sentiment])
    senti_f1 = f1_score([q.sentiment for q in quotes if q.sentiment], [p.sentiment_label for p in senti],
                        average="macro")
    # chance is about 33; the shipped model measured 60.4 and 58.9 (README), TF-IDF+LR 53.5 and 47.8
    assert stance_f1 > 0.50 and senti_f1 > 0.45, (stance_f1, senti_f1)


def test_marked_targets_wrap_each_mention_and_leave_sentiment_unmarked(shipped):
    pair = Pair("Beijing cheated, and Trump knows it.", "China", "Joe Biden", "Chinese officials denied it.")
    shipped.settings.mark_targets, saved = True, shipped.settings.mark_targets
    try:
        marked = shipped.segment(pair)
        plain = shipped.segment(pair, marked=False)
        shipped.settings.mark_targets = False
        unmarked_checkpoint = shipped.segment(pair)
        shipped.settings.mark_targets = True
        toward_trump = shipped.segment(Pair(pair.text, "Donald Trump", pair.speaker, pair.context))
        china, trump = shipped.predict([pair, Pair(pair.text, "Donald Trump", pair.speaker, pair.context)])
    finally:
        shipped.settings.mark_targets = saved
    assert marked == "Joe Biden: « Beijing » cheated, and Trump knows it. [SEP] « Chinese officials » denied it."
    assert plain == unmarked_checkpoint == "Joe Biden: Beijing cheated, and Trump knows it. [SEP] Chinese officials denied it."
    assert "« Trump »" in toward_trump and "Beijing »" not in toward_trump  # each target its own mentions
    assert china.sentiment == pytest.approx(trump.sentiment, abs=1e-6)  # one sentiment per quote


def test_mark_topics_off_leaves_configured_topics_unmarked_and_actors_marked(shipped):
    text = "These tariffs are a tax on Americans, and Beijing will answer with duties of its own."
    saved = shipped.settings.mark_targets, shipped.settings.mark_topics
    shipped.settings.mark_targets, shipped.settings.mark_topics = True, False
    try:
        tariffs = shipped.segment(Pair(text, "tariffs"))
        china = shipped.segment(Pair(text, "China"))
        benchmark_topic = shipped.segment(Pair("Atheism is a belief too.", "Atheism"))
        shipped.settings.mark_topics = True
        tariffs_marked = shipped.segment(Pair(text, "tariffs"))
    finally:
        shipped.settings.mark_targets, shipped.settings.mark_topics = saved
    assert tariffs == text  # a configured topic: no marks, its input is the plain quote
    assert "« Beijing »" in china and "« tariffs »" not in china
    assert benchmark_topic == "« Atheism » is a belief too."  # a name the configuration lacks: as written
    assert "« tariffs »" in tariffs_marked and "« duties »" in tariffs_marked


def test_pair_sentiment_reads_sentiment_from_the_stance_pass(monkeypatch):
    from stance.finetune import SENTIMENT_TARGET, to_sequences

    model = new_model(Settings(max_length=48, pair_sentiment=True), seed=3)
    quote = "These tariffs are a tax on American families and they must go."
    examples = [Example(quote, "tariffs", stance="against", speaker="Jane Doe"),
                Example(quote, "China", stance="none", speaker="Jane Doe"),
                Example(quote, "", sentiment="negative", speaker="Jane Doe"),
                Example("We welcome the deal.", "", sentiment="positive")]
    import random

    trained = to_sequences(model, examples, rng=random.Random(0))
    assert len(trained.firsts) == 3  # the quote's sentiment rides on one of its two stance pairs
    both = [i for i in range(3) if trained.stance[i] >= 0 and trained.sentiment[i] >= 0]
    assert len(both) == 1 and trained.firsts[both[0]] in ("tariffs", "China")
    assert trained.firsts[2] == SENTIMENT_TARGET  # no stance pair of its own: read with the sentiment target
    measured = to_sequences(model, examples)  # outside training every label has its own sequence
    assert len(measured.firsts) == 4 and measured.firsts[2] == SENTIMENT_TARGET

    calls = []
    real = model.logits
    monkeypatch.setattr(model, "logits", lambda f, s, **kw: calls.append(len(f)) or real(f, s, **kw))
    pairs = [Pair(quote, "tariffs", "Jane Doe"), Pair(quote, "China", "Jane Doe"), Pair("We welcome the deal.", "EU")]
    preds = model.predict(pairs)
    assert calls == [3]  # one pass per pair, no second pass per quote
    _, senti = real(["tariffs", "China"], [model.segment(p) for p in pairs[:2]])
    mean = torch.softmax(senti / model.settings.sentiment_temperature, -1).mean(0)
    assert preds[0].sentiment == preds[1].sentiment  # one sentiment per quote: the mean of its pairs
    assert list(preds[0].sentiment.values()) == pytest.approx(mean.tolist(), abs=1e-5)
    model.settings.pair_sentiment = False
    calls.clear()
    model.predict(pairs)
    assert calls == [5]  # without it: the pairs and one empty-target pass per distinct quote
