"""Scoring past one machine: `stance score --engine ray`, with exactly the records of the local engine.

The driver cuts the input into chunks (`stance.articles.chunks`: an article file, a run of lines of
a JSON lines file, a row group of a Parquet file), in the local engine's order, and hands them to
Ray Data as a dataset. `map_batches` runs `ChunkScorer`, a callable class that loads spaCy, the
roster, the targets and the model once per worker, reads its chunks with the local readers,
extracts quotes per article (so per-article target choice is unchanged: an article never spans
two chunks) and scores them. Rows come back to the driver in input order (Ray's
`preserve_order`); the driver then links syndicated copies in one cheap streaming pass keyed on the
quote's words and speaker (`stance.pipeline.link_copies`, as the local engine does before
scoring; a copy's scores do not depend on the link) and writes the output:
- `-o DIR` (no suffix): partitioned output, `DIR/part-00000.parquet` ... (or `.jsonl` with
  `--format jsonl`), each part written atomically, the folder swapped in whole at the end;
- `-o FILE.jsonl|.csv|.parquet`: one file, as the local engine writes it.

A broken article is reported and skipped on its worker as in the local engine (the driver prints
the same `skipped:` lines and counts it). A worker that dies has its actor restarted and its batch
retried by Ray; rows reach the output only from the driver's ordered stream, so a retried batch
never duplicates rows. `--address` joins an existing cluster (the workers must see the input
paths and have this package installed); without it a local Ray runtime bound to 127.0.0.1 is
started with this machine's cores. Ray is an optional extra: `pip install -e ".[ray]"`.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .articles import Chunk, check_inputs, chunks, read_chunk
from .errors import InputError, StanceError
from .io import write_records
from .records import BatchReport, Quote

CHUNK_LINES = 50  # JSON lines per chunk: some seconds of work, small enough to spread
BATCH_CHUNKS = 8  # at most this many chunks per map_batches call (fewer when there are few chunks)
PARTITION_ROWS = 50_000  # records per output part
INSTALL_HINT = 'Ray is not installed: pip install -e ".[ray]" (or pip install "ray[data]")'


class ChunkScorer:
    """Ray Data callable class: chunks in, scored records out. Loads its parts once per worker."""

    def __init__(self, *, model: str | None, precision: str, roster: str | None, targets: str | None,
                 extra_targets: Sequence[str], fixed: dict[str, str] | None, gated: bool, article_targets: bool,
                 batch_size: int, fail_once: str | None = None) -> None:
        from .model import load_model
        from .roster import load_roster
        from .nlp import load_nlp
        from .targets import load_targets

        self.model = load_model(model, precision=precision)
        self.roster = load_roster(roster)
        self.config = load_targets(targets, roster=roster)
        self.nlp = load_nlp()
        self.extra, self.fixed, self.gated, self.article_targets = list(extra_targets), fixed, gated, article_targets
        self.batch_size = batch_size
        self.fail_once = fail_once  # tests: the first batch anywhere kills its worker once

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        from .pipeline import extract_article
        from .scoring import score_quotes

        if self.fail_once and not os.path.exists(self.fail_once):
            Path(self.fail_once).write_text(str(os.getpid()), encoding="utf-8")
            os._exit(1)  # a worker dying mid-batch, as a lost node would
        out: dict[str, list] = {"order": [], "seq": [], "record": [], "skipped": [], "articles": []}
        quotes: list[tuple[int, Quote]] = []
        for i in range(len(batch["order"])):
            chunk = Chunk(order=int(batch["order"][i]), path=str(batch["path"][i]), kind=str(batch["kind"][i]),
                          start=int(batch["start"][i]), stop=None if int(batch["stop"][i]) < 0 else int(batch["stop"][i]),
                          first_line=int(batch["first_line"][i]))
            read = 0
            for res in read_chunk(chunk):
                if res.error is not None:
                    self._row(out, chunk.order, -1, skipped=json.dumps([res.source, str(res.error)]))
                    continue
                read += 1
                quotes += [(chunk.order, q) for q in extract_article(res.article, roster=self.roster, nlp=self.nlp,
                                                                      fixed=self.fixed)]
            self._row(out, chunk.order, -1, articles=read)
        records = score_quotes((q for _, q in quotes), model=self.model, targets_config=self.config,
                               extra_targets=self.extra, batch_size=self.batch_size, progress=False,
                               gated=self.gated, article_targets=self.article_targets)
        for seq, ((order, _), rec) in enumerate(zip(quotes, records)):
            self._row(out, order, seq, record=json.dumps(rec, ensure_ascii=False))
        return out

    @staticmethod
    def _row(out: dict[str, list], order: int, seq: int, *, record: str = "", skipped: str = "",
             articles: int = 0) -> None:
        for key, value in (("order", order), ("seq", seq), ("record", record), ("skipped", skipped),
                           ("articles", articles)):
            out[key].append(value)


@dataclass
class RayRun:
    """What a Ray run did: the local engine's BatchReport plus Ray's side."""

    report: BatchReport
    workers: int
    chunks: int
    parts: list[str]
    seconds_start: float  # starting (or joining) Ray
    seconds_total: float


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise StanceError(INSTALL_HINT) from None
    return ray


def start(address: str | None = None, workers: int | None = None) -> Any:
    """Join the cluster at `address`, or start a local runtime on 127.0.0.1 with `workers` CPUs
    (default: this machine's cores). Returns the ray module."""
    ray = _ray()
    if ray.is_initialized():
        return ray
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import logging

    logging.getLogger("ray.data").setLevel(logging.WARNING)  # one line per dataset run is noise here
    if address:
        ray.init(address=address, log_to_driver=False)
    else:
        ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
                 _node_ip_address="127.0.0.1", configure_logging=False)
    return ray


