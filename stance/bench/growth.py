"""How extraction time grows with the quotes of one article: it must be linear.

    python -m stance.bench.growth [--sizes 10,100,1000] [--repeat 3]

Articles are generated from news-like sentences: N quotes with a speaker and a cue each, spread
over paragraphs of five quotes (`news` layout), all in one paragraph (`one paragraph`), and the
worst case of a page of bare quote marks ("He said "" repeated, `marks`). For each size it prints
seconds per article (extraction and attribution, spaCy included; best of `--repeat` runs, the
models loaded once before) and seconds per quote; linear growth keeps the per-quote figure flat,
so the last column (per-quote time relative to the smallest size) should stay near 1.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from ..cleaning import make_article
from ..pipeline import extract_article
from ..roster import load_roster
from ..nlp import load_nlp

SPEAKERS = ("Scott Bessent", "He Lifeng", "Anwar Ibrahim", "Marco Rubio", "Josh Lipsky")
SAYINGS = ("we made progress on the hard questions", "tariffs are a tax on our own families",
           "the talks were constructive and candid", "nobody wins a trade war", "we will respond firmly")


def _quote(i: int) -> str:
    return f"“{SAYINGS[i % len(SAYINGS)].capitalize()} in round {i},” {SPEAKERS[i % len(SPEAKERS)]} said."


def news(n: int) -> str:
    paras = [" ".join(_quote(j) for j in range(i, min(n, i + 5))) for i in range(0, n, 5)]
    return "Trade talks\n\n" + "\n\n".join(paras) + "\n"


def one_paragraph(n: int) -> str:
    return "Trade talks\n\n" + " ".join(_quote(i) for i in range(n)) + "\n"


def marks(n: int) -> str:
    return 'He said "' * n + "\n"


LAYOUTS: dict[str, Callable[[int], str]] = {"news": news, "one paragraph": one_paragraph, "marks": marks}


def time_article(text: str, repeat: int) -> tuple[float, int]:
    roster, nlp = load_roster(), load_nlp()
    best, found = float("inf"), 0
    for _ in range(repeat):
        art = make_article(text, source="growth", article_id="growth")
        t0 = time.perf_counter()
        found = len(extract_article(art, roster=roster, nlp=nlp))
        best = min(best, time.perf_counter() - t0)
    return best, found


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,100,1000")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    time_article(news(5), 1)  # load spaCy and warm caches before timing
    print(f"{'layout':14} {'quotes':>7} {'found':>6} {'s/article':>10} {'ms/quote':>9} {'vs smallest':>12}")
    for name, make in LAYOUTS.items():
        base = None
        for n in sizes:
            seconds, found = time_article(make(n), args.repeat)
            per = seconds / n
            base = base or per
            print(f"{name:14} {n:>7} {found:>6} {seconds:>10.3f} {1000 * per:>9.2f} {per / base:>11.2f}x")


if __name__ == "__main__":
    main()
