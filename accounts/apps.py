from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import checks  # noqa: F401  (registers the deployment checks)
        from accounts.middleware import IdleTimeoutMiddleware

        user_logged_in.connect(IdleTimeoutMiddleware.start_clock, dispatch_uid="idle_timeout_clock")
