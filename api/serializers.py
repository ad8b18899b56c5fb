"""What the API says about a person and their custody spells: the fields the person page shows, the NIK by
the same rule (in full for staff who may correct the record, masked otherwise)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from inmates.models import Admission, Person
from inmates.templatetags.nik import masked

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

    @extend_schema_field(serializers.CharField(allow_blank=True))
    def get_nik(self, person: Person) -> str:
        editable = self.context.get("editable_ids", frozenset())
        if not person.nik:
            return ""
        return person.nik if person.pk in editable else masked(person.nik)
