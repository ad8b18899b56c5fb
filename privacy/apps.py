from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        from audit import exports
        from privacy import (
            receivers,  # noqa: F401 - connects the sign-in receiver
            services,
        )

        exports.provide_hand_over(services.hand_over_url)
