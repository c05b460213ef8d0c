"""Back from Label Studio: check an export, keep the annotations that count, write a versioned
copy under `annotations/`, and turn speaker corrections into fixed attributions and alias hints.

Everything is checked before anything is written; each file is written atomically.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import yaml

from .. import annotations as A
from ..config import DEFAULT_ROSTER
from ..errors import ConfigError, LabelStudioError
from ..io import atomic_open, read_jsonl
from .metrics import correction_report
from .rounds import record_round

DEFAULT_OUT_DIR = Path("annotations")
FIXED_ATTRIBUTIONS = "fixed_attributions.jsonl"
PRONOUNS = frozenset("i you he she it we they him her them his hers its our their this that who".split())


def check_tasks(tasks: list[dict[str, Any]], *, source: str) -> None:
    """Resolve every task once so a malformed export fails before anything is written."""
    for index, task in enumerate(tasks):
        where = f"task {index}"
        A.resolve_task(task, where=where, path=source)
        A.predicted_labels(task, where=where, path=source)
        if A.kept_annotations(task) and not task["data"].get("quote_id"):
            raise LabelStudioError(f"{where}: data.quote_id is missing; was this project filled by "
                                     "`stance ls push`?", path=source)


def clean_tasks(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Annotated tasks with only the annotations that count (not cancelled, each annotator's latest)."""
    cleaned = []
    for task in tasks:
        kept = A.kept_annotations(task)
        if kept:
            cleaned.append({**task, "annotations": kept})
    return cleaned


def versioned_path(out_dir: Path, stem: str) -> Path:
    """annotations/<stem>-<UTC time>.json, never an existing file."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower() or "export"
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = Path(out_dir) / f"{slug}-{stamp}.json"
    n = 1
    while path.exists():
        n += 1
        path = Path(out_dir) / f"{slug}-{stamp}-{n}.json"
    return path


def read_aliases(roster: Path) -> dict[str, set[str]]:
    """Roster name -> its known names (name and aliases), lower-cased; {} when there is no roster."""
    if not Path(roster).exists():
        return {}
    doc = yaml.safe_load(Path(roster).read_text(encoding="utf-8")) or {}
    if not isinstance(doc, dict) or not isinstance(doc.get("speakers"), list):
        raise ConfigError("roster must have a `speakers:` list", path=str(roster))
    known: dict[str, set[str]] = {}
    for entry in doc["speakers"]:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            names = {entry["name"], *(a for a in entry.get("aliases") or [] if isinstance(a, str))}
            known[entry["name"]] = {n.lower() for n in names}
    return known


def speaker_corrections(tasks: list[dict[str, Any]], *, roster: Path = DEFAULT_ROSTER) -> dict[str, Any]:
    """Corrected speakers as fixed attributions ({quote_id, speaker, previous, mention}) and, when the
    new speaker is on the roster and the mention in the text is a name it does not know yet, as
    alias suggestions ({name, alias, quote_id})."""
    known = read_aliases(roster)
    all_known = set().union(*known.values()) if known else set()
    fixed, aliases = [], []
    for task in tasks:
        resolved = A.resolve_task(task)
        data = task["data"]
        extracted = data.get("speaker") or None
        if resolved is None or not resolved["speaker"] or resolved["speaker"] == extracted:
            continue
        mention = (data.get("speaker_mention") or "").strip()
        fixed.append({"quote_id": data["quote_id"], "speaker": resolved["speaker"], "previous": extracted,
                      "mention": mention or None})
        name = resolved["speaker"]
        if name in known and _is_name(mention) and mention.lower() not in all_known:
            aliases.append({"name": name, "alias": mention, "quote_id": data["quote_id"]})
    return {"fixed": fixed, "aliases": aliases}


def _is_name(mention: str) -> bool:
    return len(mention) > 1 and mention[0].isupper() and mention.lower() not in PRONOUNS


def write_fixed_attributions(fixed: list[dict[str, Any]], out_dir: Path) -> Path:
    """Merge into out_dir/fixed_attributions.jsonl (one {quote_id, speaker, ...} per line; newest wins)."""
    path = Path(out_dir) / FIXED_ATTRIBUTIONS
    rows = {row["quote_id"]: row for _, row in read_jsonl(path)} if path.exists() else {}
    rows.update({row["quote_id"]: row for row in fixed})
    with atomic_open(path) as fh:
        for quote_id in sorted(rows):
            fh.write(json.dumps(rows[quote_id], ensure_ascii=False) + "\n")
    return path


def collect(tasks: list[dict[str, Any]], *, source: str, stem: str, out_dir: Path = DEFAULT_OUT_DIR,
            roster: Path = DEFAULT_ROSTER, fix_speakers: bool = True) -> dict[str, Any]:
    """Check, clean and write an export; returns the report (file, counts, corrections, agreement)."""
    check_tasks(tasks, source=source)
    cleaned = clean_tasks(tasks)
    given = sum(len(t.get("annotations") or []) for t in tasks)
    kept = sum(len(t["annotations"]) for t in cleaned)
    speakers = speaker_corrections(cleaned, roster=roster)
    path = versioned_path(out_dir, stem)
    with atomic_open(path) as fh:
        json.dump(cleaned, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    fixed_path = write_fixed_attributions(speakers["fixed"], out_dir) if fix_speakers and speakers["fixed"] else None
    report = correction_report(cleaned)
    return {"file": str(path), "annotations_dropped": given - kept, "fixed_attributions": len(speakers["fixed"]),
            "fixed_attributions_file": str(fixed_path) if fixed_path else None,
            "alias_suggestions": speakers["aliases"], **report,
            "round": record_round(cleaned, report, out_dir=out_dir, stem=stem)}


def pull_file(export_path: Path, out_dir: Path = DEFAULT_OUT_DIR, *, roster: Path = DEFAULT_ROSTER,
              fix_speakers: bool = True) -> dict[str, Any]:
    """`stance ls pull --from-file`: an export downloaded from the web page, handled as a pull."""
    tasks = A.read_export(Path(export_path))
    return collect(tasks, source=str(export_path), stem=Path(export_path).stem, out_dir=out_dir,
                   roster=roster, fix_speakers=fix_speakers)
