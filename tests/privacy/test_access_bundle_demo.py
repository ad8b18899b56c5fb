"""The access bundle on the demo (UU 27/2022 Art. 32, 13 and 33): everything held about a demo person, as JSON
and a PDF in Indonesian, with the processing trail; nothing about anyone else; notes only when the officer
decides so. The demo is loaded once for this module (tests/demo_once.py): every test here uses it."""

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from audit.models import AuditEvent
from inmates.models import Admission, Person
from privacy import bundle, services
from privacy.models import HandOver, RightsRequest
from rehab.models import Attendance, FollowUp, Note
from tests.demo_once import demo_for_the_module

_demo_loaded = demo_for_the_module("demo-password-bundle-1")


@pytest.fixture
def demo(_demo_loaded, db, settings):
    settings.PRIVATE_MEDIA_ROOT = _demo_loaded


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
