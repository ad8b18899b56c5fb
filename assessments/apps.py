from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = _("Screening and assessment")

    def ready(self):
        # The person page (inmates) shows this app's panel without importing it: see inmates.panels.
        from assessments import panels  # noqa: F401
