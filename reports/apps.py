from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The access bundle (privacy, below this app) hands over this app's rows about a person too.
        from reports import personal_data

        personal_data.register_sections()
