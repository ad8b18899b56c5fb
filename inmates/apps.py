from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InmatesConfig(AppConfig):
    name = "inmates"
    verbose_name = _("Inmates (WBP)")

    def ready(self):
        from inmates import lookups

        lookups.register()
