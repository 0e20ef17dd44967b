"""Serving the web app: in one process, or in worker processes with one listening socket each.

uvicorn's own workers share one listening socket, and whichever worker wakes first accepts every
waiting connection: 50 keep-alive clients were split 3/47 to 16/34 between two workers, so half the
machine idled while the other half queued. Here every worker gets its own socket on the same port
(SO_REUSEPORT) and the kernel spreads new connections evenly between them (20/30 at worst in the
same test). The parent binds the sockets, starts the workers, restarts a worker that dies (but
stops when one fails at startup or they keep dying), and stops them all on SIGINT or SIGTERM
(uvicorn lets requests in flight finish). Every serving process collects garbage as a long-lived
server should (kartoteka/collector.py ``serve_mode``): no full collection stalls its requests.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import threading
import time
from multiprocessing.context import SpawnProcess
from types import FrameType
from typing import Any

import uvicorn
from fastapi import FastAPI

from kartoteka.collector import serve_mode
from kartoteka.errors import N_, InvalidInput

FACTORY = "kartoteka.web.server:worker_app"   # each worker builds the app from the KARTOTEKA_* environment
STARTUP_GRACE = 10.0      # a worker that fails (exit status > 0) this soon after starting: give up
MAX_RESTARTS = 10         # more restarts than this within a minute: give up
_spawn = multiprocessing.get_context("spawn")
multiprocessing.allow_connection_pickling()


OPTIONS: dict[str, Any] = {"log_level": "warning", "proxy_headers": False, "access_log": False}


def _config(app: FastAPI | str) -> uvicorn.Config:
    return uvicorn.Config(app, factory=isinstance(app, str), **OPTIONS)


def check_port(host: str, port: int) -> None:
    """InvalidInput when host:port cannot be listened on (taken, or not an address of this machine)."""
    listen(host, port, reuse_port=False).close()


def worker_app() -> FastAPI:
    """A worker's application (``FACTORY``): built from the environment, then what it loaded is kept out
    of the collector's walks (``serve_mode``)."""
    from kartoteka.web.app import app_from_env

    app = app_from_env()
    serve_mode()
    return app


def run_single(app: FastAPI, host: str, port: int) -> None:
    serve_mode()
    uvicorn.Server(_config(app)).run(sockets=[listen(host, port, reuse_port=False)])


def listen(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A listening TCP socket on host:port; a clear error when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InvalidInput.of(N_("cannot listen on %(host)s:%(port)s: %(error)s"), host=host, port=str(port),
                              error=str(exc.strerror or exc)) from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(sock: socket.socket) -> None:
    try:
        uvicorn.Server(_config(FACTORY)).run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C reaches every process of the terminal; the parent stops us anyway
        pass


def run_workers(host: str, port: int, workers: int) -> int:
    """Serve with ``workers`` processes until SIGINT/SIGTERM; the exit status (0, or 1 when workers
    kept dying at startup)."""
    check_port(host, port)   # before joining a reuse-port group, which would hide another server
    if not hasattr(socket, "SO_REUSEPORT"):   # not Linux/BSD/macOS: uvicorn's workers on one shared socket
        uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers, **OPTIONS)
        return 0
    sockets = [listen(host, port, reuse_port=True) for _ in range(workers)]
    stop = threading.Event()

    def on_signal(_sig: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    procs: list[tuple[SpawnProcess, float]] = [(_start(s), time.monotonic()) for s in sockets]
    status = 0
    restarts: list[float] = []
    try:
        while not stop.wait(0.5):
            for i, (proc, started) in enumerate(procs):
                if proc.is_alive():
                    continue
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < 60] + [now]
                failed_start = (proc.exitcode or 0) > 0 and now - started < STARTUP_GRACE
                if failed_start or len(restarts) > MAX_RESTARTS:
                    print(f"worker {proc.pid} exited with status {proc.exitcode}"
                          f"{' at startup' if failed_start else ', too often'}: stopping", flush=True)
                    status = 1
                    stop.set()
                    break
                print(f"worker {proc.pid} exited with status {proc.exitcode}: restarting it", flush=True)
                procs[i] = (_start(sockets[i]), now)
    finally:
        for proc, _ in procs:
            if proc.is_alive():
                proc.terminate()
        for proc, _ in procs:
            proc.join(timeout=20)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for sock in sockets:
            sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status


def _start(sock: socket.socket) -> SpawnProcess:
    proc = _spawn.Process(target=_worker, args=(sock,), daemon=False)
    proc.start()
    return proc
