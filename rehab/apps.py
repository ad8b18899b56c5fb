from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RehabConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rehab"
    verbose_name = _("Rehabilitation programmes")

    def ready(self):
        # The person page shows enrolments, and custody changes close or move them, without inmates
        # importing this app: see inmates.panels and inmates.hooks.
        from rehab import hooks, panels  # noqa: F401
