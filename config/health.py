"""/healthz: is the database reachable, and the broker when one is configured? For load balancers and the
containers' own health checks (docker-compose.yml)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            # One attempt: a probe that waits and retries (kombu sleeps 2 s before a retry) only answers late.
            conn.ensure_connection(max_retries=0, timeout=2)
        return True
    except Exception:
        return False


@login_not_required
@never_cache
@require_GET
def healthz(request):
    checks = {"database": "ok" if _database_ok() else "error"}
    if settings.REDIS_URL:
        checks["broker"] = "ok" if _broker_ok() else "error"
    else:
        checks["broker"] = "not configured (tasks run in-process)"
    healthy = all(value != "error" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answers /healthz before any other middleware, so before the Host header is checked and before the
    redirect to HTTPS.

    A container's health check asks by address over plain HTTP (http://127.0.0.1:8000/healthz), where every
    other page answers 400 (that host is not allowed) or 301 (to https). The answer names no host and makes
    no link, so any Host may have it; DJANGO_ALLOWED_HOSTS stays the public name for everything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)
