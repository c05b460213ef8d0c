"""The model live inside Label Studio: an ML backend (`stance ls backend`).

Label Studio's ML backend protocol, served with the standard library's threaded HTTP server on
127.0.0.1 (no web framework to keep up to date):
- `GET /health` (and `/`): {"status": "UP", "model_version", "training"};
- `POST /setup`: {"model_version"} (Label Studio calls it when the backend is connected);
- `POST /predict` {"tasks": [...]}: {"results": [one prediction per task], "model_version"}; each
  prediction has the result format of `stance ls export` (speaker, stance per target of the task's
  `targets`, gated by the route's relevance threshold, sentiment), `score` = 1 - uncertainty and
  `model_version`; a task created in the web page with only `text` gets its targets' routes from
  its own text and paragraph;
- `POST /webhook` (annotation events, and START_TRAINING) and `POST /train`: training from the
  loop. Every `retrain_every` new or updated annotations (or on START_TRAINING / /train) one
  retrain runs in the background: the project's annotations are exported through the SDK
  (`client.fetch_export` -> `corrections.collect`), `stance.training.train(annotations=...)`
  fine-tunes the served model and promotes it only when it is not worse; a promoted model is
  then served (its `model_version` is what Label Studio shows). One retrain at a time; events
  during a retrain count toward the next. A failed retrain is logged and the old model serves on.
- `GET /is_training`: {"is_training", "last"} (the last retrain's outcome).

The backend reads annotations with the Label Studio token (`--api-key` / LABEL_STUDIO_API_KEY);
it never prints or logs it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..config import DEFAULT_ROSTER
from ..errors import StanceError
from ..model import Pair, StanceModel, current_model_path, default_model_path, load_model
from ..routes import article_view, routes
from ..scoring import is_topic, labelled, stance_entry
from ..targets import TargetConfig, load_targets
from .config import read_roster
from .tasks import prediction_result, uncertainty

ANNOTATION_EVENTS = ("ANNOTATION_CREATED", "ANNOTATIONS_CREATED", "ANNOTATION_UPDATED")
TRAIN_EVENTS = ("START_TRAINING",)
DEFAULT_PORT = 9090
DEFAULT_RETRAIN_EVERY = 20


class Backend:
    """The served model, its predictions and the debounced retrain."""

    def __init__(self, *, model: str | Path | None = None, url: str | None = None, api_key: str | None = None,
                 roster: Path = DEFAULT_ROSTER, targets: TargetConfig | None = None,
                 retrain_every: int = DEFAULT_RETRAIN_EVERY, overrides: dict[str, Any] | None = None,
                 work_dir: Path | None = None, log: Callable[[str], None] = print) -> None:
        self.model: StanceModel = load_model(model)  # a broken folder: ModelError before anything serves
        self.base = Path(model) if model else default_model_path()  # what a retrain fine-tunes
        self.url, self.api_key = url, api_key
        self.roster = read_roster(roster)
        self.roster_path = roster
        self.targets = targets or load_targets()
        self.model.targets = self.targets
        self.retrain_every = max(1, retrain_every)
        self.overrides = dict(overrides or {})
        self.work_dir = Path(work_dir) if work_dir else default_model_path().parent / "backend"
        self.log = log
        self.pending: dict[int, int] = {}  # project id -> annotation events since its last retrain
        self.lock = threading.Lock()  # guards model swaps and the training state
        self.thread: threading.Thread | None = None
        self.last: dict[str, Any] = {"status": "none yet"}

    @property
    def model_version(self) -> str:
        return self.model.model_version

    @property
    def training(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    # --- predictions -----------------------------------------------------------------------
    def predict(self, tasks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """One prediction per task, in order (a task without text gets an empty result)."""
        model = self.model  # one model for the whole request, even if a retrain swaps it meanwhile
        return [self._predict_one(model, task) for task in tasks]

    def _predict_one(self, model: StanceModel, task: dict[str, Any]) -> dict[str, Any]:
        data = task.get("data") or {}
        text, context = str(data.get("text") or ""), str(data.get("context") or "")
        speaker = str(data.get("speaker") or "") or None
        if not text.strip():
            return {"result": [], "score": 0.0, "model_version": model.model_version}
        names = [str(t.get("name")) for t in data.get("targets") or [] if isinstance(t, dict) and t.get("name")]
        view = article_view(self.targets, [speaker] if speaker else [], [context])
        via = routes(self.targets, names, text=text, context=context, speaker=speaker, view=view)
        preds = model.predict([Pair(text, t, speaker, context or None) for t in names or [""]])
        record = {"speaker": speaker, "model_version": model.model_version,
                  "stance": {t: stance_entry(p.stance, via.get(t, "extra"), model, topic=is_topic(self.targets, t))
                             for t, p in zip(names, preds)},
                  "sentiment": labelled(preds[0].sentiment)}
        return {"result": prediction_result(record, self.roster), "score": round(1.0 - uncertainty(record), 6),
                "model_version": model.model_version}

    # --- training from the loop ------------------------------------------------------------
    def event(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """An annotation event counts toward the next retrain of its project; START_TRAINING starts one."""
        project = _project_id(payload)
        if action in TRAIN_EVENTS:
            return {"started": self.start_training(project), "training": self.training}
        if action not in ANNOTATION_EVENTS or project is None:
            return {"ignored": action}
        with self.lock:
            self.pending[project] = self.pending.get(project, 0) + 1
            due = self.pending[project] >= self.retrain_every
        started = self.start_training(project) if due else False
        return {"pending": self.pending.get(project, 0), "started": started, "training": self.training}

    def start_training(self, project: int | None) -> bool:
        """Start one background retrain on `project`'s annotations; False if one is running."""
        if project is None:
            return False
        with self.lock:
            if self.training:
                return False
            self.pending[project] = 0
            self.thread = threading.Thread(target=self._retrain, args=(project,), name="stance-retrain", daemon=True)
            self.thread.start()
        return True

    def _retrain(self, project: int) -> None:
        from ..training import train
        from .client import connect, fetch_export
        from .corrections import collect

        started = time.time()
        try:
            client, url = connect(self.url, self.api_key)
            tasks = fetch_export(client, url, project)
            out = self.work_dir / f"project-{project}"
            report = collect(tasks, source=f"{url} project {project}", stem=f"project-{project}", out_dir=out,
                             roster=self.roster_path, fix_speakers=False)
            if not report.get("annotated"):
                raise StanceError(f"project {project} has no usable annotations yet")
            result = train(overrides=self.overrides, annotations=[report["file"]], base=self.base,
                           output_dir=out / "runs", log=lambda m: self.log(f"retrain: {m}"))
            if result.promoted:
                new = load_model(current_model_path())
                new.targets = self.targets
                with self.lock:
                    self.model, self.base = new, current_model_path()
            self.last = {"status": "promoted" if result.promoted else "not promoted", "project": project,
                         "model_version": result.model_version, "serving": self.model_version,
                         "seconds": round(time.time() - started, 1)}
        except Exception as exc:  # noqa: BLE001  (a failed retrain must never stop the serving model)
            self.last = {"status": "failed", "project": project, "error": f"{type(exc).__name__}: {exc}",
                         "serving": self.model_version, "seconds": round(time.time() - started, 1)}
        self.log(f"retrain: {json.dumps(self.last)}")

    def health(self) -> dict[str, Any]:
        return {"status": "UP", "model_version": self.model_version, "training": self.training}


