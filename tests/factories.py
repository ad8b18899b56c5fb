import datetime as dt
from urllib.parse import urlencode

import factory

from accounts.models import Membership, Role, User
from agreements.models import Agreement, AgreementScope
from inmates.models import Admission, Movement, Person
from institutions.models import Agency, Institution, Region, TimeZones

TEST_PASSWORD = "a-long-test-password-1"
# Hashing strength is not what the tests are about; the real hasher would only slow every login.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Kanwil Region {n}")
    province = factory.Sequence(lambda n: f"Province {n}")
    time_zone = TimeZones.WITA


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"upt-{n}")
    name = factory.Sequence(lambda n: f"Lapas Kelas IIB Test {n}")
    kind = Institution.Kind.LAPAS
    klass = Institution.Klass.IIB
    region = factory.SubFactory(RegionFactory)
    city = "Test City"
    capacity = 300


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"BNNK Test {n}")
    kind = Agency.Kind.BNNK
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def membership(user: User, role: str, place=None) -> User:
    field = {
        Role.UPT_STAFF: "institution",
        Role.COUNSELLOR: "agency",
        Role.REGIONAL: "region",
        Role.DPO: "region",
    }.get(role)
    Membership.objects.create(user=user, role=role, **({field: place} if field else {}))
    user.__dict__.pop("scope", None)  # memberships changed: recompute the cached scope
    return user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Budi Santoso {n}")
    sex = Person.Sex.MALE
    birth_date = dt.date(1990, 5, 17)
    birth_place = "Amuntai"
    nik = factory.LazyAttributeSequence(lambda person, n: plausible_nik(person.birth_date, person.sex, n))


def plausible_nik(birth_date: dt.date | None, sex: str, serial: int) -> str:
    """A NIK the forms accept and that agrees with the person: Kalimantan Selatan (63), Hulu Sungai Utara
    (08), a district and serial from `serial`, the date of birth (day + 40 for women). Districts from 50 on:
    the NIKs tests write out themselves are of district 01."""
    born = birth_date or dt.date(1990, 1, 1)
    day = born.day + (40 if sex == Person.Sex.FEMALE else 0)
    return f"6308{50 + serial // 10_000 % 50:02d}{day:02d}{born:%m%y}{serial % 10_000:04d}"


def admit(
    person: Person,
    institution: Institution,
    *,
    on: dt.date = dt.date(2025, 1, 10),
    offence: str = Admission.Offence.NARCOTICS_USER,
    category: str = Admission.RegisterCategory.B_I,
    number: str | None = None,
) -> Admission:
    """An open admission with its first movement, as the registration service leaves it."""
    admission = Admission.objects.create(
        person=person,
        institution=institution,
        register_number=number or f"B.I {person.pk:04d}/2025",
        register_category=category,
        admitted_on=on,
        offence=offence,
    )
    Movement.objects.create(
        admission=admission, kind=Movement.Kind.ADMISSION, on=on, to_institution=institution
    )
    return admission


def release(person, institution, *, admitted, released, release_type="parole") -> Admission:
    """A closed custody spell (the release written straight onto it, as the cohort figures read it)."""
    admission = admit(person, institution, on=admitted)
    admission.released_on, admission.release_type = released, release_type
    admission.save()
    return admission


def link_admission(
    person: Person, institution: Institution, *, by, on: dt.date, reason="NIK sama"
) -> Admission:
    """A new admission added to an existing person's record through registration matching."""
    from inmates import services

    return services.admission_link(
        by=by,
        person=person,
        admission=Admission(
            institution=institution,
            admitted_on=on,
            register_number=f"B.I L{person.pk:04d}/2026",
            register_category=Admission.RegisterCategory.B_I,
            offence=Admission.Offence.NARCOTICS_USER,
        ),
        reason=reason,
        match_reason="same NIK",
    )


def make_agreement(
    *,
    institutions,
    agencies,
    valid_from: dt.date = dt.date(2025, 1, 1),
    valid_until: dt.date | None = dt.date(2027, 12, 31),
    signed_on: dt.date | None = "valid_from",
    scopes=tuple(Agreement.Scope.values),
    number: str | None = None,
    terminated_on: dt.date | None = None,
    replaces: Agreement | None = None,
) -> Agreement:
    """An agreement between these parties, signed on its first day unless told otherwise."""
    agreement = Agreement.objects.create(
        number=number or f"PKS/{Agreement.objects.count() + 1:04d}/{valid_from.year}",
        title="Kerja sama rehabilitasi",
        signed_on=valid_from if signed_on == "valid_from" else signed_on,
        valid_from=valid_from,
        valid_until=valid_until,
        terminated_on=terminated_on,
        termination_reason="Diakhiri para pihak" if terminated_on else "",
        replaces=replaces,
    )
    agreement.institutions.set(institutions)
    agreement.agencies.set(agencies)
    AgreementScope.objects.bulk_create(AgreementScope(agreement=agreement, scope=scope) for scope in scopes)
    return agreement


def pdf_bytes(*, padding: int = 0) -> bytes:
    """A real one-page PDF; `padding` bytes of metadata make it as large as a test needs."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if padding:
        writer.add_metadata({"/Padding": "x" * padding})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def export_file(client, url: str, params: dict | None = None, **answers):
    """Export a list as a user does: the form asks who receives it and what for (and why, for many people),
    then the file comes through its hand-over link. Returns the download's response."""
    query = ("?" + urlencode(params)) if params else ""
    asked = client.get(url + query)
    assert asked.status_code == 200, asked.status_code
    data = {"recipient": "Kanwil Kalsel, bidang pembinaan", "purpose": "Monthly check", **answers}
    if "reason" in asked.content.decode() and "id_reason" in asked.content.decode():
        data.setdefault("reason", "The whole list is needed for the check.")
    sent = client.post(url + query, data)
    assert sent.status_code == 302, sent.status_code
    return client.get(sent["Location"])
