"""The command line's contract: readable help for every command, and the README's exit codes
(0 done, 1 nothing useful done and no file written, 2 usage error, 3 done with inputs skipped)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import EXIT_SKIPPED, app

runner = CliRunner()
COMMANDS = (["quotes"], ["speakers"], ["score"], ["classify"], ["report"], ["train"], ["ls", "server", "start"],
            ["ls", "server", "status"], ["ls", "config"], ["ls", "export"], ["ls", "push"], ["ls", "pull"])


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_plain_placeholders_and_no_type_names(command):
    res = runner.invoke(app, [*command, "--help"], prog_name="stance")
    assert res.exit_code == 0, res.output
    usage = res.output.splitlines()[0]
    assert not re.search(r"<(list\[)?\w+\]?>", res.output) and "{" not in usage, res.output  # no <str>, {paths}
    assert res.output.startswith(f"Usage: stance {' '.join(command)} [OPTIONS]")


def test_choices_are_shown_and_enforced(tmp_path):
    help_text = runner.invoke(app, ["score", "--help"]).output
    assert "[jsonl|csv|parquet]" in help_text and "[auto|fp32|bf16|int8|int8-checked]" in help_text
    (tmp_path / "a.txt").write_text('"Hello," she said.\n', encoding="utf-8")
    for bad in (["--precision", "fast"], ["--format", "xml"]):
        res = runner.invoke(app, ["score", str(tmp_path / "a.txt"), *bad])
        assert res.exit_code == 2 and "is not one of" in res.output, res.output


def test_usage_errors_are_exit_2():
    for args in (["score"], ["report"], ["nosuchcommand"], ["quotes", "--no-such-option", "x"]):
        assert runner.invoke(app, args).exit_code == 2, args


def test_report_and_classify_exit_codes(tmp_path):
    missing = tmp_path / "missing.jsonl"
    assert runner.invoke(app, ["report", str(missing)]).exit_code == 1
    assert runner.invoke(app, ["classify", str(missing)]).exit_code == 1
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"text": "Tariffs hurt our farmers.", "target": "tariffs"}) + "\n{not json\n",
                    encoding="utf-8")
    res = runner.invoke(app, ["classify", str(rows), "-o", str(tmp_path / "out.jsonl"), "--precision", "fp32"])
    assert res.exit_code == EXIT_SKIPPED and "rows.jsonl" in res.output and ":2" in res.output
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_report_folder_defaults_to_the_scores_name(tmp_path):
    scores = tmp_path / "week1.jsonl"
    stance = {"tariffs": {"label": "against", "probs": {"favor": 0.1, "against": 0.8, "none": 0.1}, "via": "always"}}
    scores.write_text(json.dumps({"id": "q1", "article": "a", "text": "Tariffs are a tax.", "speaker": "Jane Doe",
                                  "stance": stance, "sentiment": {"label": "negative"}}) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["report", str(scores)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "week1_report" / "quotes.html").is_file()
    assert not Path("report").exists() or Path("report").stat().st_mtime < scores.stat().st_mtime


def test_int8_scoring_prints_no_library_warning(tmp_path):
    import warnings

    from stance.model import Pair, load_model

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = load_model(precision="int8")
        model.predict([Pair("Tariffs hurt farmers.", "tariffs")])
    assert not [w for w in caught if "torch" in str(w.filename) or "quantiz" in str(w.message).lower()], \
        [str(w.message)[:120] for w in caught]