def _project_id(payload: dict[str, Any]) -> int | None:
    """The project id of a webhook / train payload: {"project": {"id": 3}} or {"project": 3} or "3.1699..."."""
    project = payload.get("project")
    if isinstance(project, dict):
        project = project.get("id")
    if project is None and isinstance(payload.get("task"), dict):
        project = payload["task"].get("project")
    try:
        return int(str(project).split(".")[0]) if project is not None else None
    except ValueError:
        return None


def make_handler(backend: Backend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "stance-ml-backend"

        def log_message(self, fmt: str, *args: Any) -> None:  # requests are not logged (no tokens in logs)
            pass

        def _send(self, status: int, body: Any) -> None:
            raw = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            data = json.loads(self.rfile.read(length) or b"{}") if length else {}
            return data if isinstance(data, dict) else {}

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?")[0].rstrip("/")
            if path in ("", "/health"):
                self._send(200, backend.health())
            elif path == "/is_training":
                self._send(200, {"is_training": backend.training, "last": backend.last})
            elif path == "/metrics":
                self._send(200, {})
            else:
                self._send(404, {"error": f"no such endpoint {path}"})

        def do_POST(self) -> None:  # noqa: N802
            path = self.path.split("?")[0].rstrip("/")
            try:
                body = self._body()
            except ValueError as exc:
                self._send(400, {"error": f"the request body is not JSON ({exc})"})
                return
            try:
                if path == "/setup":
                    self._send(200, {"model_version": backend.model_version})
                elif path == "/predict":
                    tasks = body.get("tasks") or []
                    self._send(200, {"results": backend.predict(tasks), "model_version": backend.model_version})
                elif path == "/webhook":
                    self._send(201, backend.event(str(body.get("action") or ""), body))
                elif path == "/train":
                    self._send(201, {"started": backend.start_training(_project_id(body)), "training": backend.training})
                else:
                    self._send(404, {"error": f"no such endpoint {path}"})
            except Exception as exc:  # noqa: BLE001  (answer Label Studio with the reason, keep serving)
                self._send(500, {"error": f"{type(exc).__name__}: {exc}"})

    return Handler


def serve(backend: Backend, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """A started server (in a daemon thread); `shutdown()` stops it."""
    server = ThreadingHTTPServer((host, port), make_handler(backend))
    threading.Thread(target=server.serve_forever, name="stance-ml-backend", daemon=True).start()
    return server


def attach(project: str, backend_url: str, *, url: str | None = None, api_key: str | None = None) -> dict[str, Any]:
    """Connect the backend to a project: as its ML backend (interactive pre-annotation) and as the
    target of its annotation webhooks. Safe to re-run (existing links are kept)."""
    from .client import connect, find_project, translated

    client, url = connect(url, api_key)
    proj = find_project(client, url, project)
    if proj is None:
        raise StanceError(f"no project titled {project!r} at {url}; push to it first")
    backend_url = backend_url.rstrip("/")
    with translated(url, "connecting the ML backend"):
        ml = next((m for m in client.ml.list(project=proj.id) if (m.url or "").rstrip("/") == backend_url), None)
        created_ml = ml is None
        if ml is None:
            ml = client.ml.create(project=proj.id, url=backend_url, title="stance", is_interactive=True)
        if not getattr(proj, "evaluate_predictions_automatically", False):  # predict a task when it is opened
            client.projects.update(id=proj.id, evaluate_predictions_automatically=True)
        hook_url = f"{backend_url}/webhook"
        hook = next((h for h in client.webhooks.list(project=proj.id) if (h.url or "") == hook_url), None)
        if hook is None:
            hook = client.webhooks.create(url=hook_url, project=proj.id, send_payload=True, send_for_all_actions=False,
                                          actions=list(ANNOTATION_EVENTS))
    return {"project_id": proj.id, "ml_backend_id": ml.id, "created": created_ml, "webhook_id": hook.id}
