"""Shared pytest fixtures. Each fixture block is self-contained; append new ones below."""

from __future__ import annotations

import pytest


# --- Label Studio: one real server per test session (installed into its own venv on first use) ---
@pytest.fixture(scope="session")
def label_studio(tmp_path_factory):
    """A running Label Studio on 127.0.0.1 with a fresh SQLite database; yields its state dict
    (url, port, token, pid, data_dir). First use installs label-studio (about a minute)."""
    from stance.labelstudio.server import free_port, server_status, start_server, stop_server

    data_dir = tmp_path_factory.mktemp("labelstudio")
    state = start_server(data_dir=data_dir, port=free_port(), timeout=300)
    yield {**state, "data_dir": data_dir}
    assert stop_server(data_dir=data_dir), "the Label Studio server had stopped before the session ended"
    assert not server_status(data_dir=data_dir)["running"]
