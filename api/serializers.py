"""What the API says about a person and their custody spells: the fields the person page shows, the NIK by
the same rule (in full for staff who may correct the record, masked otherwise)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from inmates.models import Admission, Person
from inmates.templatetags.nik import masked


def nik_in_full_for(user, person_ids) -> frozenset[int]:
    """Those of `person_ids` whose NIK the caller sees in full: people they may correct (the person page's
    rule), asked of these people only, in one query; only staff may correct anyone."""
    if not user.scope.staff_institution_ids or not person_ids:
        return frozenset()
    return frozenset(Person.objects.editable_by(user).filter(pk__in=person_ids).values_list("pk", flat=True))


SPELL_EXAMPLE = {
    "id": 302,
    "institution": "lapas-amuntai",
    "register_number": "B.I 017/2025",
    "register_category": "B.I",
    "admitted_on": "2025-01-10",
    "offence": "narcotics_user",
    "sentence_months": 48,
    "expected_release": "2029-01-09",
    "released_on": None,
    "release_type": "",
}


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A custody spell",
            response_only=True,
            value={**SPELL_EXAMPLE, "person": 12, "person_name": "Ahmad Fauzan"},
        )
    ]
)
class AdmissionSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    person = serializers.PrimaryKeyRelatedField(read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = Admission
        fields = [
            "id",
            "person",
            "person_name",
            "institution",
            "register_number",
            "register_category",
            "admitted_on",
            "offence",
            "sentence_months",
            "expected_release",
            "released_on",
            "release_type",
        ]


class CustodySpellSerializer(AdmissionSerializer):
    class Meta(AdmissionSerializer.Meta):
        fields = [name for name in AdmissionSerializer.Meta.fields if name not in ("person", "person_name")]


class PeopleSerializer(serializers.ListSerializer):
    """A page of people: the NIK rule asked once, of the people on it."""

    def to_representation(self, data):
        people = list(data.all() if hasattr(data, "all") else data)
        user = self.context["request"].user
        self.context["editable_ids"] = nik_in_full_for(user, [person.pk for person in people])
        return super().to_representation(people)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Read by a counsellor (NIK masked)",
            response_only=True,
            value={
                "id": 12,
                "full_name": "Ahmad Fauzan",
                "other_names": "Ojan",
                "nik": "6308••••••••0001",
                "sex": "M",
                "birth_date": "1990-05-17",
                "birth_place": "Amuntai",
                "admissions": [SPELL_EXAMPLE],
            },
        )
    ]
)
class PersonSerializer(serializers.ModelSerializer):
    nik = serializers.SerializerMethodField()
    admissions = CustodySpellSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "other_names", "nik", "sex", "birth_date", "birth_place", "admissions"]
        list_serializer_class = PeopleSerializer

    @extend_schema_field(serializers.CharField(allow_blank=True))
    def get_nik(self, person: Person) -> str:
        if not person.nik:
            return ""
        editable = self.context.get("editable_ids")  # a page's, asked once (PeopleSerializer)
        if editable is None:  # one person alone
            editable = nik_in_full_for(self.context["request"].user, [person.pk])
        return person.nik if person.pk in editable else masked(person.nik)
