from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("Partner API")

    def ready(self) -> None:
        from accounts.signals import password_set
        from api import schema  # noqa: F401 - registers the token's description in the OpenAPI schema
        from api.models import revoke_tokens_of

        password_set.connect(revoke_tokens_of, dispatch_uid="api-revoke-tokens-on-password")
