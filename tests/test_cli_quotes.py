"""The `stance quotes` and `stance speakers` commands on real files, good and bad together."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from stance.cli import EXIT_SKIPPED, app

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "articles"
runner = CliRunner()


def test_help_lists_commands_with_one_line_each():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for cmd in ("quotes", "speakers"):
        assert cmd in res.output


def test_quotes_on_seeds_to_jsonl_and_csv(tmp_path):
    out = tmp_path / "q.jsonl"
    res = runner.invoke(app, ["quotes", str(SEEDS), "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) > 30
    assert {"id", "article", "text", "start", "end", "speaker", "speaker_mention", "cue", "kind",
            "paragraph"} <= set(rows[0])
    assert len({r["id"] for r in rows}) == len(rows)
    csv_out = tmp_path / "q.csv"
    assert runner.invoke(app, ["quotes", str(SEEDS), "-o", str(csv_out)]).exit_code == 0
    assert len(csv_out.read_text().splitlines()) >= len(rows) + 1


def test_bad_articles_are_reported_and_skipped_while_the_rest_completes(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text('"We will keep talking," said Lena Berg, the trade minister.\n', encoding="utf-8")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "cp1252.txt").write_bytes("\u201cNo,\u201d he said.".encode("cp1252"))
    (tmp_path / "odd.txt").write_text('She said "this never closes.\n\n"But this does," said Bo Li.\n')
    huge = tmp_path / "huge.txt"
    huge.write_text(("The talks went on. " * 1_100_000), encoding="utf-8")  # about 20 MB
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["quotes", str(tmp_path), "-o", str(out)])
    assert res.exit_code == EXIT_SKIPPED
    for name in ("empty.txt", "binary.txt", "cp1252.txt", "huge.txt"):
        assert name in res.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    speakers = {r["text"]: r["speaker"] for r in rows}
    assert speakers["We will keep talking,"] == "Lena Berg"
    assert speakers["But this does,"] == "Bo Li"


def test_missing_file_is_an_error_not_a_crash(tmp_path):
    res = runner.invoke(app, ["quotes", str(tmp_path / "nope.txt")])
    assert res.exit_code == 1  # nothing useful was done
    assert "nope.txt" in res.output and "no such file" in res.output


def test_one_missing_path_among_good_ones_is_skipped_with_exit_3(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text('"We will keep talking," said Lena Berg, the trade minister.\n', encoding="utf-8")
    res = runner.invoke(app, ["quotes", str(good), str(tmp_path / "nope.txt"), "-o", str(tmp_path / "q.jsonl")])
    assert res.exit_code == EXIT_SKIPPED
    assert "nope.txt" in res.output and len((tmp_path / "q.jsonl").read_text().splitlines()) == 1


def test_empty_folder_is_exit_1_and_writes_no_file(tmp_path):
    (tmp_path / "in").mkdir()
    for cmd in (["quotes"], ["score"], ["speakers"]):
        out = tmp_path / f"{cmd[0]}.jsonl"
        res = runner.invoke(app, [*cmd, str(tmp_path / "in"), *(["-o", str(out)] if cmd[0] != "speakers" else [])])
        assert res.exit_code == 1, (cmd, res.output)
        assert "no article files" in res.output and not out.exists()


def test_version():
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.startswith("stance ")


def test_speakers_lists_people_outside_the_roster(tmp_path):
    res = runner.invoke(app, ["speakers", str(SEEDS), "--json"])
    assert res.exit_code == 0
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    by = {r["speaker"]: r for r in rows}
    assert by["Marco Rubio"]["in_roster"] is True
    assert by["Josh Lipsky"]["in_roster"] is False
    # syndicated copies are counted once
    assert by["US Treasury"]["quotes"] == 2


def test_fixed_attributions_from_reviewers_override_the_extractor(tmp_path):
    art = tmp_path / "a.txt"
    art.write_text('"We will keep talking," said Lena Berg, the trade minister.\n', encoding="utf-8")
    first = json.loads(runner.invoke(app, ["quotes", str(art)]).stdout.splitlines()[0])
    assert first["speaker"] == "Lena Berg"
    fixed = tmp_path / "fixed.jsonl"
    fixed.write_text(json.dumps({"quote_id": first["id"], "speaker": "Maria Lund", "previous": "Lena Berg"}) + "\n")
    res = runner.invoke(app, ["quotes", str(art), "--fixed", str(fixed)])
    again = json.loads(res.stdout.splitlines()[0])
    assert again["id"] == first["id"] and again["speaker"] == "Maria Lund"


def test_parquet_output(tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "q.parquet"
    assert runner.invoke(app, ["quotes", str(SEEDS), "-o", str(out)]).exit_code == 0
    table = pq.read_table(out)
    assert table.num_rows > 30 and "speaker" in table.column_names
