"""The Ray engine against the local one: a local Ray cluster on 127.0.0.1 with 2 CPUs scores the seed
articles and a few hundred generated ones (JSON lines, split over workers, and Parquet) and writes
exactly the local engine's records (ids, speakers, labels, duplicate links); a broken article is
reported and skipped; a worker killed mid-batch loses and duplicates no row; `stance report` reads
the partitioned output folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from stance.bench.ray import generate, same_records, write_jsonl  # noqa: E402
from stance.distributed import score_ray, start  # noqa: E402
from stance.report import build_report, read_scores  # noqa: E402
from stance.scoring import score_paths  # noqa: E402

pytestmark = [pytest.mark.ray, pytest.mark.slow]
SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "articles"


@pytest.fixture(scope="module")
def cluster():
    start(workers=2)  # a local runtime bound to 127.0.0.1 with 2 CPUs
    assert ray.cluster_resources().get("CPU") == 2
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ray-inputs")
    articles = generate(240)
    jsonl = write_jsonl(articles[:180], folder / "news.jsonl")
    with open(jsonl, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")  # a broken article: reported and skipped
        fh.write(json.dumps({"id": "after-broken", "text": articles[0]["text"]}) + "\n")  # copies of gen-00000
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(articles[180:]), folder / "more.parquet", row_group_size=20)
    paths = [SEEDS, jsonl, folder / "more.parquet"]
    local_out = folder / "local.jsonl"
    report = score_paths(paths, local_out, progress=False)
    return paths, list(read_scores(local_out)), report


def test_ray_engine_writes_the_local_engines_records(cluster, inputs, tmp_path):
    paths, local, local_report = inputs
    run = score_ray(paths, tmp_path / "scores", workers=2, chunk_lines=40)
    assert run.chunks > 8 and len(run.parts) == 1
    got = list(read_scores(tmp_path / "scores"))
    assert len(got) == len(local) == local_report.quotes == run.report.quotes > 500
    assert same_records(got, local)
    assert sum(1 for r in got if r.get("duplicate_of")) > 20  # syndicated copies linked across workers
    assert {r["duplicate_of"] for r in got if r["id"].startswith("after-broken")} <= {r["id"] for r in got}
    for a, b in zip(got, local):  # the probabilities too, to rounding
        for t in a["stance"]:
            assert abs(a["stance"][t]["probs"]["favor"] - b["stance"][t]["probs"]["favor"]) < 1e-3
    assert (run.report.read, len(run.report.skipped)) == (local_report.read, 1) == (246, 1)
    assert "malformed JSON" in run.report.skipped[0][1]
    info = build_report(tmp_path / "scores", tmp_path / "report")  # `stance report` reads the folder
    assert info["records"] == len(got) and Path(info["html"]).is_file()


def test_a_killed_worker_loses_and_duplicates_no_row(cluster, inputs, tmp_path):
    paths, local, _ = inputs
    marker = tmp_path / "killed-once"
    run = score_ray(paths, tmp_path / "scores", workers=2, chunk_lines=40, partition_rows=200,
                    fail_once=str(marker))
    assert marker.is_file()  # a worker did die mid-batch
    got = list(read_scores(tmp_path / "scores"))
    assert len(run.parts) == -(-len(local) // 200)
    assert len({r["id"] for r in got}) == len(got) == len(local)
    assert same_records(got, local)
    assert not list(tmp_path.glob(".scores.*"))  # no staging folder left behind


def test_cli_score_on_ray_then_report_the_folder(cluster, tmp_path):
    from typer.testing import CliRunner

    from stance.cli import app

    runner = CliRunner()
    out = tmp_path / "seed-scores"
    done = runner.invoke(app, ["score", str(SEEDS), "-o", str(out), "--engine", "ray", "--workers", "2",
                               "--precision", "fp32"])
    assert done.exit_code == 0, done.output
    assert "ray: 2 worker(s)" in done.output and "5 article(s) read" in done.output
    assert (out / "part-00000.parquet").is_file()
    report = runner.invoke(app, ["report", str(out), "-o", str(tmp_path / "report")])
    assert report.exit_code == 0, report.output
    assert (tmp_path / "report" / "matrix.csv").is_file()
    wrong = runner.invoke(app, ["score", str(SEEDS), "-o", str(out), "--workers", "2"])
    assert wrong.exit_code == 2 and "--engine ray" in wrong.output
