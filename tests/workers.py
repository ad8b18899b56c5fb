"""Real Celery workers and Redis servers for the tests that need them: a worker is a subprocess of
`celery -A config worker` against this test's database (pytest-django's test database, with xdist's
suffix when there is one), and the test's app is pointed at the broker and queue the test chose, so tests
running side by side never take each other's messages."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def worker_process(
    private_root: Path,
    *,
    pool: str = "solo",
    concurrency: int = 1,
    queue: str | None = None,
    redis_url: str | None = None,
    log: Path | None = None,
) -> subprocess.Popen:
    """A worker on this test's database (PostgreSQL: another process cannot see an SQLite test database)."""
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_PRIVATE_MEDIA_ROOT": str(private_root)}
    if redis_url:
        env["REDIS_URL"] = redis_url
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", pool]
    command += ["--concurrency", str(concurrency), "--loglevel", "WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    if queue:
        command += ["--queues", queue]
    output = log.open("ab") if log else subprocess.DEVNULL
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


def free_port() -> int:
    """A port nothing listens on (the kernel's choice, so two tests at once get two)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def celery_pointed_at(broker_url: str, *, queue: str | None = None):
    """The test process's Celery app publishing to `broker_url` (and `queue`), for real (not in-process),
    as the web processes do in production; put back as it was afterwards."""
    from config.celery import app

    conf = app.conf
    saved = {name: conf[name] for name in ("broker_url", "task_always_eager", "task_default_queue")}

    def reset_connections():
        # The app keeps its connection pools and its queues (a queue routed to is added to them, and a worker
        # started in this process would consume it): all made again from the settings of the moment.
        app._pool = None
        app.amqp._producer_pool = None
        for cached in ("queues", "default_queue", "router"):
            app.amqp.__dict__.pop(cached, None)

    conf.update(broker_url=broker_url, task_always_eager=False)
    if queue:
        conf.task_default_queue = queue
    reset_connections()
    try:
        yield app
    finally:
        if queue:
            _delete_queue(app, queue)
        conf.update(saved)
        reset_connections()


def _delete_queue(app, queue: str) -> None:
    """The test's queue and kombu's record of it, gone from the broker (if it answers)."""
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
            channel = broker.default_channel
            channel.queue_delete(queue)
            # kombu's Redis transport keeps the queue's bindings under keys of their own, which a channel that
            # never declared the queue does not know to remove.
            if client := getattr(channel, "client", None):
                client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    except Exception:  # a broker the test stopped: nothing to tidy there
        pass


def redis_server_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        message = "needs the redis-server program (Debian's redis-server) to start and stop a broker"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


class RedisServer:
    """A Redis of the test's own on a free port, which the test stops and starts again (nothing kept on
    disk: a restarted server is empty, as a broker that lost its memory would be)."""

    def __init__(self, directory: Path):
        self.binary = redis_server_binary()
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [self.binary, *options],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, seconds=20, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False
