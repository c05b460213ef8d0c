"""Training: config overrides, a tiny end-to-end run, the promote rule and promotion itself."""

from __future__ import annotations

import json

import pytest
import torch

from stance.errors import ConfigError
from stance.model import SHIPPED_MODEL, Pair, current_model_path, load_model
from stance.training import decide, load_config, parse_sets, promote, train


def test_overrides_are_typed_and_checked():
    cfg = load_config(overrides=parse_sets(["train.epochs=1", "train.lr=1e-4", "data.vast.limit=null"]))
    assert cfg["train"]["epochs"] == 1 and cfg["train"]["lr"] == pytest.approx(1e-4)
    assert cfg["data"]["vast"]["limit"] is None
    tiny = load_config(overrides={"preset": "tiny", "train.max_steps": 3})
    assert tiny["train"]["max_steps"] == 3 and tiny["data"]["vast"]["limit"] < 100
    with pytest.raises(ConfigError, match="unknown setting 'train.epoch'"):
        load_config(overrides={"train.epoch": 1})
    with pytest.raises(ConfigError, match="whole number"):
        load_config(overrides={"train.epochs": 1.5})
    with pytest.raises(ConfigError, match="unknown preset"):
        load_config(overrides={"preset": "huge"})
    with pytest.raises(ConfigError, match="key=value"):
        parse_sets(["train.epochs"])


def scores(**pairs):
    return {k: {"score": v, "n": 10} for k, v in pairs.items()}


def test_promote_rule():
    old = scores(heldout=60.0, heldout_sentiment=50.0, semeval=65.0, vast=50.0)
    assert decide(old, scores(heldout=70.0, heldout_sentiment=50.0, semeval=64.0, vast=50.0), max_drop=2.0)["promote"]
    assert decide(old, old, max_drop=2.0)["promote"]  # not worse is enough
    worse = decide(old, scores(heldout=55.0, heldout_sentiment=50.0, semeval=70.0, vast=60.0), max_drop=2.0)
    assert not worse["promote"] and "held-out" in worse["reasons"][0]
    forgot = decide(old, scores(heldout=80.0, heldout_sentiment=60.0, semeval=60.0, vast=50.0), max_drop=2.0)
    assert not forgot["promote"] and any(r.startswith("semeval") for r in forgot["reasons"])


