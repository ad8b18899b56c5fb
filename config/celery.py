"""The Celery app. With REDIS_URL unset, settings make every task run eagerly in the calling process."""

import os

from celery import Celery, signals

from config import logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("rehab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Celery would replace the logging that Django configured (config.settings LOGGING) with its own format;
# keeping Django's, worker lines are JSON in production too and carry the task's name and id (config.logs).
@signals.setup_logging.connect
def _keep_django_logging(**kwargs) -> None:
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


signals.task_prerun.connect(logs.task_started, weak=False)
signals.task_postrun.connect(logs.task_finished, weak=False)
