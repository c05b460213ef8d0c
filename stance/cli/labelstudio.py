"""`stance ls ...`: the Label Studio server, the labeling config, tasks out, annotations back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..config import DEFAULT_ROSTER, LS_KEY_ENV, LS_URL_ENV
from ..errors import StanceError
from .common import app, fail

ls_app = typer.Typer(help="Label Studio: server, config, export, push, pull.", no_args_is_help=True)
server_app = typer.Typer(help="A local Label Studio server in its own virtual environment.", no_args_is_help=True)
app.add_typer(ls_app, name="ls")
ls_app.add_typer(server_app, name="server")

URL = typer.Option(None, "--url", envvar=LS_URL_ENV, help=f"Label Studio URL (default: ${LS_URL_ENV}).",
                   show_envvar=False)
KEY = typer.Option(None, "--api-key", envvar=LS_KEY_ENV, help=f"API key (default: ${LS_KEY_ENV}).",
                   show_envvar=False)
ROSTER = typer.Option(DEFAULT_ROSTER, "--roster", help="Speaker roster YAML.")
DATA_DIR = typer.Option(None, "--data-dir", help="Server data folder (default: ~/.local/share/stance/labelstudio).")
DUPES = typer.Option(False, "--include-duplicates", help="Also send syndicated copies (left out by default).")


@server_app.command("start")
def server_start(
    data_dir: Optional[Path] = DATA_DIR,
    port: int = typer.Option(8080, "--port", help="Port on 127.0.0.1."),
    venv: Optional[Path] = typer.Option(None, "--venv", help="Virtual environment for Label Studio."),
    timeout: float = typer.Option(180.0, "--timeout", help="Seconds to wait for /health."),
) -> None:
    """Install (first time) and start Label Studio on 127.0.0.1."""
    from ..labelstudio.server import start_server

    try:
        state = start_server(data_dir=data_dir, port=port, venv=venv, timeout=timeout)
    except StanceError as exc:
        fail(exc)
    from ..labelstudio.server import STATE_FILE, default_data_dir

    folder = Path(data_dir or default_data_dir()).absolute()
    typer.echo(f"Label Studio runs at {state['url']} (pid {state['pid']}). Log in as {state['user']}; the "
               f"password is the 'password' field of {folder / STATE_FILE}", err=True)
    typer.echo(f"export {LS_URL_ENV}={state['url']}\nexport {LS_KEY_ENV}={state['token']}")


@server_app.command("stop")
def server_stop(data_dir: Optional[Path] = DATA_DIR) -> None:
    """Stop the server started by `stance ls server start`."""
    from ..labelstudio.server import stop_server

    typer.echo("stopped" if stop_server(data_dir=data_dir) else "no server was running")


@server_app.command("status")
def server_status_cmd(data_dir: Optional[Path] = DATA_DIR) -> None:
    """Say whether the server runs and answers, and where."""
    from ..labelstudio.server import server_status

    status = server_status(data_dir=data_dir)
    typer.echo(json.dumps({k: v for k, v in status.items() if k != "password"}, indent=2))
    if not status.get("running"):
        raise typer.Exit(1)


@ls_app.command("config")
def config_cmd(
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the XML here (default: stdout)."),
    roster: Path = ROSTER,
) -> None:
    """Write the labeling config (speaker, stance per target, sentiment)."""
    from ..labelstudio.config import labeling_config, read_roster, write_config

    try:
        if output is None:
            typer.echo(labeling_config(read_roster(roster)))
        else:
            write_config(output, roster=roster)
            typer.echo(str(output), err=True)
    except StanceError as exc:
        fail(exc)


@ls_app.command("export")
def export_cmd(
    scores: Path = typer.Argument(..., metavar="SCORES", help="A scores file written by `stance score`."),
    output: Path = typer.Option(..., "-o", "--output", help="Label Studio import JSON."),
    roster: Path = ROSTER,
    include_duplicates: bool = DUPES,
) -> None:
    """Scored quotes as Label Studio tasks with pre-annotations."""
    from ..labelstudio.tasks import export_tasks

    try:
        n = export_tasks(scores, output, roster=roster, include_duplicates=include_duplicates)
    except StanceError as exc:
        fail(exc)
    typer.echo(f"{n} task(s) written to {output}", err=True)


@ls_app.command("push")
def push_cmd(
    scores: Path = typer.Argument(..., metavar="SCORES", help="A scores file written by `stance score`."),
    project: str = typer.Option(..., "--project", help="Project title (created if missing)."),
    url: Optional[str] = URL,
    api_key: Optional[str] = KEY,
    batch_size: int = typer.Option(100, "--batch-size", help="Tasks per import request."),
    roster: Path = ROSTER,
    include_duplicates: bool = DUPES,
    backend: Optional[str] = typer.Option(None, "--backend", metavar="URL",
                                          help="Also connect this ML backend (`stance ls backend`) to the project."),
) -> None:
    """Import scored quotes into a project; safe to re-run (no duplicates)."""
    from ..labelstudio.backend import attach
    from ..labelstudio.client import push

    try:
        result = push(scores, project=project, url=url, api_key=api_key, batch_size=batch_size, roster=roster,
                      include_duplicates=include_duplicates)
        if backend:
            result["backend"] = attach(project, backend, url=url, api_key=api_key)
    except StanceError as exc:
        fail(exc)
    typer.echo(json.dumps(result))


@ls_app.command("connect")
def connect_cmd(
    project: str = typer.Option(..., "--project", help="Project title."),
    backend: str = typer.Option("http://127.0.0.1:9090", "--backend", metavar="URL", help="The ML backend's address."),
    url: Optional[str] = URL,
    api_key: Optional[str] = KEY,
) -> None:
    """Connect an ML backend to a project: predictions on demand, annotation events for retraining."""
    from ..labelstudio.backend import attach

    try:
        typer.echo(json.dumps(attach(project, backend, url=url, api_key=api_key)))
    except StanceError as exc:
        fail(exc)


@ls_app.command("backend")
def backend_cmd(
    port: int = typer.Option(9090, "--port", help="Port on 127.0.0.1."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    model: Optional[Path] = typer.Option(None, "--model", help="Model folder (default: the promoted model, else the "
                                                               "shipped one)."),
    retrain_every: int = typer.Option(20, "--retrain-every", metavar="N",
                                      help="Retrain after this many new or updated annotations."),
    set_: list[str] = typer.Option([], "--set", help="Training override for retrains (repeatable), e.g. "
                                                     "--set retrain.epochs=1."),
    url: Optional[str] = URL,
    api_key: Optional[str] = KEY,
    roster: Path = ROSTER,
) -> None:
    """Serve the model to Label Studio as an ML backend (predict, setup, health, webhook, train)."""
    import time

    from ..labelstudio.backend import Backend, serve
    from ..training import parse_sets

    try:
        backend = Backend(model=model, url=url, api_key=api_key, roster=roster, retrain_every=retrain_every,
                          overrides=parse_sets(set_), log=lambda m: typer.echo(m, err=True))
        server = serve(backend, host=host, port=port)
    except (StanceError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"ML backend for Label Studio at http://{host}:{server.server_address[1]} serving "
               f"{backend.model_version}; connect it with: stance ls connect --project NAME --backend "
               f"http://{host}:{server.server_address[1]}", err=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


@ls_app.command("pull")
def pull_cmd(
    project: Optional[str] = typer.Option(None, "--project", help="Project title to export from the server."),
    from_file: Optional[Path] = typer.Option(None, "--from-file", help="An export downloaded from the web page."),
    output: Path = typer.Option(Path("annotations"), "-o", "--output", help="Folder for the versioned file."),
    url: Optional[str] = URL,
    api_key: Optional[str] = KEY,
    roster: Path = ROSTER,
    fix_speakers: bool = typer.Option(True, "--fix-speakers/--no-fix-speakers",
                                      help="Write speaker corrections to fixed_attributions.jsonl."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole report as JSON."),
) -> None:
    """Fetch corrected annotations, with correction rates."""
    from ..labelstudio.client import pull
    from ..labelstudio.corrections import pull_file
    from ..labelstudio.metrics import format_report

    if (project is None) == (from_file is None):
        typer.echo("error: give exactly one of --project NAME or --from-file EXPORT.json", err=True)
        raise typer.Exit(2)
    try:
        if from_file is not None:
            report = pull_file(from_file, output, roster=roster, fix_speakers=fix_speakers)
        else:
            report = pull(project=project, url=url, api_key=api_key, out_dir=output, roster=roster,
                          fix_speakers=fix_speakers)
    except StanceError as exc:
        fail(exc)
    typer.echo(json.dumps(report, indent=2, default=str) if as_json else format_report(report))
