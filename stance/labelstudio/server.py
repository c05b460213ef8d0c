"""A local Label Studio server: installed in its own virtual environment, run on 127.0.0.1 only.

Label Studio pins Django and friends that clash with this project's own pins, so it lives in a
separate venv (created on first use). The server keeps SQLite and media under `data_dir`, gets a
user and a legacy API token non-interactively, and writes `server.json` there so `stop` and
`status` find it again. Update checks and analytics are switched off.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from ..errors import LabelStudioError
from ..io import atomic_open

LABEL_STUDIO_SPEC = "label-studio==1.23.2"  # tested with label-studio-sdk 2.1.2 on Python 3.11
# Its dependencies that newer releases broke: label-studio 1.23.2 passes sentry_sdk.init options that
# sentry-sdk 3.0 removed ("Unknown option 'send_default_pii'"), so a fresh install failed to start.
LABEL_STUDIO_PINS = ("sentry-sdk>=2,<3",)
INSTALLED_FILE = "stance-installed.txt"  # in the venv: what was installed, so a changed pin reinstalls
DEFAULT_PORT = 8080
DEFAULT_USER = "reviewer@stance.local"
STATE_FILE = "server.json"
LOG_FILE = "server.log"
DB_FILE = "label_studio.sqlite3"
TEMPLATE_DIR = "stance-migrated-db"
HOME_ENV = "STANCE_HOME"
VENV_ENV = "STANCE_LS_VENV"
# Variables Label Studio also reads without its LABEL_STUDIO_ prefix: a stray HOST or PORT in the
# caller's shell would silently change the server, so they are never passed through.
UNPREFIXED = ("HOST", "PORT", "USERNAME", "PASSWORD", "USER_TOKEN", "DEBUG", "DATABASE_NAME", "BASE_DATA_DIR")


def stance_home() -> Path:
    """Where the server's venv (a cache) and data (reviewers' work) live unless told otherwise."""
    return Path(os.environ.get(HOME_ENV) or Path.home() / ".local" / "share" / "stance")


def default_venv() -> Path:
    env = os.environ.get(VENV_ENV)
    if env:
        return Path(env)
    if os.environ.get(HOME_ENV):
        return stance_home() / "labelstudio-venv"
    return Path.home() / ".cache" / "stance" / "labelstudio" / "venv"


def default_data_dir() -> Path:
    return stance_home() / "labelstudio"


def ensure_installed(venv: Path | None = None, *, spec: str = LABEL_STUDIO_SPEC) -> Path:
    """The `label-studio` executable, installing it into its own venv first when missing."""
    venv = Path(venv or default_venv())
    exe, marker = venv / "bin" / "label-studio", venv / INSTALLED_FILE
    wanted = " ".join((spec, *LABEL_STUDIO_PINS))
    if exe.exists() and marker.is_file() and marker.read_text(encoding="utf-8").strip() == wanted:
        return exe
    venv.parent.mkdir(parents=True, exist_ok=True)
    steps = [] if (venv / "bin" / "python").exists() else [[sys.executable, "-m", "venv", str(venv)]]
    steps.append([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                  spec, *LABEL_STUDIO_PINS])
    for cmd in steps:
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise LabelStudioError(f"installing {spec} failed ({' '.join(cmd[-2:])}):\n{done.stderr[-2000:]}",
                                   path=str(venv))
    if not exe.exists():
        raise LabelStudioError(f"{spec} installed but {exe} is missing", path=str(venv))
    marker.write_text(wanted + "\n", encoding="utf-8")
    return exe


def port_is_free(port: int) -> bool:
    """True when nothing answers on localhost:`port` (Label Studio's own test, which would silently
    move to the next port) and 127.0.0.1:`port` can be bound (TIME_WAIT leftovers do not count)."""
    for family, kind, proto, _, address in socket.getaddrinfo("localhost", port, type=socket.SOCK_STREAM):
        with socket.socket(family, kind, proto) as sock:
            sock.settimeout(1.0)
            if sock.connect_ex(address) == 0:
                return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port nothing listens on now (for tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def health(url: str, timeout: float = 2.0) -> bool:
    """True when `GET {url}/health` answers 200."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def read_state(data_dir: Path) -> dict[str, Any] | None:
    path = Path(data_dir) / STATE_FILE
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise LabelStudioError(f"unreadable server state ({exc}); delete it if no server runs", path=str(path))


