"""Push scored quotes to a Label Studio project and pull the reviewers' annotations back (SDK 2.x).

Push is idempotent: the tasks already in the project are read back first and mapped by
`quote_id`, so a re-run (after a failure half-way, or with a grown scores file) imports only
what is missing. Pull writes nothing unless the whole export checks out.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..config import DEFAULT_ROSTER, LS_KEY_ENV, LS_URL_ENV, env_default
from ..errors import LabelStudioError
from . import fields as F
from .config import labeling_config, read_roster
from .corrections import DEFAULT_OUT_DIR, collect
from .order import review_order
from .tasks import iter_tasks

DEFAULT_BATCH_SIZE = 100
PAGE_SIZE = 500


@contextlib.contextmanager
def translated(url: str, doing: str) -> Iterator[None]:
    """Turn the SDK's and httpx's errors into LabelStudioError saying what to do."""
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except httpx.TransportError as exc:
        raise LabelStudioError(f"cannot reach Label Studio at {url} while {doing} ({exc.__class__.__name__}: "
                               f"{exc}); is it running? (`stance ls server start`, or pass --url)") from None
    except ApiError as exc:
        if exc.status_code in (401, 403):
            raise LabelStudioError(f"Label Studio at {url} refused the API key ({exc.status_code}) while {doing}; "
                                   f"pass --api-key or set {LS_KEY_ENV} (`stance ls server status` shows it)") from None
        raise LabelStudioError(f"Label Studio at {url} answered {exc.status_code} while {doing}: "
                               f"{str(exc.body)[:500]}") from None


def connect(url: str | None = None, api_key: str | None = None) -> tuple[Any, str]:
    """A checked SDK client and its URL; url/api_key default to LABEL_STUDIO_URL/LABEL_STUDIO_API_KEY."""
    url = url or env_default(LS_URL_ENV)
    api_key = api_key or env_default(LS_KEY_ENV)
    if not url:
        raise LabelStudioError(f"no Label Studio URL: pass --url or set {LS_URL_ENV}")
    if not api_key:
        raise LabelStudioError(f"no Label Studio API key: pass --api-key or set {LS_KEY_ENV}")
    from label_studio_sdk import LabelStudio

    client = LabelStudio(base_url=url, api_key=api_key, timeout=120)
    with translated(url, "checking the API key"):
        client.users.whoami(request_options={"max_retries": 0})  # fail fast: no server, no retry
    return client, url


def find_project(client: Any, url: str, title: str) -> Any | None:
    """The project titled exactly `title`, or None."""
    with translated(url, f"looking up project {title!r}"):
        matches = [p for p in client.projects.list(title=title) if p.title == title]
    if len(matches) > 1:
        raise LabelStudioError(f"{len(matches)} projects are titled {title!r}; rename all but one")
    return matches[0] if matches else None


def ensure_project(client: Any, url: str, title: str, roster: list[str]) -> tuple[Any, bool]:
    """The project titled `title` (created with our labeling config when missing), and whether it is new."""
    project = find_project(client, url, title)
    if project is None:
        with translated(url, f"creating project {title!r}"):
            # Uncertainty sampling serves the lowest prediction score (the least certain quote) first.
            return client.projects.create(title=title, label_config=labeling_config(roster),
                                          sampling="Uncertainty sampling", show_collab_predictions=True), True
    config = project.label_config or ""
    if F.stance_field("{{idx}}") not in config or f'name="{F.SENTIMENT}"' not in config:
        raise LabelStudioError(f"project {title!r} exists with another labeling config; "
                               "pass another --project name")
    return project, False


def existing_tasks(client: Any, url: str, project_id: int) -> dict[str, int]:
    """quote_id -> task id for the tasks already in the project."""
    found: dict[str, int] = {}
    with translated(url, "reading the project's tasks"):
        for task in client.tasks.list(project=project_id, fields="task_only", page_size=PAGE_SIZE):
            quote_id = (task.data or {}).get("quote_id")
            if quote_id:
                found.setdefault(quote_id, task.id)
    return found


def push(scores_path: Path, *, project: str, url: str | None = None, api_key: str | None = None,
         batch_size: int = DEFAULT_BATCH_SIZE, roster: Path = DEFAULT_ROSTER,
         include_duplicates: bool = False) -> dict[str, Any]:
    """Import the scored quotes missing from `project` (created if needed), in batches.

    Returns {project_id, project, created, tasks, existing, imported, batches}.
    """
    if batch_size < 1:
        raise LabelStudioError(f"batch size must be at least 1, got {batch_size}")
    names = read_roster(roster)
    tasks = list(iter_tasks(Path(scores_path), names, include_duplicates=include_duplicates))  # checked first
    client, url = connect(url, api_key)
    proj, created = ensure_project(client, url, project, names)
    existing = existing_tasks(client, url, proj.id)
    todo = [t for t in tasks if t["data"]["quote_id"] not in existing]
    batches = 0
    for start in range(0, len(todo), batch_size):
        batch = todo[start:start + batch_size]
        with translated(url, f"importing tasks {start}..{start + len(batch)} of {len(todo)}"):
            client.projects.import_tasks(proj.id, request=batch, return_task_ids=True)
        batches += 1
    return {"project_id": proj.id, "project": project, "created": created, "tasks": len(tasks),
            "existing": len(tasks) - len(todo), "imported": len(todo), "batches": batches}


def _plain(obj: Any) -> Any:
    return obj.model_dump(mode="json") if hasattr(obj, "model_dump") else obj


def fetch_export(client: Any, url: str, project_id: int) -> list[dict[str, Any]]:
    """The project's JSON export, with each task's predictions as objects (the export lists ids)."""
    with translated(url, "exporting annotations"):
        raw = b"".join(client.projects.exports.download_sync(project_id, export_type="JSON"))
        predictions = {t.id: [_plain(p) for p in t.predictions or []]
                       for t in client.tasks.list(project=project_id, fields="all", page_size=PAGE_SIZE)}
    try:
        tasks = json.loads(raw)
    except ValueError as exc:
        raise LabelStudioError(f"Label Studio at {url} sent an export that is not JSON ({exc})") from None
    if not isinstance(tasks, list):
        raise LabelStudioError(f"Label Studio at {url} sent an export that is not a list of tasks")
    for task in tasks:
        if isinstance(task, dict) and task.get("id") in predictions:
            task["predictions"] = predictions[task["id"]]
    return tasks


def pull(*, project: str, url: str | None = None, api_key: str | None = None,
         out_dir: Path = DEFAULT_OUT_DIR, roster: Path = DEFAULT_ROSTER, fix_speakers: bool = True) -> dict[str, Any]:
    """Export `project`'s annotations, check and resolve them, write annotations/<project>-<time>.json.

    Returns the report of `corrections.collect` (file, correction rates, confusion, alpha).
    """
    client, url = connect(url, api_key)
    proj = find_project(client, url, project)
    if proj is None:
        raise LabelStudioError(f"no project titled {project!r} at {url}; push to it first")
    tasks = fetch_export(client, url, proj.id)
    report = collect(tasks, source=f"{url} project {project!r}", stem=project, out_dir=out_dir, roster=roster,
                     fix_speakers=fix_speakers)
    with translated(url, "writing the review order"):
        report["review_order"] = review_order(client, proj.id, tasks)
    return report
