import datetime as dt

import factory

from accounts.models import Membership, Role, User
from inmates.models import Admission, Movement, Person
from institutions.models import Agency, Institution, Region, TimeZones

TEST_PASSWORD = "a-long-test-password-1"


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
    field = {Role.UPT_STAFF: "institution", Role.COUNSELLOR: "agency", Role.REGIONAL: "region"}.get(role)
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
    nik = factory.Sequence(lambda n: f"6308{n:012d}")


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
