"""`kartoteka serve --workers N` as a user runs it: worker processes with a socket each, connections
spread between them, a dead worker restarted, a clean stop, a clear error for a taken port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import free_port

KARTOTEKA = str(Path(sys.executable).parent / "kartoteka")


def children(pid: int) -> list[int]:
    """The worker processes (not multiprocessing's resource tracker)."""
    kids = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [k for k in kids if b"spawn_main" in Path(f"/proc/{k}/cmdline").read_bytes()]


def sockets_of(pid: int) -> int:
    def is_socket(fd: Path) -> bool:
        try:
            return os.readlink(fd).startswith("socket:")
        except FileNotFoundError:      # closed between listing and reading
            return False
    return sum(1 for fd in Path(f"/proc/{pid}/fd").iterdir() if is_socket(fd))


def wait_until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def database(tmp_path: Path) -> Path:
    db = tmp_path / "serve.db"
    subprocess.run([KARTOTEKA, "--db", str(db), "init"], check=True, capture_output=True)
    return db


@pytest.fixture
def server(database: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    env = {**os.environ, "KARTOTEKA_MEDIA_DIR": str(tmp_path / "media")}
    proc = subprocess.Popen([KARTOTEKA, "--db", str(database), "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: len(children(proc.pid)) == 2 and httpx.get(f"{base}/login").status_code == 200)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_workers_share_the_connections_restart_and_stop_cleanly(server: tuple[subprocess.Popen[str], str]) -> None:
    proc, base = server
    workers = children(proc.pid)
    before = {w: sockets_of(w) for w in workers}
    port = int(base.rsplit(":", 1)[1])
    conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
    try:
        for c in conns:
            c.sendall(b"GET /login HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert c.recv(12).startswith(b"HTTP/1.1 200")
        accepted = {w: sockets_of(w) - before[w] for w in workers}
    finally:
        for c in conns:
            c.close()
    assert sum(accepted.values()) >= 36   # (the start-up check's connection may close meanwhile)
    assert min(accepted.values()) >= 8, accepted   # one shared socket gave splits like 3/37

    os.kill(workers[0], signal.SIGKILL)
    wait_until(lambda: len(children(proc.pid)) == 2 and workers[0] not in children(proc.pid))
    wait_until(lambda: httpx.get(f"{base}/login").status_code == 200)

    current = children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert all(not Path(f"/proc/{w}").exists() for w in current)
    assert proc.stdout is not None and "restarting it" in proc.stdout.read()


def test_a_taken_port_is_a_clear_error(database: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for workers in ("1", "2"):
            result = subprocess.run([KARTOTEKA, "--db", str(database), "serve", "--port", str(port),
                                     "--workers", workers], capture_output=True, text=True, timeout=60)
            assert result.returncode == 1
            assert f"cannot listen on 127.0.0.1:{port}" in result.stderr + result.stdout


def test_one_process_serves_and_stops_on_sigterm(database: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "KARTOTEKA_MEDIA_DIR": str(tmp_path / "media")}
    proc = subprocess.Popen([KARTOTEKA, "--db", str(database), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: httpx.get(f"http://127.0.0.1:{port}/login").status_code == 200)
        assert children(proc.pid) == []
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)   # uvicorn shuts down, then re-raises the signal
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_worker_builds_its_app_in_serve_mode(database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    """The workers' factory keeps what the app loaded out of the collector's walks (kartoteka/collector.py)."""
    import gc

    from kartoteka import collector
    from kartoteka.web import server

    monkeypatch.setenv("KARTOTEKA_DB", str(database))
    monkeypatch.setenv("KARTOTEKA_MEDIA_DIR", str(tmp_path / "media"))
    assert server.FACTORY == "kartoteka.web.server:worker_app"
    assert collector._full is None
    umask = os.umask(0o022)   # the factory sets the process's (app_from_env): put back below
    os.umask(umask)
    try:
        app = server.worker_app()
        assert app.title == "Kartoteka"
        assert collector._full is not None and gc.get_freeze_count() > 0
        assert collector._thread is not None and collector._thread.is_alive()
    finally:
        collector.leave_serve_mode()
        os.umask(umask)
