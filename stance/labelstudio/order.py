"""Review order: where reviewers disagree first, then where the model is least sure.

Every task carries `data.uncertainty` from the push (`stance.labelstudio.tasks`). After each pull,
`review_order` writes `data.disagreement` into the tasks that two or more reviewers labelled (the
share of annotator pairs that differ, averaged over the task's fields: speaker, each target's
stance, sentiment) and keeps a data-manager tab, "review order", sorted by disagreement, then
uncertainty, both highest first. Tasks nobody labelled twice have disagreement 0 (set at push).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

from .. import annotations as A

VIEW_TITLE = "review order"
ORDERING = ["-tasks:data.disagreement", "-tasks:data.uncertainty"]


def disagreement(task: dict[str, Any]) -> float | None:
    """Mean over the task's fields of the share of annotator pairs that give different values
    (None: fewer than two kept annotations)."""
    targets = A.task_targets(task)
    parsed = [A.parse_result(a.get("result") or [], n_targets=len(targets)) for a in A.kept_annotations(task)]
    if len(parsed) < 2:
        return None
    shares = []
    for name in sorted({k for p in parsed for k in p}):
        values = [p[name] for p in parsed if name in p]
        pairs = list(combinations(values, 2))
        if pairs:
            shares.append(sum(a != b for a, b in pairs) / len(pairs))
    return round(sum(shares) / len(shares), 4) if shares else 0.0


def review_order(client: Any, project_id: int, tasks: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Write each multi-reviewer task's disagreement into its data (only where it changed) and
    make sure the "review order" tab exists with its ordering. Returns what it did."""
    updated = 0
    top: list[tuple[float, str]] = []
    for task in tasks:
        value = disagreement(task)
        if value is None:
            continue
        data = dict(task.get("data") or {})
        top.append((value, str(data.get("quote_id") or task.get("id"))))
        if data.get("disagreement") != value and task.get("id") is not None:
            data["disagreement"] = value
            client.tasks.update(id=str(task["id"]), data=data)
            updated += 1
    view = next((v for v in client.views.list(project=project_id)
                 if (getattr(v, "data", None) or {}).get("title") == VIEW_TITLE), None)
    body = {"title": VIEW_TITLE, "ordering": ORDERING}
    if view is None:
        view = client.views.create(project=project_id, data=body)
    elif (view.data or {}).get("ordering") != ORDERING:
        view = client.views.update(id=str(view.id), project=project_id, data={**view.data, **body})
    top.sort(reverse=True)
    return {"tasks_updated": updated, "view_id": view.id, "most_disputed": [q for v, q in top[:5] if v > 0]}
