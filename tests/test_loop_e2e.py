"""The whole human correction loop against a real Label Studio server.

Seed articles -> quotes -> scores (shipped model) -> push -> a reviewer corrects labels and one
speaker through the API -> pull -> retrain on the pulled annotations -> a new model version,
moved toward the corrections, its promotion decision kept -> re-extract with the fixed speaker,
re-score, push again: nothing is duplicated.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from stance.annotations import load_annotations
from stance.config import DEFAULT_ROSTER
from stance.io import read_jsonl, write_records
from stance.labelstudio import fields as F
from stance.labelstudio.client import connect, push, pull
from stance.labelstudio.config import read_roster
from stance.labelstudio.corrections import FIXED_ATTRIBUTIONS
from stance.model import SHIPPED_MODEL, Pair, current_model_path, load_model
from stance.pipeline import extract
from stance.scoring import score_quotes
from stance.training import DEFAULT_CONFIG, decide, load_config, train

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds" / "articles"
PROJECT = "e2e-correction-loop"
CORRECTED_TARGET, CORRECTED_LABEL = "tariffs", "against"
ACCEPTED_TASKS = 3  # tasks the reviewer accepts unchanged (the least certain first, as Label Studio serves them)
# The tiny preset, trained long enough on the corrections that the change is measurable (~1 min on 2 cores).
RETRAIN = {"preset": "tiny", "retrain.max_steps": 60, "retrain.epochs": 3, "retrain.repeat": 3,
           "train.threads": 2}


def score_seeds(model, out: Path, *, fixed: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """What `stance score seeds/articles -o out` writes, with the given model."""
    rows = list(score_quotes(extract([SEEDS], fixed=fixed), model=model, progress=False))
    write_records(rows, out)
    return rows


def as_dict(obj: Any) -> dict[str, Any]:
    return obj.model_dump(mode="json") if hasattr(obj, "model_dump") else dict(obj)


def project_tasks(client, project_id: int) -> dict[str, dict[str, Any]]:
    """quote_id -> the task as the reviewer opens it (data and the model's pre-annotation)."""
    return {t.data["quote_id"]: as_dict(t) for t in client.tasks.list(project=project_id, fields="all")}


def reviewed(task: dict[str, Any], *, stance: dict[int, str] | None = None,
             speaker: str | None = None) -> list[dict[str, Any]]:
    """The reviewer's submission: the pre-annotation as shown, with the given changes."""
    (prediction,) = task["predictions"]
    result = []
    for item in prediction["result"]:
        index = F.stance_index(item["from_name"])
        if speaker is not None and item["from_name"] in (F.SPEAKER, F.SPEAKER_OTHER):
            continue
        if index is not None and index in (stance or {}):
            item = {**item, "value": {"choices": [stance[index]]}}
        result.append({k: item[k] for k in ("from_name", "to_name", "type", "value")})
    if speaker is not None:
        result.append({"from_name": F.SPEAKER, "to_name": F.QUOTE, "type": "choices",
                       "value": {"choices": [speaker]}})
    return result


def plan_review(tasks: dict[str, dict[str, Any]], roster: list[str]) -> dict[str, Any]:
    """Which tasks the reviewer changes: every `tariffs` label that is not `against`, one speaker,
    and a few tasks accepted as they are."""
    stance_fixes: dict[str, dict[int, str]] = {}
    for qid, task in tasks.items():
        names = [t["name"] for t in task["data"]["targets"]]
        if CORRECTED_TARGET in names:
            index = names.index(CORRECTED_TARGET)
            predicted = next(i["value"]["choices"][0] for i in task["predictions"][0]["result"]
                             if i["from_name"] == F.stance_field(index))
            if predicted != CORRECTED_LABEL:
                stance_fixes[qid] = {index: CORRECTED_LABEL}
    assert len(stance_fixes) >= 3, "the model already says 'against' on (nearly) every tariffs pair: nothing to correct"
    on_roster = sorted(q for q, t in tasks.items() if t["data"]["speaker"] in roster and q not in stance_fixes)
    speaker_qid = on_roster[0]
    old_speaker = tasks[speaker_qid]["data"]["speaker"]
    new_speaker = next(name for name in roster if name != old_speaker)
    rest = sorted((q for q in tasks if q not in stance_fixes and q != speaker_qid),
                  key=lambda q: -tasks[q]["data"]["uncertainty"])
    return {"stance": stance_fixes, "speaker": (speaker_qid, old_speaker, new_speaker),
            "accepted": rest[:ACCEPTED_TASKS]}


def p_label(model, pairs: list[tuple[Pair, str]]) -> list[float]:
    """The model's probability of the wanted label, per pair."""
    return [p.stance[label] for p, (_, label) in zip(model.predict([pair for pair, _ in pairs]), pairs)]


def is_distribution(probs: dict[str, float]) -> bool:
    return all(0.0 <= p <= 1.0 for p in probs.values()) and abs(sum(probs.values()) - 1.0) < 1e-3


def test_review_pull_retrain_promote_and_push_again(label_studio, tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_HOME", str(tmp_path / "home"))  # promotion lands here, not in ~/.stance
    monkeypatch.chdir(REPO)  # the training config's relative data paths
    url, key = label_studio["url"], label_studio["token"]
    roster = read_roster(DEFAULT_ROSTER)

    # Score the seed quotes with the shipped model (the default while nothing is promoted) and push.
    old = load_model()
    assert old.model_version == load_model(SHIPPED_MODEL).model_version
    scores = tmp_path / "scores.jsonl"
    rows = score_seeds(old, scores)
    speech = {r["id"] for r in rows if r["stance"] and not r.get("duplicate_of")}
    first = push(scores, project=PROJECT, url=url, api_key=key, batch_size=10)
    assert first["created"] and first["imported"] == first["tasks"] >= len(speech) and first["batches"] >= 2

    # A reviewer opens the tasks (pre-annotated by the model) and submits, correcting some of them.
    client, _ = connect(url, key)
    tasks = project_tasks(client, first["project_id"])
    assert len(tasks) == first["tasks"] and speech <= set(tasks)
    assert all(t["predictions"][0]["model_version"] == old.model_version for t in tasks.values())
    plan = plan_review({q: t for q, t in tasks.items() if q in speech}, roster)
    speaker_qid, old_speaker, new_speaker = plan["speaker"]
    for qid, fixes in plan["stance"].items():
        client.annotations.create(tasks[qid]["id"], result=reviewed(tasks[qid], stance=fixes))
    client.annotations.create(tasks[speaker_qid]["id"], result=reviewed(tasks[speaker_qid], speaker=new_speaker))
    for qid in plan["accepted"]:
        client.annotations.create(tasks[qid]["id"], result=reviewed(tasks[qid]))
    n_reviewed = len(plan["stance"]) + 1 + len(plan["accepted"])

    # Pull: the correction report and the resolved labels say what the reviewer did.
    out = tmp_path / "annotations"
    report = pull(project=PROJECT, url=url, api_key=key, out_dir=out)
    assert report["annotated"] == n_reviewed and report["annotations_dropped"] == 0
    tariffs = report["stance"][CORRECTED_TARGET]
    assert tariffs["changed"] == len(plan["stance"])
    assert sum(tariffs["confusion"].get(label, {}).get(CORRECTED_LABEL, 0)
               for label in tariffs["confusion"] if label != CORRECTED_LABEL) == len(plan["stance"])
    assert all(s["changed"] == 0 for t, s in report["stance"].items() if t != CORRECTED_TARGET)
    assert report["speaker"]["changed"] == 1
    fixed = [row for _, row in read_jsonl(out / FIXED_ATTRIBUTIONS)]
    assert [(r["quote_id"], r["speaker"], r["previous"]) for r in fixed] == [(speaker_qid, new_speaker, old_speaker)]
    labeled = {q.quote_id: q for q in load_annotations(Path(report["file"]))}
    assert len(labeled) == n_reviewed and labeled[speaker_qid].speaker == new_speaker
    corrected = []
    for qid, fixes in plan["stance"].items():
        q = labeled[qid]
        assert q.stance[CORRECTED_TARGET] == CORRECTED_LABEL != q.predicted[CORRECTED_TARGET]
        corrected.append((Pair(q.text, CORRECTED_TARGET, q.speaker, q.context or None), CORRECTED_LABEL))

    # Retrain briefly on the pulled annotations: a new version, its run folder, a recorded decision.
    logged: list[str] = []
    result = train(DEFAULT_CONFIG, overrides=RETRAIN, annotations=[out], output_dir=tmp_path / "runs",
                   log=logged.append)
    new = load_model(result.run_dir / "model")
    assert result.run_dir == tmp_path / "runs" / result.model_version
    assert new.model_version == result.model_version != old.model_version
    temperatures = (new.settings.stance_temperature, new.settings.sentiment_temperature)
    assert all(map(math.isfinite, temperatures)), f"calibration gave temperatures {temperatures}"
    metrics = json.loads((result.run_dir / "metrics.json").read_text())
    assert metrics["base"] == str(SHIPPED_MODEL) and new.settings.extra["trained_on"]["human"] > 0
    decision = json.loads((result.run_dir / "decision.json").read_text())
    assert (decision["old_version"], decision["new_version"]) == (old.model_version, result.model_version)
    assert {"heldout", "semeval", "vast", "newsmtsc"} <= set(decision["figures"])
    figures = {side: {k: {"score": f[side]} for k, f in decision["figures"].items()} for side in ("old", "new")}
    max_drop = load_config(DEFAULT_CONFIG, RETRAIN)["retrain"]["max_benchmark_drop"]
    assert decide(figures["old"], figures["new"], max_drop=max_drop)["promote"] == decision["promote"]
    assert any(("PROMOTED" if decision["promote"] else "NOT promoted") in line for line in logged)
    if decision["promote"]:
        assert decision["promoted_to"] == str(current_model_path())
        history = [row for _, row in read_jsonl(current_model_path().parent / "history.jsonl")]
        assert history[-1]["promoted"] == result.model_version
    else:
        assert not current_model_path().exists()
    assert load_model().model_version == (result.model_version if decision["promote"] else old.model_version)

    # The new model's predictions on the corrected pairs moved toward the corrections.
    before, after = p_label(old, corrected), p_label(new, corrected)
    mean_before, mean_after = sum(before) / len(before), sum(after) / len(after)
    print(f"mean P({CORRECTED_LABEL}) on {len(corrected)} corrected pairs: {mean_before:.3f} -> {mean_after:.3f} "
          f"({sum(a > b for a, b in zip(after, before))} rose); train {metrics['train']}")
    assert mean_after > mean_before + 0.05
    assert sum(a > b for a, b in zip(after, before)) > len(corrected) / 2

    # Close the loop: the fixed speaker is honoured, the new scores push nothing twice.
    again = tmp_path / "scores-again.jsonl"
    fixed_map = {r["quote_id"]: r["speaker"] for r in fixed}
    rescored = {r["id"]: r for r in score_seeds(new, again, fixed=fixed_map)}
    assert set(rescored) == {r["id"] for r in rows}
    assert rescored[speaker_qid]["speaker"] == new_speaker
    assert {r["model_version"] for r in rescored.values()} == {result.model_version}
    heads = [h["probs"] for r in rescored.values() if r["sentiment"] for h in (*r["stance"].values(), r["sentiment"])]
    bad = [h for h in heads if not is_distribution(h)]
    assert heads and not bad, f"{len(bad)} of {len(heads)} heads of the retrained model are no distribution: {bad[0]}"
    for path in (scores, again):
        pushed = push(path, project=PROJECT, url=url, api_key=key, batch_size=10)
        assert (pushed["created"], pushed["imported"], pushed["existing"]) == (False, 0, first["tasks"])
    assert len(list(client.tasks.list(project=first["project_id"]))) == first["tasks"]