def test_promote_makes_the_default_and_keeps_the_previous(tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_HOME", str(tmp_path))
    assert promote(SHIPPED_MODEL) == current_model_path()
    assert load_model().model_version == load_model(SHIPPED_MODEL).model_version
    promote(SHIPPED_MODEL)
    assert (current_model_path().parent / "previous" / "model.json").is_file()
    assert len((current_model_path().parent / "history.jsonl").read_text().splitlines()) == 2


def test_tiny_run_writes_a_complete_run_folder(tmp_path):
    result = train(overrides={"preset": "tiny"}, output_dir=tmp_path, log=lambda _: None)
    run = tmp_path / result.model_version
    assert run == result.run_dir and result.decision is None
    for name in ("config.yaml", "metrics.json", "model_card.md", "model/model.json", "model/weights.safetensors"):
        assert (run / name).is_file(), name
    metrics = json.loads((run / "metrics.json").read_text())
    assert {"semeval", "newsmtsc", "vast"} <= set(metrics["benchmarks"])
    assert metrics["train"]["steps"] == 4
    assert load_model(run / "model").model_version == result.model_version
    again = train(overrides={"preset": "tiny"}, output_dir=tmp_path / "again", log=lambda _: None)
    assert again.model_version == result.model_version  # seeded: the same weights, the same version


def task(qid, text, targets, labels, sentiment):
    result = [{"from_name": f"stance_{i}", "to_name": f"target_{i}", "type": "choices",
               "value": {"choices": [labels[i]]}} for i in range(len(targets))]
    result.append({"from_name": "sentiment", "to_name": "quote", "type": "choices", "value": {"choices": [sentiment]}})
    return {"data": {"quote_id": qid, "text": text, "speaker": "Jane Doe", "context": text,
                     "targets": [{"name": t} for t in targets]},
            "annotations": [{"id": 1, "completed_by": 1, "result": result}]}


def test_retrain_moves_toward_corrections_and_records_the_decision(tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_HOME", str(tmp_path / "home"))
    export = tmp_path / "corrections.json"
    # Reviewers insist, against the model's likely reading, that these quotes favour China.
    quotes = [f"Quote number {i}: tariffs will {'ruin' if i % 2 else 'save'} our farmers, said the governor."
              for i in range(12)]
    export.write_text(json.dumps([
        task(f"q{i}", text, ["tariffs", "China"], ["against" if i % 2 else "favor", "favor"],
             "negative" if i % 2 else "positive") for i, text in enumerate(quotes)]))
    pairs = [Pair(text, "China", "Jane Doe") for text in quotes]
    old = sum(p.stance["favor"] for p in load_model(SHIPPED_MODEL).predict(pairs))
    result = train(overrides={"preset": "tiny"}, annotations=[export], output_dir=tmp_path / "runs",
                   log=lambda _: None)
    new = sum(p.stance["favor"] for p in load_model(result.run_dir / "model").predict(pairs))
    assert new > old
    decision = json.loads((result.run_dir / "decision.json").read_text())
    assert decision["old_version"] == load_model(SHIPPED_MODEL).model_version
    assert decision["new_version"] == result.model_version
    assert "heldout" in decision["figures"]
    assert result.promoted == decision["promote"] == (current_model_path() / "model.json").is_file()


def test_defaults_ship_with_the_package_and_data_paths_are_found_from_anywhere(tmp_path, monkeypatch):
    from stance.training import DEFAULT_CONFIG, PACKAGED_CONFIG, build_base_data, data_path, default_config

    assert PACKAGED_CONFIG.read_text(encoding="utf-8") == DEFAULT_CONFIG.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # outside the repository: no training/config.yaml here
    assert default_config() == PACKAGED_CONFIG
    cfg = load_config(overrides={"preset": "tiny"})
    assert data_path(cfg["data"]["indomain"]["train"], "data.indomain.train").is_file()
    assert build_base_data(cfg).train  # the in-domain and real-news paths resolve beside the package
    with pytest.raises(ConfigError, match="data.realnews.path: nowhere.jsonl not found"):
        data_path("nowhere.jsonl", "data.realnews.path")


def test_bf16_autocast_trains_to_nearly_the_same_loss_and_bad_values_are_refused():
    from stance.corpora import Example
    from stance.finetune import fit
    from stance.model import new_model

    items = [Example(text=f"We {verb} the tariffs on steel, number {i}.", target="tariffs", stance=label,
                     sentiment="negative" if label == "against" else "positive", source="test")
             for i in range(16) for verb, label in (("oppose", "against"), ("welcome", "favor"))]
    runs = {}
    for autocast in (None, "bf16"):
        model = new_model(seed=0)
        before = model.net.stance_head.weight.detach().clone()
        runs[autocast] = fit(model, items, epochs=1, batch_size=8, lr=1e-4, weight_decay=0.0, warmup=0.1,
                             sentiment_weight=1.0, seed=0, max_steps=3, autocast=autocast)
        assert model.net.stance_head.weight.dtype == before.dtype  # weights stay fp32
        assert not torch.equal(model.net.stance_head.weight, before)
    assert all(abs(a - b) < 0.05 for a, b in zip(runs[None], runs["bf16"]))
    with pytest.raises(ValueError, match="autocast"):
        fit(new_model(seed=0), items, epochs=1, batch_size=8, lr=1e-4, weight_decay=0.0, warmup=0.1,
            sentiment_weight=1.0, seed=0, max_steps=1, autocast="fp16")
