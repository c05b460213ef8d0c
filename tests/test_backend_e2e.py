"""The ML backend against a real Label Studio server (started by the test session): a task created
without predictions gets one from the backend, annotation webhooks trigger one retrain (tiny
preset) while the old model serves on, the promoted model's version is served afterwards, and a
broken model folder is a clear error that leaves the serving model in place."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from stance.errors import ModelError
from stance.labelstudio.backend import Backend, attach, serve
from stance.labelstudio.client import connect, push
from stance.labelstudio.server import free_port
from stance.model import SHIPPED_MODEL, load_model
from ls_helpers import choice, quote, scored, stance, write_roster, write_scores

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[1]
RETRAIN = {"preset": "tiny", "retrain.max_benchmark_drop": 100.0}


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def post(url: str, body: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())


def rows(n: int) -> list[dict]:
    out = []
    for i in range(n):
        text = f"China has been a fair partner in trade number {i}, and tariffs will {'ruin' if i % 2 else 'save'} us"
        q = quote(f"b{i}", 10, text, "Marco Rubio", "Rubio", context=f"Rubio said: \u201c{text}.\u201d")
        out.append(scored(q, {"tariffs": ("none", 0.5), "China": ("none", 0.5)}, ("neutral", 0.5)))
    return out


def wait_for(condition, seconds: float) -> bool:
    end = time.time() + seconds
    while time.time() < end:
        if condition():
            return True
        time.sleep(1)
    return False


def predictions_of(client, task_id: int) -> list:
    return list(client.predictions.list(task=task_id))


def test_backend_predicts_retrains_from_webhooks_and_serves_the_promoted_model(label_studio, tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(REPO)
    url, key = label_studio["url"], label_studio["token"]
    roster = write_roster(tmp_path)
    with pytest.raises(ModelError, match="broken"):
        (tmp_path / "broken").mkdir()
        (tmp_path / "broken" / "model.json").write_text("{not json", encoding="utf-8")
        Backend(model=tmp_path / "broken", url=url, api_key=key, roster=roster)
    backend = Backend(url=url, api_key=key, roster=roster, retrain_every=12, overrides=RETRAIN,
                      work_dir=tmp_path / "backend", log=lambda _: None)
    old = backend.model_version
    assert old == load_model(SHIPPED_MODEL).model_version
    server = serve(backend, port=free_port())
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert get(f"{base}/health") == {"status": "UP", "model_version": old, "training": False}
        pushed = push(write_scores(tmp_path, rows(12)), project="backend", url=url, api_key=key, roster=roster)
        link = attach("backend", base, url=url, api_key=key)
        assert attach("backend", base, url=url, api_key=key)["ml_backend_id"] == link["ml_backend_id"]  # re-run safe
        client, _ = connect(url, key)

        # A task added without predictions gets one from the backend, with the model's version.
        fresh = client.tasks.create(project=pushed["project_id"], data={
            "quote_id": "fresh-1", "text": "Beijing keeps cheating American workers", "speaker": "Marco Rubio",
            "context": "Rubio said Beijing keeps cheating American workers.", "title": "", "kind": "direct", "context_html": "", "source_line": "",
            "targets": [{"name": "tariffs"}, {"name": "China"}]})
        assert not predictions_of(client, fresh.id)
        client.actions.create(id="retrieve_tasks_predictions", project=pushed["project_id"],
                              selected_items={"all": False, "included": [fresh.id]})
        assert wait_for(lambda: predictions_of(client, fresh.id), 60)
        pred = predictions_of(client, fresh.id)[0]
        assert pred.model_version == old
        names = {r["from_name"] for r in pred.result}
        assert {"speaker", "stance_0", "stance_1", "sentiment"} <= names

        # Reviewers insist these quotes favour China: 12 annotations, one retrain.
        tasks = [t for t in client.tasks.list(project=pushed["project_id"]) if t.id != fresh.id]
        assert len(tasks) == 12
        for t in tasks:
            client.annotations.create(t.id, result=[choice("speaker", "Marco Rubio"), stance(0, "against"),
                                                    stance(1, "favor"), choice("sentiment", "positive")])
        assert wait_for(lambda: backend.training or backend.last.get("status") != "none yet", 60)
        during = post(f"{base}/predict", {"tasks": [{"data": {"text": "Tariffs hurt farmers", "targets": [
            {"name": "tariffs"}]}}]})
        if backend.training:
            assert during["model_version"] == old  # the old model serves while the retrain runs
        assert wait_for(lambda: not backend.training, 600), "the retrain did not finish"
        assert backend.last["status"] == "promoted", backend.last
        new = backend.model_version
        assert new != old and get(f"{base}/health")["model_version"] == new
        assert get(f"{base}/is_training")["last"]["model_version"] == new
        again = client.tasks.create(project=pushed["project_id"], data={
            "quote_id": "fresh-2", "text": "China is a fair partner", "speaker": "Marco Rubio", "context": "",
            "title": "", "kind": "direct", "context_html": "", "source_line": "", "targets": [{"name": "China"}]})
        client.actions.create(id="retrieve_tasks_predictions", project=pushed["project_id"],
                              selected_items={"all": False, "included": [again.id]})
        assert wait_for(lambda: predictions_of(client, again.id), 60)
        assert predictions_of(client, again.id)[0].model_version == new

        # A retrain from a broken model folder fails, is recorded, and the served model stays.
        backend.base = tmp_path / "broken"
        assert backend.start_training(pushed["project_id"])
        assert wait_for(lambda: not backend.training, 120)
        assert backend.last["status"] == "failed" and "broken" in backend.last["error"]
        assert backend.model_version == new
        assert key not in json.dumps(backend.last)  # the token is never logged
    finally:
        server.shutdown()
