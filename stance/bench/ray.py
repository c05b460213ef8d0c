"""The Ray engine beside the local one: articles/s on the same articles, in one run.

    python -m stance.bench.ray [--articles 1000] [--workers 1,2] [--address ADDR]

Scores the same generated news articles (JSON lines; see `generate`) with the local engine
(`stance.scoring.score_paths`, this process) and with the Ray engine (`stance.distributed`) for
each worker count, checks that the Ray records equal the local ones (ids, speakers, labels,
duplicate links), and prints articles/s and quotes/s. Ray's overhead is printed apart: starting
the runtime, and the time to the first row (workers loading spaCy and the model).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

SPEAKERS = (("Marco Rubio", "US Secretary of State Marco Rubio", "Rubio"),
            ("Wang Yi", "Chinese Foreign Minister Wang Yi", "Wang"),
            ("Anwar Ibrahim", "Malaysian Prime Minister Anwar Ibrahim", "Anwar"),
            ("Donald Trump", "President Donald Trump", "Trump"),
            ("Pete Hegseth", "Defense Secretary Pete Hegseth", "Hegseth"))
CLAIMS = ("the tariffs will protect American workers", "these tariffs hurt farmers on both sides",
          "China has been a reliable partner in the region", "Washington keeps bullying smaller economies",
          "ASEAN will not take sides in this trade war", "the talks were constructive and we will meet again",
          "the new duties are a tax on families", "Beijing must stop dumping cheap steel",
          "free trade has served Malaysia well for decades", "we will answer every tariff with our own")
PLACES = ("Kuala Lumpur", "Washington", "Beijing", "Busan", "Singapore")


def generate(n: int, *, seed: int = 7) -> list[dict]:
    """`n` short news articles (id, title, date, url, text): two or three quoted speakers each; about
    one in ten repeats an earlier article's quote word for word (a syndicated copy)."""
    rng = random.Random(seed)
    out, said = [], []
    for i in range(n):
        earlier = list(said)
        place = rng.choice(PLACES)
        people = rng.sample(SPEAKERS, rng.choice((2, 3)))
        paras = [f"{place} trade talks, day {i % 30 + 1}"]
        for name, full, short in people:
            if earlier and rng.random() < 0.1:
                who, words = rng.choice(earlier)
                name, full, short = next(s for s in SPEAKERS if s[0] == who)
            else:
                first = rng.choice(CLAIMS)
                words = f"{first[0].upper()}{first[1:]}, and {rng.choice(CLAIMS)} ({i})"
                said.append((name, words))
            paras.append(f"\u201c{words},\u201d {full} told reporters in {place} on Friday.")
            paras.append(f"{short} said round {i} would follow \u201cas soon as both sides are ready.\u201d")
        out.append({"id": f"gen-{i:05d}", "title": paras[0], "date": f"2025-07-{i % 28 + 1:02d}",
                    "url": f"https://news.example/{i}", "text": "\n\n".join(paras)})
    return out


def write_jsonl(articles: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return path


def same_records(a: list[dict], b: list[dict]) -> bool:
    """Ids, speakers, duplicate links and every label equal, in the same order."""
    def key(r: dict) -> tuple:
        return (r["id"], r.get("speaker"), r.get("duplicate_of"),
                tuple((t, h["label"], h.get("via")) for t, h in (r.get("stance") or {}).items()),
                (r.get("sentiment") or {}).get("label"))
    return [key(r) for r in a] == [key(r) for r in b]


def main(argv: list[str] | None = None) -> None:
    from ..distributed import score_ray, start
    from ..report import read_scores
    from ..scoring import score_paths

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    ap.add_argument("--address", default=None, help="a Ray cluster to join (default: a local runtime)")
    args = ap.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="stance-bench-ray-"))
    src = write_jsonl(generate(args.articles), folder / "articles.jsonl")
    rows = []
    t = time.perf_counter()
    report = score_paths([src], folder / "local.jsonl", progress=False)
    local_s = time.perf_counter() - t
    local = list(read_scores(folder / "local.jsonl"))
    rows.append(("local engine (this process)", local_s, report.read, report.quotes, "-", "-", "-"))
    started = time.perf_counter()
    start(args.address, max(int(w) for w in args.workers.split(",")))
    ray_start = time.perf_counter() - started
    for w in (int(x) for x in args.workers.split(",")):
        out = folder / f"ray-{w}"
        run = score_ray([src], out, workers=w)
        got = list(read_scores(out))
        rows.append((f"ray engine, {w} worker(s)", run.seconds_total, run.report.read, run.report.quotes,
                     f"{ray_start:.1f}", "yes" if same_records(got, local) else "NO", len(run.parts)))
    print(f"{args.articles} generated articles ({folder}), one run\n")
    print(f"{'engine':30}{'seconds':>9}{'articles/s':>12}{'quotes/s':>10}{'ray start s':>13}{'= local':>9}{'parts':>7}")
    for name, s, n_art, n_q, rs, same, parts in rows:
        print(f"{name:30}{s:9.1f}{n_art / s:12.2f}{n_q / s:10.1f}{rs:>13}{same:>9}{parts!s:>7}")


if __name__ == "__main__":
    main()
