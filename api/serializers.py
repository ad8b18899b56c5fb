"""What the API says about a person and their custody spells: the fields the person page shows, the NIK by
the same rule (in full for staff who may correct the record, masked otherwise)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inmates.models import Admission, Person
from inmates.templatetags.nik import masked


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
