"""The data-protection impact assessment (UU 27/2022 Art. 34): a first draft written from what the system
actually holds — every model with personal data, its fields, who may see it, its legal basis and retention —
for the data-protection officer to complete and keep in versions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from privacy import bundle, retention
from privacy.models import ImpactAssessment


def draft() -> str:
    """The template, prefilled from the models (what the access bundle hands over is what the system holds
    about a person) and the retention schedule in force."""
    lines = [
        _("Data-protection impact assessment: drug rehabilitation case management"),
        "",
        "1. " + _("Description of the processing"),
        _(
            "Purpose: screening, assessment, rehabilitation and after-care of people held in prisons "
            "(Lapas, Rutan, LPKA) under agreements with BNN, IPWL providers and health and social "
            "offices; monthly figures for Kanwil and Ditjenpas."
        ),
        _(
            "Scale: all UPT of the country; specific personal data (health, criminal records, "
            "children's data)."
        ),
        "",
        "2. " + _("Personal data held (from the system's models)"),
    ]
    for section in bundle.SECTIONS:
        fields = ", ".join(str(label) for _name, label in section.columns)
        lines.append(f"- {section.title} ({section.model._meta.verbose_name_plural}): {fields}")
    for model, reason in bundle.LEFT_OUT.items():
        lines.append(f"- {model._meta.verbose_name_plural}: {reason}")
    lines += [
        "",
        "3. " + _("Legal basis"),
        _(
            "Each enrolment and after-care plan records its basis: the person's consent (dated, "
            "witnessed, signed form) or a legal obligation or public task (UU 35/2009, PP 25/2011, "
            "the correctional service's duty)."
        ),
        "",
        "4. " + _("Who may see what"),
        _(
            "UPT staff: the people held at their UPT. Counsellors: people at UPT where their agency's"
            " agreement is in force, for the work it covers; counselling notes only for the "
            "delivering agency. Regional and national officers: read-only, never notes. Break-glass "
            "access: a few hours, with a reason, reviewed."
        ),
        "",
        "5. " + _("Retention"),
    ]
    for _key, (kind, days, _rule) in retention.schedule().items():
        lines.append(f"- {kind.label}: {retention.describe(days)} — {kind.action}")
    lines += [
        "",
        "6. " + _("Risks to the people concerned, and measures"),
        _(
            "- Disclosure of health or criminal data: scoped access by role and agreement, every view and"
            " export audited; copies of a person's data handed over through links that expire."
        ),
        _(
            "- Stigma or harm from counselling notes: notes readable only by the delivering agency; "
            "withheld from copies where they could endanger the person."
        ),
        _("- Children's data: LPKA records under the same rules; the reason for holding a minor recorded."),
        _(
            "- Loss or breach: the breach register, notices within 3×24 hours; encrypted transport "
            "(HTTPS, HSTS)."
        ),
        "",
        "7. " + _("Consultation and review"),
        _(
            "(To be completed by the data-protection officer: who was consulted, residual risks, next"
            " review date.)"
        ),
    ]
    return "\n".join(lines)


def latest() -> ImpactAssessment | None:
    return ImpactAssessment.objects.order_by("-version").first()


def save_version(*, actor, text: str, note: str) -> ImpactAssessment:
    try:
        with transaction.atomic():
            number = (ImpactAssessment.objects.aggregate(last=Max("version"))["last"] or 0) + 1
            version = ImpactAssessment.objects.create(
                version=number, text=text, note=note.strip(), written_by=actor
            )
            audit_record(
                action=AuditEvent.Action.CREATE, actor=actor, obj=version, details={"version": number}
            )
    except IntegrityError as exc:  # another officer saved the same version number a moment before
        raise ValidationError(
            _("Someone saved a version at the same moment. Your text is still here: save it again.")
        ) from exc
    return version
