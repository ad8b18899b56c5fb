"""Demo data for the UU 27/2022 pages: the legal basis of Lapas Amuntai's enrolments (consent with a signed
form, and one court order), rights requests in each state (one open, one past its 3×24 hours, one answered)
and a breach whose notice to the people affected is overdue, so the data-protection officers' home and pages
have work on them. Made once."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from accounts.models import User
from inmates.models import Admission
from privacy import breaches, consent, services
from privacy.models import RightsRequest
from rehab.models import Enrolment


def _signed_form() -> ContentFile:
    """A one-page PDF standing for the scanned, signed consent form."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return ContentFile(out.getvalue(), name="persetujuan.pdf")


def load(*, today: dt.date, staff_by_institution: dict, institutions: dict) -> int:
    if RightsRequest.objects.exists():
        return 0
    amuntai = institutions["lapas-amuntai"]
    clerk = staff_by_institution[amuntai.pk]
    enrolments = list(Enrolment.objects.filter(programme__institution=amuntai).order_by("pk")[:12])
    for n, enrolment in enumerate(enrolments):
        if n == 0:
            consent.record_basis(
                enrolment,
                actor=clerk,
                legal_basis="legal_obligation",
                detail="Putusan PN Amuntai No. 12/Pid.Sus/2025/PN Amt (rehabilitasi, UU 35/2009 Pasal 103)",
            )
            continue
        consent.record_basis(
            enrolment,
            actor=clerk,
            legal_basis="consent",
            consent_on=min(today, timezone.localtime(enrolment.created_at).date()),
            witness=clerk.get_full_name() or clerk.username,
            form_file=_signed_form(),
        )
    now = timezone.now()
    people = list(
        Admission.objects.filter(institution=amuntai, released_on__isnull=True)
        .select_related("person")
        .order_by("pk")[:3]
    )
    kinds = [
        (
            "access",
            dt.timedelta(hours=20),
            "Saya ingin salinan semua data saya, termasuk siapa yang membukanya.",
        ),
        ("correction", dt.timedelta(days=4), "Tempat lahir saya tertulis Amuntai, seharusnya Alabio."),
        ("objection", dt.timedelta(days=9), "Saya keberatan data saya dipakai untuk penelitian universitas."),
    ]
    made = 0
    for admission, (kind, ago, details) in zip(people, kinds, strict=False):
        request = services.register_request(
            actor=clerk,
            person=admission.person,
            institution=amuntai,
            kind=kind,
            received_at=now - ago,
            requested_by=f"{admission.person.full_name} (sendiri)",
            identity_check="in_custody",
            identity_details=f"Nomor register {admission.register_number} dan foto dicocokkan",
            details=details,
        )
        made += 1
        if kind == "correction":
            services.record_step(
                request, actor=clerk, status="in_progress", note="Menunggu salinan akta kelahiran."
            )
        if kind == "objection":
            dpo = User.objects.filter(username="dpo.kalsel").first()
            if dpo is not None:
                services.record_step(
                    request,
                    actor=dpo,
                    status="answered",
                    note="Data tidak dipakai untuk penelitian tanpa persetujuan tertulis; "
                    "dijelaskan kepada pemohon.",
                )
    dpo = User.objects.filter(username="dpo.kalsel").first()
    if dpo is not None:
        breach = breaches.record(
            actor=dpo,
            institution=amuntai,
            discovered_at=now - dt.timedelta(days=4),
            title="Daftar peserta rehabilitasi terkirim ke alamat surel yang salah",
            occurred="Pagi hari yang sama",
            what_happened="Daftar 17 peserta (nama dan nomor register) terkirim ke alamat surel pribadi "
            "yang salah.",
            data_kinds=["identity", "health"],
            people_affected=17,
            measures="Penerima diminta menghapus surel dan menyatakannya tertulis; pengiriman daftar "
            "kini lewat tautan yang kedaluwarsa.",
        )
        breaches.update(
            breach, actor=dpo, measures=breach.measures, authority_notified_at=now - dt.timedelta(days=2)
        )
    return made