def chunk_rows(paths: Sequence[str | Path], lines: int) -> list[dict[str, Any]]:
    """The input's chunks as plain rows for Ray Data (`stop` -1 = to the end)."""
    return [{**asdict(c), "stop": -1 if c.stop is None else c.stop} for c in chunks(paths, lines=lines)]


def scored_rows(rows: Sequence[dict[str, Any]], *, report: BatchReport, workers: int, model: str | None = None,
                precision: str = "fp32", roster: str | None = None, targets: str | None = None,
                extra_targets: Sequence[str] = (), fixed: dict[str, str] | None = None, gated: bool = True,
                article_targets: bool = True, batch_size: int = 64,
                fail_once: str | None = None) -> Iterator[dict[str, Any]]:
    """Scored records of the chunk `rows` (`chunk_rows`) in input order, syndicated copies linked
    (Ray must be started)."""
    import ray.data

    from .pipeline import first_copy

    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    ds = ray.data.from_items(rows, override_num_blocks=max(1, min(len(rows), workers * 4)))
    per_call = max(1, min(BATCH_CHUNKS, len(rows) // (workers * 4)))  # every worker gets several calls
    scored = ds.map_batches(  # Ray Data restarts a dead actor and retries its task by default
        ChunkScorer, batch_size=per_call, compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
        batch_format="numpy",
        fn_constructor_kwargs=dict(model=model, precision=precision, roster=roster, targets=targets,
                                   extra_targets=list(extra_targets), fixed=fixed, gated=gated,
                                   article_targets=article_targets, batch_size=batch_size, fail_once=fail_once))

    def records() -> Iterator[dict[str, Any]]:
        for row in scored.iter_rows():
            if row["skipped"]:
                source, error = json.loads(row["skipped"])
                report.skipped.append((source, error))
                print(f"skipped: {error}", file=sys.stderr)
            elif row["seq"] < 0:
                report.read += int(row["articles"])
            else:
                report.quotes += 1
                yield json.loads(row["record"])

    seen: dict[tuple[str, str | None], str] = {}  # stance.pipeline.link_copies' rule, on records
    for rec in records():
        original = first_copy(seen, rec.get("text") or "", rec.get("speaker"), rec["id"])
        if original is not None:
            rec["duplicate_of"] = original
        yield rec


def score_ray(paths: Sequence[str | Path], out: str | Path | None, *, fmt: str | None = None, address: str | None = None,
              workers: int | None = None, partition_rows: int = PARTITION_ROWS, **options: Any) -> RayRun:
    """`stance score --engine ray`: see the module docstring. `options` go to `scored_rows`."""
    check_inputs(paths)
    out = Path(out) if out is not None else None
    started = time.perf_counter()
    ray = start(address, workers)
    workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    ready = time.perf_counter()
    report = BatchReport()
    work = chunk_rows(paths, options.pop("chunk_lines", CHUNK_LINES))
    rows = scored_rows(work, report=report, workers=workers, **options)
    if out is None or out.suffix:  # one file (or standard output), as the local engine writes it
        write_records(rows, out, fmt)
        parts = [str(out)] if out is not None else []
    else:
        parts = write_parts(rows, out, fmt or "parquet", partition_rows)
    return RayRun(report, workers, len(work), parts,
                  round(ready - started, 2), round(time.perf_counter() - started, 2))


def write_parts(rows: Iterator[dict[str, Any]], folder: Path, fmt: str, partition_rows: int) -> list[str]:
    """Partitioned output: parts of `partition_rows` records, each written atomically into a staging
    folder that replaces `folder` at the end (a failed run leaves the old output in place)."""
    if fmt not in ("parquet", "jsonl"):
        raise InputError(f"partitioned output is parquet or jsonl, not {fmt}", path=str(folder))
    if folder.exists() and not folder.is_dir():
        raise InputError("exists and is not a folder", path=str(folder))
    staging = folder.with_name(f".{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    names: list[str] = []
    buf: list[dict[str, Any]] = []

    def flush() -> None:
        name = f"part-{len(names):05d}.{fmt}"
        write_records(iter(buf), staging / name, fmt)
        names.append(name)
        buf.clear()

    try:
        for row in rows:
            buf.append(row)
            if len(buf) >= partition_rows:
                flush()
        if buf or not names:
            flush()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return [str(folder / n) for n in names]
