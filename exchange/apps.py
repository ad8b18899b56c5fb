from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Data exchange (SDP)")

    def ready(self) -> None:
        # The access bundle (privacy, below this app) hands over this app's rows about a person too.
        from exchange import personal_data

        personal_data.register_sections()
        personal_data.register_retention()