def pid_alive(pid: int) -> bool:
    """True when `pid` runs and is a Label Studio process (not a recycled pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"label-studio" in cmdline or b"label_studio" in cmdline


REGISTRY_FILE = "servers.txt"  # under stance_home(): data folders of servers started, newest last


def remember(data_dir: Path) -> None:
    """Note a started server's data folder, so `status` and `stop` find it without --data-dir."""
    home = stance_home()
    home.mkdir(parents=True, exist_ok=True)
    known = [d for d in known_data_dirs() if d != data_dir] + [data_dir]
    with atomic_open(home / REGISTRY_FILE) as fh:
        fh.write("".join(f"{d}\n" for d in known[-20:]))


def known_data_dirs() -> list[Path]:
    path = stance_home() / REGISTRY_FILE
    return [Path(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] \
        if path.is_file() else []


def find_data_dir(data_dir: Path | None) -> Path:
    """The given folder; else the default one when its server runs; else the newest started server
    that still runs; else the default folder."""
    if data_dir is not None:
        return Path(data_dir)
    for candidate in (default_data_dir(), *reversed(known_data_dirs())):
        state = read_state(candidate)
        if state is not None and pid_alive(state["pid"]):
            return candidate
    return default_data_dir()


def server_status(*, data_dir: Path | None = None) -> dict[str, Any]:
    """The recorded server (url, port, pid, user, token, data_dir) with `running` and `healthy` flags;
    without `data_dir`, the running server found by `find_data_dir`."""
    data_dir = find_data_dir(data_dir)
    state = read_state(data_dir)
    if state is None:
        return {"running": False, "healthy": False}
    running = pid_alive(state["pid"])
    return {**state, "data_dir": str(data_dir), "login_file": str(data_dir / STATE_FILE), "running": running,
            "healthy": running and health(state["url"])}


def base_env(data_dir: Path) -> dict[str, str]:
    """The caller's environment less Label Studio's variables, plus data folder and privacy settings."""
    env = {k: v for k, v in os.environ.items() if k not in UNPREFIXED and not k.startswith("LABEL_STUDIO_")}
    env.update({
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
        "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        # The server listens on 127.0.0.1 and its ML backend (`stance ls backend`) does too: Label
        # Studio's guard against server-side requests to loopback would refuse to connect them.
        "SSRF_PROTECTION_ENABLED": "false",
        "ML_BLOCK_LOCAL_IP": "false",
    })
    return env


def server_env(data_dir: Path, state: dict[str, Any], password: str) -> dict[str, str]:
    env = base_env(data_dir)
    env.update({
        "LABEL_STUDIO_USERNAME": state["user"],
        "LABEL_STUDIO_PASSWORD": password,
        "LABEL_STUDIO_USER_TOKEN": state["token"],
        # The legacy token only works if this is on when the organisation is first created.
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
    })
    return env


def migrated_template(exe: Path) -> Path:
    """An empty database with all migrations applied, made once per venv (about a minute): copying
    it into a new data folder saves that minute on every fresh server (each test session)."""
    folder = exe.parent.parent / TEMPLATE_DIR
    if (folder / DB_FILE).exists():
        return folder / DB_FILE
    work = folder.with_name(f"{TEMPLATE_DIR}.{os.getpid()}.tmp")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # `label-studio version` applies the migrations and exits (`--version` would start a server).
    done = subprocess.run([str(exe), "version"], cwd=work, env=base_env(work), capture_output=True, text=True)
    if done.returncode != 0 or not (work / DB_FILE).exists():
        raise LabelStudioError(f"migrating an empty database failed:\n{done.stdout[-1500:]}{done.stderr[-1500:]}",
                               path=str(work))
    (work / ".env").unlink(missing_ok=True)  # each data folder makes its own secret key
    try:
        os.replace(work, folder)
    except OSError:  # another process made it first
        shutil.rmtree(work, ignore_errors=True)
    return folder / DB_FILE


def start_server(*, data_dir: Path | None = None, port: int = DEFAULT_PORT, venv: Path | None = None,
                 user: str = DEFAULT_USER, timeout: float = 180.0) -> dict[str, Any]:
    """Start Label Studio on 127.0.0.1:`port` (or return the one already running there).

    Returns the state: url, port, pid, user, token, log. Raises LabelStudioError when the port is
    taken by something else or the server does not answer /health within `timeout` seconds.
    """
    data_dir = Path(data_dir or default_data_dir()).absolute()
    status = server_status(data_dir=data_dir)
    if status["running"]:
        if status["healthy"]:
            return status
        raise LabelStudioError(f"a server (pid {status['pid']}) runs but does not answer; stop it first",
                               path=str(data_dir / STATE_FILE))
    if not port_is_free(port):
        raise LabelStudioError(f"port {port} is already in use on 127.0.0.1; pass another --port")
    exe = ensure_installed(venv)
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / DB_FILE).exists():
        shutil.copyfile(migrated_template(exe), data_dir / DB_FILE)
    old = read_state(data_dir)  # the user and token stay those the database was created with
    state = {"url": f"http://127.0.0.1:{port}", "port": port, "user": old["user"] if old else user,
             "token": old["token"] if old else secrets.token_hex(20), "log": str(data_dir / LOG_FILE)}
    password = old["password"] if old else secrets.token_urlsafe(16)
    cmd = [str(exe), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
           "--data-dir", str(data_dir), "--log-level", "WARNING"]
    with open(data_dir / LOG_FILE, "ab") as log:
        proc = subprocess.Popen(cmd, cwd=data_dir, env=server_env(data_dir, state, password), stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    state.update(pid=proc.pid, password=password, started_at=time.time())
    write_state(data_dir, state)
    remember(data_dir)
    wait_healthy(proc, state, timeout)
    return {**state, "running": True, "healthy": True}


def write_state(data_dir: Path, state: dict[str, Any]) -> None:
    with atomic_open(data_dir / STATE_FILE) as fh:
        json.dump(state, fh, indent=2)
    os.chmod(data_dir / STATE_FILE, 0o600)  # it holds the token and password


def wait_healthy(proc: subprocess.Popen, state: dict[str, Any], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LabelStudioError(f"Label Studio exited with code {proc.returncode}:\n{log_tail(state['log'])}",
                                   path=state["log"])
        if health(state["url"]):
            return
        time.sleep(1.0)
    stop_process(proc.pid)
    raise LabelStudioError(f"Label Studio did not answer {state['url']}/health within {timeout:.0f}s:\n"
                           f"{log_tail(state['log'])}", path=state["log"])


def log_tail(path: str, lines: int = 15) -> str:
    try:
        return "\n".join(Path(path).read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_process(pid: int, timeout: float = 20.0) -> None:
    """SIGTERM the server's process group, SIGKILL it if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not pid_alive(pid) or _reaped(pid):
                return
            time.sleep(0.2)


def _reaped(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    except ChildProcessError:  # not our child: someone else reaps it
        return False


def stop_server(*, data_dir: Path | None = None) -> bool:
    """Stop the recorded server; True if one was running. The data and state stay for a restart."""
    data_dir = find_data_dir(data_dir)
    state = read_state(data_dir)
    if state is None or not pid_alive(state["pid"]):
        return False
    stop_process(state["pid"])
    return True
