"""The correction loop against a real Label Studio server (started once per session by conftest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.annotations import load_annotations
from stance.errors import LabelStudioError
from stance.labelstudio.client import connect, pull, push
from stance.labelstudio.corrections import FIXED_ATTRIBUTIONS
from stance.labelstudio.server import default_data_dir, free_port, server_status, start_server
from ls_helpers import choice, other_speaker, seed_rows, stance, write_roster, write_scores

pytestmark = pytest.mark.labelstudio


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp writes them) listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.add(address)
    return found


def test_server_listens_on_loopback_only_and_reports_status(label_studio):
    assert listening_addresses(label_studio["port"]) == {"0100007F"}  # 127.0.0.1, nothing else
    status = server_status(data_dir=label_studio["data_dir"])
    assert status["healthy"] and status["pid"] == label_studio["pid"]
    again = start_server(data_dir=label_studio["data_dir"], port=label_studio["port"])
    assert again["pid"] == label_studio["pid"]  # already running: reused, not started twice
    assert status["login_file"] == str(label_studio["data_dir"] / "server.json")
    if not server_status(data_dir=default_data_dir())["running"]:  # no server of the user's own in the default folder
        found = server_status()  # without --data-dir: the newest started server that runs
        assert found["pid"] == label_studio["pid"] and found["data_dir"] == str(label_studio["data_dir"])


def test_a_busy_port_fails_clearly(label_studio, tmp_path):
    with pytest.raises(LabelStudioError, match=f"port {label_studio['port']} is already in use"):
        start_server(data_dir=tmp_path / "other", port=label_studio["port"])
    assert not (tmp_path / "other").exists()


def reviewer_ids(client) -> tuple[int, int]:
    """The admin and a second reviewer (created once), as a team of two would annotate."""
    me = client.users.whoami().id
    second = next((u.id for u in client.users.list() if u.email == "second@stance.local"), None)
    if second is None:
        second = client.users.create(email="second@stance.local", username="second").id
    return me, second


def test_push_review_pull_and_push_again(label_studio, tmp_path):
    url, key = label_studio["url"], label_studio["token"]
    roster = write_roster(tmp_path)
    scores = write_scores(tmp_path)
    first = push(scores, project="loop", url=url, api_key=key, batch_size=2, roster=roster)
    assert first["created"] and first["imported"] == 3 and first["batches"] == 2  # the syndicated copy left out

    client, _ = connect(url, key)
    me, second = reviewer_ids(client)
    tasks = {t.data["quote_id"]: t for t in client.tasks.list(project=first["project_id"], fields="all")}
    q1, q2, q3 = (row["id"] for row in seed_rows()[:3])
    # Reviewer 1 (q1): keeps tariffs=against, corrects China none->against; sentiment stays negative.
    client.annotations.create(tasks[q1].id, result=[choice("speaker", "Marco Rubio"), stance(0, "against"),
                                                    stance(1, "against"), choice("sentiment", "negative")])
    # Reviewer 2 (q1): agrees on the stances, reads the sentiment as neutral.
    client.annotations.create(tasks[q1].id, completed_by=second, result=[
        stance(0, "against"), stance(1, "against"), choice("sentiment", "neutral")])
    # Reviewer 1 (q2): the quote is Greer's, not Wang Yi's, and the stance is against.
    client.annotations.create(tasks[q2].id, result=[other_speaker("Jamieson Greer"), stance(0, "against"),
                                                    choice("sentiment", "positive")])
    # Reviewer 2 (q3): skips the task (cancelled): it must not count.
    client.annotations.create(tasks[q3].id, completed_by=second, was_cancelled=True, result=[stance(0, "favor")])

    out = tmp_path / "annotations"
    report = pull(project="loop", url=url, api_key=key, out_dir=out, roster=roster)
    assert report["annotated"] == 2 and report["multi_annotator_tasks"] == 1
    assert report["stance"]["China"] == {"n": 1, "changed": 1, "rate": 1.0, "confusion": {"none": {"against": 1}}}
    assert report["stance"]["tariffs"]["changed"] == 0
    assert report["stance"]["United States"]["confusion"] == {"favor": {"against": 1}}
    assert report["speaker"] == {"n": 2, "changed": 1, "rate": 0.5}
    assert report["alpha"]["sentiment"] == 0.0  # the two reviewers disagreed on the only shared sentiment
    # Review order: q1 (two reviewers, sentiment apart) carries its disagreement and leads the tab.
    after = {t.data["quote_id"]: t for t in client.tasks.list(project=first["project_id"], fields="all")}
    assert after[q1].data["disagreement"] == round(1 / 3, 4)  # 3 shared fields, one of them apart
    assert after[q2].data["disagreement"] == 0.0 and after[q1].data["uncertainty"] == tasks[q1].data["uncertainty"]
    assert report["review_order"]["most_disputed"] == [q1]
    view = next(v for v in client.views.list(project=first["project_id"]) if v.data.get("title") == "review order")
    assert view.data["ordering"] == ["-tasks:data.disagreement", "-tasks:data.uncertainty"]

    quotes = {q.quote_id: q for q in load_annotations(Path(report["file"]))}
    assert set(quotes) == {q1, q2}
    assert quotes[q1].stance == {"tariffs": "against", "China": "against"}
    assert quotes[q1].predicted == {"tariffs": "against", "China": "none"}
    assert quotes[q1].sentiment == "neutral"  # one vote each: the later annotation wins the tie
    assert quotes[q2].speaker == "Jamieson Greer" and quotes[q2].stance == {"United States": "against"}
    fixed = [json.loads(line) for line in (out / FIXED_ATTRIBUTIONS).read_text().splitlines()]
    assert fixed == [{"quote_id": q2, "speaker": "Jamieson Greer", "previous": "Wang Yi", "mention": "Wang"}]

    assert pull(project="loop", url=url, api_key=key, out_dir=out, roster=roster)["review_order"]["tasks_updated"] == 0
    assert sum(v.data.get("title") == "review order" for v in client.views.list(project=first["project_id"])) == 1
    again = push(scores, project="loop", url=url, api_key=key, roster=roster)
    assert again["created"] is False and again["existing"] == 3 and again["imported"] == 0
    assert len(list(client.tasks.list(project=first["project_id"]))) == 3


def test_push_resumes_after_a_partial_import(label_studio, tmp_path):
    url, key = label_studio["url"], label_studio["token"]
    roster = write_roster(tmp_path)
    rows = seed_rows()
    push(write_scores(tmp_path, rows[:1]), project="resume", url=url, api_key=key, roster=roster)  # "failed" after 1
    report = push(write_scores(tmp_path, rows), project="resume", url=url, api_key=key, roster=roster)
    assert (report["existing"], report["imported"]) == (1, 2)
    client, _ = connect(url, key)
    ids = [t.data["quote_id"] for t in client.tasks.list(project=report["project_id"])]
    assert sorted(ids) == sorted(r["id"] for r in rows[:3])


def test_wrong_token_and_unreachable_server_write_nothing(label_studio, tmp_path):
    out = tmp_path / "annotations"
    with pytest.raises(LabelStudioError, match="refused the API key.*LABEL_STUDIO_API_KEY"):
        pull(project="loop", url=label_studio["url"], api_key="0" * 40, out_dir=out)
    dead = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(LabelStudioError, match=f"cannot reach Label Studio at {dead}"):
        pull(project="loop", url=dead, api_key=label_studio["token"], out_dir=out)
    with pytest.raises(LabelStudioError, match="cannot reach"):
        push(write_scores(tmp_path), project="loop", url=dead, api_key="x", roster=write_roster(tmp_path))
    assert not out.exists()


def test_missing_url_or_key_names_the_flag_and_env(monkeypatch):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    with pytest.raises(LabelStudioError, match="pass --url or set LABEL_STUDIO_URL"):
        connect()
    with pytest.raises(LabelStudioError, match="pass --api-key or set LABEL_STUDIO_API_KEY"):
        connect(url="http://127.0.0.1:1")


def test_a_project_with_another_config_is_refused(label_studio, tmp_path):
    client, url = connect(label_studio["url"], label_studio["token"])
    other = client.projects.create(title="sentiment-only", label_config=(
        '<View><Text name="text" value="$text"/><Choices name="label" toName="text">'
        '<Choice value="Positive"/><Choice value="Negative"/></Choices></View>'))
    client.projects.import_tasks(other.id, request=[{"data": {"text": "fine", "quote_id": "x1"}}])
    (task,) = client.tasks.list(project=other.id)
    client.annotations.create(task.id, result=[choice("label", "Positive", to="text")])
    out = tmp_path / "annotations"
    with pytest.raises(LabelStudioError, match="unknown from_name 'label'.*another labeling config"):
        pull(project="sentiment-only", url=url, api_key=label_studio["token"], out_dir=out)
    with pytest.raises(LabelStudioError, match="exists with another labeling config"):
        push(write_scores(tmp_path), project="sentiment-only", url=url, api_key=label_studio["token"],
             roster=write_roster(tmp_path))
    assert not out.exists()
