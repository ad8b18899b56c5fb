"""docker-compose.yml: migrations once before anything starts, processes that receive signals, health checks
for every long-running service (README, "Production shape"). Read as Compose reads it, merge keys included.

Docker Compose is not installed on the development machines or in CI, so `docker compose config` is not run
here; the worker's and beat's health checks are run as written against a real worker and beat on Redis."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import yaml
from django.conf import settings

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def argv(command):
    """The command as the container runs it: Compose splits a string on spaces, a list stays as it is."""
    return command.split() if isinstance(command, str) else list(command)


def test_migrate_runs_once_after_the_database_and_exits(services):
    migrate = services["migrate"]
    assert argv(migrate["command"]) == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["build"] == services["web"]["build"]  # the same image as the app
    assert migrate["environment"] == services["web"]["environment"]
    assert migrate["depends_on"]["postgres"] == {"condition": "service_healthy"}
    # Restarted after exiting, it would run again and again; a failure stops web, worker and beat instead.
    assert migrate["restart"] == "no"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_app_waits_for_migrations_and_the_backing_services(services, name):
    depends_on = services[name]["depends_on"]
    assert depends_on["migrate"] == {"condition": "service_completed_successfully"}
    assert depends_on["postgres"] == {"condition": "service_healthy"}
    assert depends_on["redis"] == {"condition": "service_healthy"}
    assert "migrate" not in " ".join(argv(services[name]["command"]))


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_main_process_is_the_program_itself(services, name):
    """No `sh -c` in between: SIGTERM from `docker compose stop` reaches gunicorn or Celery, which finish
    what they are doing; a shell would not pass it on and the process would be killed 10 s later."""
    command = argv(services[name]["command"])
    assert command[0] == {"web": "gunicorn", "worker": "celery", "beat": "celery"}[name]
    assert not {"sh", "bash", "-c", "&&", ";"} & set(command)


def test_web_serves_with_gunicorn_and_keeps_its_access_log(services):
    command = argv(services["web"]["command"])
    assert command[1] == "config.wsgi:application"
    assert "--access-logfile=-" in command
    # Paths only: a query string can carry a name searched for (?q=…), which no log may keep.
    (log_format,) = [arg for arg in command if arg.startswith("--access-logformat=")]
    assert "%(U)s" in log_format
    assert not [code for code in ("%(r)s", "%(q)s", "%({") if code in log_format]
    assert "--bind=0.0.0.0:8000" in command


def test_web_is_health_checked_through_healthz(services):
    test = services["web"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    assert "urlopen('http://127.0.0.1:8000/healthz'" in test[-1]


@pytest.mark.parametrize("name, node", [("worker", "celery"), ("beat", "celerybeat")])
def test_worker_and_beat_answer_a_ping_by_their_node_name(services, name, node):
    check = services[name]["healthcheck"]
    assert check["test"][0] == "CMD-SHELL"
    # $$ is Compose's escape for $: the shell in the container reads its own host name.
    assert check["test"][1] == f"celery -A config inspect ping --destination {node}@$$HOSTNAME --timeout 10"
    assert check["retries"] >= 1


def test_beat_answers_remote_control(services):
    assert "--enable-remote-control" in argv(services["beat"]["command"])


def test_every_long_running_service_has_a_health_check(services):
    for name, service in services.items():
        if name != "migrate":
            assert "healthcheck" in service, name


def test_secrets_come_from_the_env_file_never_from_the_compose_file(services):
    for name in ("migrate", *APP_SERVICES):
        assert services[name]["env_file"] == ".env"
        assert "DJANGO_SECRET_KEY" not in services[name]["environment"]


def _run_check(check: list[str], hostname: str, *, timeout: int | None = None) -> subprocess.CompletedProcess:
    """A CMD-SHELL health check as the container runs it: Compose turns $$ into $, the shell expands it.
    With `timeout`, the check's own --timeout replaced by it (nothing else changed)."""
    assert check[0] == "CMD-SHELL"
    command = check[1].replace("$$", "$")
    assert command.startswith("celery ")
    if timeout is not None:
        assert " --timeout 10" in command
        command = command.replace(" --timeout 10", f" --timeout {timeout}")
    return subprocess.run(
        ["sh", "-c", f'"{sys.executable}" -m {command}'],
        cwd=ROOT,
        env={**os.environ, "HOSTNAME": hostname},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs a Redis broker (REDIS_URL); CI runs it with one")
@pytest.mark.parametrize("name, node", [("worker", "celery"), ("beat", "celerybeat")])
def test_the_health_check_passes_while_the_process_runs_and_fails_once_it_is_gone(
    services, name, node, tmp_path
):
    """The service's own command and health check, on the test broker. Each run has a node name of its own,
    and its own queue, so that neither the probe's worker nor its beat meets another test's tasks."""
    hostname = f"probe-{uuid.uuid4().hex[:12]}"
    queue = f"healthcheck-{hostname}"
    command = [
        "--schedule=" + str(tmp_path / "celerybeat-schedule") if part.startswith("--schedule=") else part
        for part in argv(services[name]["command"])
    ]
    assert command[0] == "celery"
    command = [sys.executable, "-m", *command, f"--hostname={node}@{hostname}"]
    if name == "worker":
        command += ["--concurrency=1", f"--queues={queue}"]
    else:
        command += ["--", f"task_default_queue={queue}"]  # where a task due meanwhile would go
    environment = {
        **os.environ,
        "REDIS_URL": settings.REDIS_URL,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    log = (tmp_path / f"{name}.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    check = services[name]["healthcheck"]["test"]
    try:
        # Up when it answers a ping asked from here (within half a second): the check itself, run before,
        # would wait its whole --timeout for the answer of a process still starting.
        deadline = time.monotonic() + 90
        while not celery_app.control.inspect(destination=[f"{node}@{hostname}"], timeout=0.5).ping():
            assert process.poll() is None, (tmp_path / f"{name}.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / f"{name}.log").read_text()
        result = _run_check(check, hostname)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"{node}@{hostname}: OK" in result.stdout
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()
        redis.Redis.from_url(settings.REDIS_URL).delete(queue)
    # Gone, nothing answers the ping: the check fails once its --timeout is over. Asked with 1 s instead of
    # the check's 10 (a process that is gone never answers, so waiting longer proves nothing more), and
    # failing for that reason, not for another (the same command passed above).
    gone = _run_check(check, hostname, timeout=1)
    assert gone.returncode != 0 and "No nodes replied within time constraint" in gone.stdout + gone.stderr
