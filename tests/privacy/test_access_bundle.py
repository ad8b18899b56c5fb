"""The access bundle (UU 27/2022 Art. 32, 13 and 33): everything held about the person, as JSON and a PDF in
Indonesian, with the processing trail; nothing about anyone else; notes only when the officer decides so."""

import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from audit.models import AuditEvent
from inmates.models import Admission, Person
from privacy import bundle, services
from privacy.models import HandOver, RightsRequest
from rehab.models import Attendance, FollowUp, Note


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


@pytest.fixture
def demo(db):
    call_command("load_demo", "--password", "demo-password-bundle-1", verbosity=0)


def _richest_person() -> Person:
    """A demo person with attendance and a follow-up done, and (written here: the demo has none) a
    counselling note about them and a note on a whole session they attended."""
    followed = FollowUp.objects.filter(done_on__isnull=False).values("plan__person")
    attended = Attendance.objects.values("enrolment__person")
    person = Person.objects.filter(pk__in=followed).filter(pk__in=attended).first() or (
        Person.objects.filter(pk__in=attended).first()
    )
    session = Attendance.objects.filter(enrolment__person=person).select_related("session").first().session
    author = User.objects.filter(memberships__role="counsellor").first()
    Note.objects.create(
        session=session, person=person, text="Private: talks about family pressure.", author=author
    )
    Note.objects.create(session=session, text="Group: everyone discussed cravings openly.", author=author)
    return person


def _answer(client, rights_request, include_notes: str):
    return client.post(
        reverse("privacy:request-answer", args=[rights_request.pk]),
        {
            "include_notes": include_notes,
            "reason": "The counsellor advises it is safe.",
            "recipient": "The person",
        },
    )


@pytest.mark.django_db(transaction=False)
def test_the_dpo_answers_an_access_request_with_everything_and_nothing_of_anyone_else(demo, login):
    person = _richest_person()
    spell = person.admissions.order_by("-admitted_on").first()
    staff = User.objects.get(username="staf.amuntai")
    dpo = User.objects.get(username="dpo.pusat")
    request = services.register_request(
        actor=staff,
        person=person,
        institution=spell.institution,
        kind="access",
        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        requested_by="The person",
        identity_check="in_custody",
        identity_details="Register number and photograph",
        details="A copy of my data.",
    )
    client = login(dpo)
    assert _answer(client, request, "yes").status_code == 302
    request.refresh_from_db()
    assert request.status == RightsRequest.Status.ANSWERED
    json_file, pdf_file = HandOver.objects.filter(rights_request=request).order_by("filename")
    response = client.get(json_file.get_absolute_url())
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    data = json.loads(text)
    assert data["schema_version"] == 1 and data["person_id"] == person.pk and data["notes_included"] is True

    # Every section holds what the database holds about the person, counted independently.
    sections = data["sections"]
    assert len(sections["custody_spells"]) == Admission.objects.filter(person=person).count()
    assert len(sections["attendance"]) == Attendance.objects.filter(enrolment__person=person).count() > 0
    assert len(sections["counselling_notes"]) == Note.objects.filter(person=person).count() > 0
    assert len(sections["follow_ups"]) == FollowUp.objects.filter(plan__person=person).count()
    assert sections["person"][0]["full_name"] == person.full_name
    trail = AuditEvent.objects.filter(
        person_id=person.pk, at__lte=dt.datetime.fromisoformat(data["generated_at"])
    )
    assert len(sections["processing_trail"]) >= trail.count() - 2  # the bundle's own export events follow it

    # Nothing about anyone else: no other person's name, NIK or register number.
    others = Person.objects.exclude(pk=person.pk)
    for name, nik in others.values_list("full_name", "nik"):
        assert not re.search(rf"\b{re.escape(name)}\b", text), name
        assert not nik or nik not in text
    for number in Admission.objects.exclude(person=person).values_list("register_number", flat=True):
        assert f'"{number}"' not in text
    for plan in person.aftercare_plans.exclude(contact_name=""):
        assert plan.contact_name not in text and plan.contact_phone not in text

    # The readable copy, in Indonesian.
    pdf = client.get(pdf_file.get_absolute_url())
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    pdf_text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Salinan data pribadi" in pdf_text and person.full_name in pdf_text
    assert "Siapa yang melihat, mengubah, atau mengekspor data" in pdf_text

    # The export and both downloads are in the audit trail.
    exports = AuditEvent.objects.filter(person_id=person.pk, action="export", actor=dpo)
    downloads = AuditEvent.objects.filter(person_id=person.pk, action="download", actor=dpo)
    assert exports.count() == 2 and downloads.count() == 2


def test_notes_are_left_out_unless_the_officer_decides_otherwise(demo, login):
    person = _richest_person()
    dpo = User.objects.get(username="dpo.pusat")
    data = bundle.build(person, actor=dpo, include_notes=False)
    assert data["sections"]["counselling_notes"] == []
    assert data["notes_withheld"]["counselling_notes"] == Note.objects.filter(person=person).count() > 0
    assert all(row["notes"] is None for row in data["sections"]["follow_ups"])
    text = json.dumps(data)
    for note in Note.objects.filter(person=person):
        assert note.text not in text
    # Notes on a whole session are about everyone in it: never, even when notes are handed over.
    group_notes = Note.objects.filter(person__isnull=True, session__attendances__enrolment__person=person)
    included = json.dumps(bundle.build(person, actor=dpo, include_notes=True), ensure_ascii=False)
    for note in group_notes:
        assert note.text not in included


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
