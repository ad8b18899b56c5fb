"""Deployment checks for what accounts rely on: password links go by mail to the address on the account.

With the console backend (the laptop default) a production server would print every one-time link into its
logs, where whoever reads the logs could take over accounts; with SITE_URL left at localhost the links would
not work. Both are warnings of `manage.py check --deploy`, which `make check-deploy` fails on.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

UNDELIVERED = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def password_links_are_delivered(app_configs, **kwargs):
    problems = []
    if settings.EMAIL_BACKEND in UNDELIVERED:
        problems.append(
            Warning(
                "Password links are sent by mail, but EMAIL_BACKEND does not deliver mail (it would print "
                "the links into the logs).",
                hint="Set DJANGO_EMAIL_BACKEND (e.g. the smtp backend) and DJANGO_EMAIL_HOST.",
                id="accounts.W001",
            )
        )
    if "localhost" in settings.SITE_URL or "127.0.0.1" in settings.SITE_URL:
        problems.append(
            Warning(
                "SITE_URL points at this machine, so links in mails will not work for their readers.",
                hint="Set SITE_URL to the address users reach the application at.",
                id="accounts.W002",
            )
        )
    return problems
