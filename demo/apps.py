from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`. It sits on top of every other app because it fills all of them."""

    name = "demo"
    verbose_name = "Demo data"
