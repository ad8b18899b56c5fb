import pytest
from django.db import IntegrityError, transaction

from accounts.models import Membership, Role
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "role, place",
    [
        (Role.UPT_STAFF, None),  # staff without an institution
        (Role.COUNSELLOR, "institution"),  # a counsellor attached to a prison instead of an agency
        (Role.NATIONAL, "region"),  # a national officer tied to one region
    ],
)
def test_membership_place_must_match_role(role, place, institution, region):
    places = {"institution": {"institution": institution}, "region": {"region": region}, None: {}}[place]
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=UserFactory(), role=role, **places)


def test_a_user_may_hold_several_memberships(institution, region):
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.UPT_STAFF, institution=institution)
    Membership.objects.create(user=user, role=Role.REGIONAL, region=region)
    assert user.scope.roles == {Role.UPT_STAFF, Role.REGIONAL}
    assert user.scope.staff_institution_ids == {institution.pk}


def test_only_upt_staff_can_head_a_upt(db, agency):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role=Role.COUNSELLOR, agency=agency, is_head=True)
