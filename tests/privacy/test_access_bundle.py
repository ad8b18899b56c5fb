"""The access bundle (UU 27/2022 Art. 32, 13 and 33): everything held about the person, as JSON and a PDF in
Indonesian, with the processing trail; nothing about anyone else; notes only when the officer decides so."""

import datetime as dt
import json

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from audit.models import AuditEvent
from inmates.models import Person
from privacy import bundle, services
from privacy.models import HandOver


def _linked_to_person() -> set[type[models.Model]]:
    """Every model of ours with a chain of foreign keys (or one-to-one keys) to Person."""
    ours = [model for model in apps.get_models() if not model.__module__.startswith("django.")]
    linked = {Person}
    grew = True
    while grew:
        grew = False
        for model in ours:
            if model in linked:
                continue
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model in linked and field.related_model is not model:
                    linked.add(model)
                    grew = True
                    break
    return linked | {AuditEvent}  # events name the person by id (person_id), not by a key


def test_every_table_about_a_person_is_in_the_bundle_or_left_out_with_a_reason():
    missing = {
        model._meta.label for model in _linked_to_person() - bundle.covered_models() - set(bundle.LEFT_OUT)
    }
    assert missing == set(), (
        "add a Section to privacy.bundle (or the app's personal_data) or a LEFT_OUT reason"
    )


def test_the_check_would_see_a_new_table():
    assert "inmates.Movement" in {model._meta.label for model in _linked_to_person()}


def test_the_link_expires_after_24_hours_and_the_file_is_deleted(login, access_request, dpo, regional):
    moment = dt.datetime.now(dt.UTC)
    with time_machine.travel(moment, tick=False):
        [json_file, _pdf] = services.answer_access(
            access_request, actor=dpo, include_notes=False, reason="Not needed", recipient="The person"
        )
    with time_machine.travel(moment + dt.timedelta(hours=23, minutes=59), tick=False):
        assert login(dpo).get(json_file.get_absolute_url()).status_code == 200
    # Somebody else in scope, but not the maker or a data-protection officer: as if there were no link.
    assert login(regional).get(json_file.get_absolute_url()).status_code == 404
    with time_machine.travel(moment + dt.timedelta(hours=24, seconds=1), tick=False):
        expired = login(dpo).get(json_file.get_absolute_url())
        assert expired.status_code == 410 and "This link has expired" in expired.content.decode()
        assert services.delete_expired_files() == 2
    json_file.refresh_from_db()
    assert not json_file.file and json_file.deleted_at is not None
    assert HandOver.objects.count() == 2  # the record of the hand-over stays


def test_an_answer_with_no_reason_saves_nothing(login, access_request, dpo):
    response = login(dpo).post(
        reverse("privacy:request-answer", args=[access_request.pk]),
        {"include_notes": "no", "reason": "", "recipient": "The person"},
    )
    assert response.status_code == 400 and "Nothing was saved" in response.content.decode()
    assert not HandOver.objects.exists()
    access_request.refresh_from_db()
    assert access_request.status == "received"


def test_the_subject_access_command_writes_both_files_and_is_audited(tmp_path, person, staff, access_request):
    call_command("subject_access", "--person", str(person.pk), "--out", str(tmp_path), verbosity=0)
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == [f"data-pribadi-{person.pk}.json", f"data-pribadi-{person.pk}.pdf"]
    data = json.loads((tmp_path / written[0]).read_text())
    assert data["sections"]["person"][0]["full_name"] == person.full_name
    assert len(data["sections"]["rights_requests"]) == 1
    assert (
        AuditEvent.objects.filter(
            action="export", person_id=person.pk, details__command="subject_access"
        ).count()
        == 1
    )


def test_the_documented_schema_lists_every_section_and_field():
    from django.conf import settings

    text = (settings.BASE_DIR / "docs" / "access-bundle.md").read_text()
    for section in bundle.SECTIONS:
        heading = f"### `{section.key}`:"
        assert heading in text, heading
        documented = text.split(heading, 1)[1].split("###", 1)[0]
        for name, _label in section.columns:
            assert f"| `{bundle.key(name)}` |" in documented, (section.key, name)
