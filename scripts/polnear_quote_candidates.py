"""List PolNeAR attributions whose Content span is a quote about trade or diplomacy (the reading pool
of annotations/indomain). Prints JSON lines {pool, split, file, start, end, source, cue, text} to
stdout, for reading only: nothing of it goes into the repository.

Pool A: the quote itself names a topic word; A2: its paragraph does; B: it names a candidate.
Only the first annotator's file of an article is read; PolNeAR `test` is never read.

    python scripts/polnear_quote_candidates.py [--root ../shared/datasets/polnear] > /tmp/candidates.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

TOPIC = re.compile(
    r"\b(trade|trading|tariffs?|China|Chinese|Beijing|NAFTA|TPP|Trans-Pacific|Mexic\w+|imports?|exports?|Putin|"
    r"Russia\w*|Moscow|Japan|Korea\w*|Canad\w+|currency|manufactur\w*|outsourc\w*|protectionis\w*|globali\w+|"
    r"WTO|European Union|EU|steel|overseas|offshore|allies|NATO|diploma\w+|foreign polic\w*|Brexit|tax(es)? on)\b",
    re.I)
ACTOR = re.compile(r"\b(Trump|Clinton|Hillary|Obama|Sanders|Bernie|Putin|Cruz|Rubio|Kasich|Pence|Kaine|Biden|Bush)\b")
QUOTE_MARK = re.compile(r"[“”\"]|''")
T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)")


def parse_ann(path: Path) -> tuple[dict, list[dict]]:
    """BRAT standoff: T spans {id: (label, [(start, end)], text)} and E lines {role: T id}."""
    spans, events = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = T_LINE.match(line)
        if m:
            tid, label, offsets, text = m.groups()
            spans[tid] = (label, [tuple(map(int, o.split())) for o in offsets.split(";")], text)
        elif re.match(r"^E\d+\t", line):
            events.append(dict(p.split(":") for p in line.split("\t")[1].split() if ":" in p))
    return spans, events


def candidates(root: Path, split: str):
    """Yield the candidate quote fragments of one split."""
    seen = set()
    for ann in sorted((root / split / "attributions").glob("*.ann")):
        base = re.sub(r"_[0-9a-f]{4}\.ann$", "", ann.name)
        if base in seen:
            continue
        seen.add(base)
        text_file = root / split / "text" / f"{base}.txt"
        text = text_file.read_text(encoding="utf-8")
        spans, events = parse_ann(ann)
        for e in events:
            if "Content" not in e or "Source" not in e:
                continue
            for start, end in spans[e["Content"]][1]:
                frag = text[start:end]
                if len(frag) < 30 or not QUOTE_MARK.search(frag):
                    continue
                p0 = text.rfind("\n", 0, start) + 1
                p1 = text.find("\n", end)
                para = text[p0: len(text) if p1 < 0 else p1]
                pool = "A" if TOPIC.search(frag) else "A2" if TOPIC.search(para) else "B" if ACTOR.search(frag) else None
                if pool:
                    cue = spans[e["Cue"]][2] if e.get("Cue") in spans else None
                    yield dict(pool=pool, split=split, file=text_file.name, start=start, end=end,
                               source=spans[e["Source"]][2], cue=cue, text=frag)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2] / "shared/datasets/polnear")
    args = ap.parse_args()
    for split in ("train", "dev"):
        for c in candidates(args.root, split):
            print(json.dumps(c, ensure_ascii=False))


if __name__ == "__main__":
    main()
