"""`vigil token` and `vigil serve` / `vigil demo` as a person runs them (servers in subprocesses, stopped by the test)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from typer.testing import CliRunner

from vigil.cli import app
from vigil.store import open_store, token_owner

runner = CliRunner()


def test_token_create_list_revoke(tmp_path):
    db = f"sqlite:///{tmp_path / 't.db'}"
    made = runner.invoke(app, ["token", "create", "ana", "--db", db])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    with open_store(db) as s:
        assert token_owner(s, secret) == "ana"
    assert runner.invoke(app, ["token", "create", "ana", "--db", db]).exit_code == 1  # a live one exists
    listed = runner.invoke(app, ["token", "list", "--db", db])
    assert "ana" in listed.stdout and secret not in listed.stdout
    assert runner.invoke(app, ["token", "revoke", "ana", "--db", db]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["token", "list", "--db", db]).stdout
    with open_store(db) as s:
        assert token_owner(s, secret) is None
    assert runner.invoke(app, ["token", "revoke", "ana", "--db", db]).exit_code == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_until_serving(args: list[str], cwd, timeout: float = 120) -> tuple[subprocess.Popen, str]:
    """Start `vigil ARGS`, wait for the URL it prints, return the process and the URL."""
    proc = subprocess.Popen([sys.executable, "-m", "vigil", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        lines.append(line)
        if line.startswith("dashboard: "):
            return proc, line.split()[1]
    proc.kill()
    raise AssertionError("no dashboard URL printed:\n" + "".join(lines))


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_demo_ends_serving_the_dashboard_over_its_database(tmp_path):
    port = _free_port()
    proc, url = _run_until_serving(["demo", "--db", str(tmp_path / "demo.db"), "--port", str(port)], tmp_path)
    try:
        assert url == f"http://127.0.0.1:{port}/"
        page = urllib.request.urlopen(url, timeout=10).read().decode()
        assert "<title>Vigil" in page
        stats = urllib.request.urlopen(url + "api/stats", timeout=10).read().decode()
        assert '"incidents"' in stats
    finally:
        _stop(proc)
    assert proc.returncode is not None


def test_serve_takes_db_host_and_port(tmp_path):
    db = tmp_path / "empty.db"
    port = _free_port()
    proc, url = _run_until_serving(["serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)], tmp_path)
    try:
        body = urllib.request.urlopen(url + "api/incidents", timeout=10).read().decode()
        assert '"total":0' in body.replace(" ", "")
    finally:
        _stop(proc)


def test_serve_on_a_busy_port_says_so(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "vigil", "serve", "--db", str(tmp_path / "x.db"),
                                 "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert str(port) in result.stderr
