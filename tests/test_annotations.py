"""The annotation contract: Label Studio exports -> resolved LabeledQuote training examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.annotations import LabeledQuote, load_annotations, resolve_task
from stance.errors import LabelStudioError
from ls_helpers import annotation, choice, other_speaker, stance, task


def write(path: Path, tasks) -> Path:
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def test_cancelled_dropped_and_each_annotators_latest_kept():
    t = task("q1", ["tariffs"], [
        annotation([stance(0, "favor")], who=1, when="2025-06-01T10:00:00Z", ann_id=1),
        annotation([stance(0, "none")], who=1, when="2025-06-03T10:00:00Z", ann_id=2),  # reviewer 1 changed mind
        annotation([stance(0, "against")], who=2, when="2025-06-04T10:00:00Z", cancelled=True, ann_id=3),
    ])
    resolved = resolve_task(t)
    assert resolved["stance"] == {"tariffs": "none"}
    assert resolved["annotators"] == 1


def test_majority_wins_and_a_tie_goes_to_the_latest():
    t = task("q1", ["tariffs", "China"], [
        annotation([stance(0, "against"), stance(1, "none")], who=1, when="2025-06-01T10:00:00Z"),
        annotation([stance(0, "against"), stance(1, "favor")], who=2, when="2025-06-02T10:00:00Z"),
        annotation([stance(0, "favor")], who=3, when="2025-06-03T10:00:00Z"),
    ])
    resolved = resolve_task(t)
    assert resolved["stance"] == {"tariffs": "against", "China": "favor"}  # 2:1 majority; 1:1 tie -> latest


def test_ground_truth_wins_over_the_majority():
    t = task("q1", ["tariffs"], [
        annotation([stance(0, "against"), choice("sentiment", "negative")], who=1),
        annotation([stance(0, "against"), choice("sentiment", "negative")], who=2),
        annotation([stance(0, "favor")], who=3, truth=True, when="2025-05-01T00:00:00Z"),
    ])
    resolved = resolve_task(t)
    assert resolved["stance"] == {"tariffs": "favor"}
    assert resolved["sentiment"] == "negative"  # the ground truth did not set it: majority
    assert resolved["ground_truth"] is True


def test_free_text_speaker_wins_over_the_roster_choice_and_unannotated_tasks_are_none():
    t = task("q1", [], [annotation([choice("speaker", "Marco Rubio"), other_speaker("  Jamieson Greer ")])])
    assert resolve_task(t)["speaker"] == "Jamieson Greer"
    assert resolve_task(task("q2", ["tariffs"], [])) is None
    assert resolve_task(task("q3", ["tariffs"], [annotation([], cancelled=True)])) is None


def test_load_file_gives_labeled_quotes_with_model_predictions(tmp_path):
    pred = {"model_version": "m1", "score": 0.5, "result": [stance(0, "against"), choice("sentiment", "neutral")]}
    path = write(tmp_path / "export.json", [
        task("q1", ["tariffs", "China"], [annotation([stance(0, "favor"), choice("sentiment", "negative")])],
             predictions=[pred]),
        task("q2", ["tariffs"], []),
    ])
    (quote,) = load_annotations(path)
    assert isinstance(quote, LabeledQuote)
    assert quote.quote_id == "q1" and quote.targets == ("tariffs", "China")
    assert quote.stance == {"tariffs": "favor"}  # China left unlabelled by the reviewer
    assert quote.sentiment == "negative" and quote.speaker == "Marco Rubio"
    assert quote.predicted == {"tariffs": "against"} and quote.predicted_sentiment == "neutral"
    assert quote.source == str(path) and quote.context == "paragraph of q1"


def test_a_folder_is_read_in_name_order_and_the_later_file_wins(tmp_path):
    write(tmp_path / "pull-20250101.json", [task("q1", ["tariffs"], [annotation([stance(0, "favor")])])])
    write(tmp_path / "pull-20250202.json", [task("q1", ["tariffs"], [annotation([stance(0, "none")])]),
                                             task("q2", ["China"], [annotation([stance(0, "against")])])])
    quotes = {q.quote_id: q for q in load_annotations(tmp_path)}
    assert quotes["q1"].stance == {"tariffs": "none"}
    assert quotes["q2"].source.endswith("pull-20250202.json")


def test_ref_items_are_read_from_the_corpus(tmp_path):
    body = "Title line\n\nFirst paragraph here.\n\nHe said \u201ctariffs are a tax on families\u201d today.\n\nLast."
    start = body.index("tariffs")
    end = body.index("\u201d today")
    folder = tmp_path / "corpora" / "polnear" / "train" / "text"
    folder.mkdir(parents=True)
    (folder / "art.txt").write_text(body, encoding="utf-8")
    t = task("ref1", ["tariffs"], [annotation([stance(0, "against")])])
    del t["data"]["text"], t["data"]["context"]
    t["data"]["ref"] = {"corpus": "polnear", "split": "train", "file": "art.txt", "start": start, "end": end}
    path = write(tmp_path / "indomain.json", [t])
    (quote,) = load_annotations(path, corpus_root=tmp_path / "corpora")
    assert quote.text == "tariffs are a tax on families"
    assert quote.context == "He said \u201ctariffs are a tax on families\u201d today."
    with pytest.raises(LabelStudioError, match=r"indomain.json: task 0 \(quote_id ref1\).*missing.*STANCE_CORPUS_ROOT"):
        load_annotations(path, corpus_root=tmp_path / "nowhere")


@pytest.mark.parametrize("content, message", [
    ("{\"tasks\": []}", "list of tasks, got dict"),
    ("[{\"id\": 1}]", "task 0: no `data`"),
    ("[1, 2", "not a JSON export"),
])
def test_malformed_exports_name_the_file(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabelStudioError, match=message) as err:
        load_annotations(path)
    assert "bad.json" in str(err.value)


def test_an_export_from_another_config_names_task_and_field(tmp_path):
    good = task("q1", ["tariffs"], [annotation([stance(0, "favor")])])
    alien = task("q2", ["tariffs"], [annotation([choice("label", "Positive", to="text")])])
    with pytest.raises(LabelStudioError, match=r"other.json: task 1: unknown from_name 'label'.*another labeling config"):
        load_annotations(write(tmp_path / "other.json", [good, alien]))


@pytest.mark.parametrize("result, message", [
    ([stance(0, "maybe")], "stance_0 = 'maybe' is not one of favor, against, none"),
    ([stance(3, "favor")], "stance_3 but the task has 1 target"),
    ([choice("sentiment", "angry")], "sentiment = 'angry'"),
    ([{"from_name": "speaker", "to_name": "quote", "type": "choices", "value": {"choices": ["A", "B"]}}],
     "one choice"),
])
def test_bad_label_values_are_refused(tmp_path, result, message):
    with pytest.raises(LabelStudioError, match=message):
        load_annotations(write(tmp_path / "e.json", [task("q1", ["tariffs"], [annotation(result)])]))


def test_a_task_without_quote_id_is_refused(tmp_path):
    t = task("q1", ["tariffs"], [annotation([stance(0, "favor")])])
    del t["data"]["quote_id"]
    with pytest.raises(LabelStudioError, match="task 0: data.quote_id is missing"):
        load_annotations(write(tmp_path / "e.json", [t]))
