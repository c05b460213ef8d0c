"""Label Studio without a server: golden labeling config and task JSON, correction metrics, pull from a file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from stance.annotations import load_annotations
from stance.errors import ConfigError, InputError, LabelStudioError
from stance.labelstudio.config import labeling_config, read_roster, write_config
from stance.labelstudio.corrections import FIXED_ATTRIBUTIONS, pull_file
from stance.labelstudio.metrics import correction_report, krippendorff_alpha
from stance.labelstudio.tasks import export_tasks
from ls_helpers import annotation, choice, other_speaker, seed_rows, stance, task, write_roster, write_scores

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("STANCE_UPDATE_GOLDEN") == "1"  # regenerate after an intended change, then review the diff


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; rerun with STANCE_UPDATE_GOLDEN=1 if intended"


def test_labeling_config_matches_golden(tmp_path):
    out = tmp_path / "config.xml"
    xml = write_config(out, roster=write_roster(tmp_path))
    assert out.read_text(encoding="utf-8") == xml
    check_golden("labeling_config.xml", xml)


def test_labeling_config_escapes_names_and_has_one_choice_per_label(tmp_path):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(labeling_config(read_roster(write_roster(tmp_path))))
    speakers = [c.get("value") for c in root.iter("Choices") if c.get("name") == "speaker" for c in c]
    assert speakers == ["Marco Rubio", "Wang Yi", "Jamieson Greer", "O'Brien & \"Co\""]
    (repeater,) = root.iter("Repeater")
    assert repeater.get("on") == "$targets"
    stance_choices = next(c for c in repeater.iter("Choices"))
    assert stance_choices.get("name") == "stance_{{idx}}" and stance_choices.get("toName") == "target_{{idx}}"
    assert [c.get("value") for c in stance_choices] == ["favor", "against", "none"]


def test_roster_errors_name_the_file(tmp_path):
    bad = tmp_path / "roster.yaml"
    bad.write_text("speakers:\n  - role: nobody\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"roster.yaml: speakers\[0\] has no `name`"):
        read_roster(bad)


def test_task_json_matches_golden(tmp_path):
    out = tmp_path / "tasks.json"
    n = export_tasks(write_scores(tmp_path), out, roster=write_roster(tmp_path))
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert n == len(tasks) == 3  # the syndicated copy is left out
    check_golden("tasks.json", out.read_text(encoding="utf-8").replace(str(tmp_path), "<tmp>"))


def test_tasks_carry_uncertainty_probabilities_and_prediction(tmp_path):
    out = tmp_path / "tasks.json"
    export_tasks(write_scores(tmp_path), out, roster=write_roster(tmp_path))
    first, second, third = json.loads(out.read_text(encoding="utf-8"))
    assert [t["name"] for t in third["data"]["targets"]] == ["trade war", "China", "soybeans"]
    # less confident model -> higher uncertainty, and the prediction score is its complement
    assert third["data"]["uncertainty"] > first["data"]["uncertainty"]
    assert first["predictions"][0]["score"] == pytest.approx(1 - first["data"]["uncertainty"])
    assert first["data"]["probs"]["stance"]["tariffs"]["against"] == 0.7
    result = {r["from_name"]: r for r in first["predictions"][0]["result"]}
    assert result["speaker"]["value"]["choices"] == ["Marco Rubio"]
    assert result["stance_1"]["to_name"] == "target_1" and result["stance_1"]["value"]["choices"] == ["none"]
    assert third["data"]["speaker"] == "" and not any(r["from_name"].startswith("speaker")
                                                      for r in third["predictions"][0]["result"])


def test_a_bad_scores_file_names_the_line_and_writes_nothing(tmp_path):
    rows = seed_rows()
    del rows[1]["sentiment"]["probs"]["neutral"]
    out = tmp_path / "tasks.json"
    with pytest.raises(InputError, match=r"scores.jsonl:2: sentiment.probs"):
        export_tasks(write_scores(tmp_path, rows), out, roster=write_roster(tmp_path))
    assert not out.exists() and not list(tmp_path.glob(".tasks.json*"))


def test_krippendorff_alpha_matches_the_reference_package():
    krippendorff = pytest.importorskip("krippendorff")
    units = [["a", "a", "b"], ["b", "b"], ["a", "c", "c"], ["c", "c", "c"], ["a"], ["b", "a"]]
    cats = ["a", "b", "c"]
    matrix = [[cats.index(u[r]) if r < len(u) else float("nan") for u in units] for r in range(3)]
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert krippendorff_alpha(units) == pytest.approx(expected)
    assert krippendorff_alpha([["a", "a"], ["a", "a"]]) is None  # one category: undefined
    assert krippendorff_alpha([["a", "a"], ["b", "b"]]) == pytest.approx(1.0)


def reviewed_export() -> list[dict]:
    pred = {"model_version": "m1", "score": 0.6,
            "result": [stance(0, "against"), stance(1, "none"), choice("sentiment", "negative")]}
    return [
        task("q1", ["tariffs", "China"], [
            annotation([stance(0, "against"), stance(1, "against"), choice("sentiment", "negative")], who=1),
            annotation([stance(0, "against"), stance(1, "against"), choice("sentiment", "neutral")], who=2),
        ], predictions=[pred]),
        task("q2", ["tariffs", "China"], [
            annotation([stance(0, "favor"), stance(1, "none"), other_speaker("Jamieson Greer")], who=1),
            annotation([stance(0, "favor")], who=2, cancelled=True),
        ], predictions=[pred]),
        task("q3", ["tariffs", "China"], [], predictions=[pred]),
    ]


def test_correction_report_counts_changes_per_target():
    report = correction_report(reviewed_export())
    assert report["annotated"] == 2 and report["multi_annotator_tasks"] == 1
    assert report["stance"]["tariffs"] == {"n": 2, "changed": 1, "rate": 0.5,
                                           "confusion": {"against": {"against": 1, "favor": 1}}}
    assert report["stance"]["China"]["changed"] == 1 and report["stance"]["China"]["confusion"]["none"] == {
        "against": 1, "none": 1}
    assert report["speaker"] == {"n": 2, "changed": 1, "rate": 0.5}
    # the one doubly-annotated task: both reviewers agree on every stance (a single category, so alpha
    # is undefined) and disagree on the sentiment (alpha 0 with two values)
    assert report["alpha"]["stance"] is None
    assert report["alpha"]["sentiment"] == 0.0


def test_pull_file_cleans_writes_versioned_file_and_fixed_attributions(tmp_path):
    export = tmp_path / "project-7-at-2025-06-01.json"
    export.write_text(json.dumps(reviewed_export()), encoding="utf-8")
    out = tmp_path / "annotations"
    report = pull_file(export, out, roster=write_roster(tmp_path))
    written = json.loads(Path(report["file"]).read_text(encoding="utf-8"))
    assert Path(report["file"]).parent == out and Path(report["file"]).name.startswith("project-7-at-2025-06-01-")
    assert [t["data"]["quote_id"] for t in written] == ["q1", "q2"]  # q3 had no annotation
    assert report["annotations_dropped"] == 1 and all(not a["was_cancelled"] for t in written for a in t["annotations"])
    fixed = [json.loads(line) for line in (out / FIXED_ATTRIBUTIONS).read_text(encoding="utf-8").splitlines()]
    assert fixed == [{"quote_id": "q2", "speaker": "Jamieson Greer", "previous": "Marco Rubio", "mention": "Rubio"}]
    quotes = {q.quote_id: q for q in load_annotations(out)}
    assert quotes["q2"].speaker == "Jamieson Greer" and quotes["q1"].stance == {"tariffs": "against", "China": "against"}


def test_alias_suggested_when_a_roster_speaker_is_named_in_a_new_way(tmp_path):
    t = task("q9", ["tariffs"], [annotation([choice("speaker", "Jamieson Greer")])], speaker="")
    t["data"]["speaker_mention"] = "USTR chief Greer"
    export = tmp_path / "e.json"
    export.write_text(json.dumps([t]), encoding="utf-8")
    report = pull_file(export, tmp_path / "out", roster=write_roster(tmp_path))
    assert report["alias_suggestions"] == [{"name": "Jamieson Greer", "alias": "USTR chief Greer", "quote_id": "q9"}]


def test_a_malformed_export_writes_nothing(tmp_path):
    export = tmp_path / "e.json"
    bad = reviewed_export()
    bad[1]["annotations"][0]["result"].append(choice("topic", "x"))
    export.write_text(json.dumps(bad), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(LabelStudioError, match=r"e.json: task 1: unknown from_name 'topic'"):
        pull_file(export, out, roster=write_roster(tmp_path))
    assert not out.exists()


def test_each_pull_is_a_round_of_the_learning_curve(tmp_path):
    export = tmp_path / "loop.json"
    export.write_text(json.dumps(reviewed_export()), encoding="utf-8")
    out = tmp_path / "annotations"
    first = pull_file(export, out, roster=write_roster(tmp_path))["round"]
    second = pull_file(export, out, roster=write_roster(tmp_path))["round"]
    assert (first["round"], first["new"], second["round"], second["new"]) == (1, 2, 2, 0)
    assert first["stance_agreement"] == 0.5  # 2 of the 4 stance labels kept (see the report test above)
    with open(first["csv"], encoding="utf-8") as fh:
        assert len(fh.read().splitlines()) == 3  # header + two rounds
    assert Path(second["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(load_annotations(out)) == 2  # the curve's files are not read as annotations
