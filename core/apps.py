from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom of the layout: small helpers every app may use (list sorting, form widgets, queueing
    background jobs); one model (the jobs a down broker could not take), and it imports none of our apps."""

    name = "core"
    verbose_name = "Core"
