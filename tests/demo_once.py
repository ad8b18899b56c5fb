"""The demo loaded once for a module's tests, not once per test: loading it is seconds of work.

It is loaded in a transaction rolled back after the module's last test; each test's own (pytest-django's)
transaction runs inside it, so every test starts from the demo as loaded. Hashed and stored as
tests/conftest.py's per-test fixtures would have it: the fast hasher, documents in a temporary folder (the
module's, which the per-test fixture `demo_documents` points PRIVATE_MEDIA_ROOT at).

Only for a module whose every database test uses the demo: the module's transaction stays open from the
first test that asks for it to the module's end, so a later test without it would still see the demo.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tests.factories import FAST_PASSWORD_HASHERS


def demo_for_the_module(password: str, *, at: dt.datetime | None = None):
    """A module-scoped fixture loading the demo with `password` for every login (at the moment `at`, the
    clock running from there, when given); it gives the folder holding the demo's documents."""

    @pytest.fixture(scope="module")
    def demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
        private = tmp_path_factory.mktemp("demo-private")
        fast_and_private = override_settings(
            PASSWORD_HASHERS=FAST_PASSWORD_HASHERS, PRIVATE_MEDIA_ROOT=private
        )
        clock = time_machine.travel(at, tick=True) if at else nullcontext()
        with django_db_blocker.unblock(), transaction.atomic():
            with fast_and_private, clock:
                call_command("load_demo", "--password", password, verbosity=0)
            yield private
            transaction.set_rollback(True)

    return demo_loaded
