import datetime as dt
import zoneinfo

import pytest

from accounts.models import Membership, Role
from privacy import services
from tests.factories import UserFactory, membership
from tests.rehab.conftest import programme, rehab_agreement  # noqa: F401 - fixtures used here too

WITA = zoneinfo.ZoneInfo("Asia/Makassar")  # the fixtures' region (Kalimantan Selatan)
RECEIVED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=WITA)


@pytest.fixture
def dpo(region):
    return membership(UserFactory(username="dpo.kalsel", email="dpo.kalsel@example.org"), Role.DPO, region)


@pytest.fixture
def national_dpo(db):
    user = UserFactory(username="dpo.pusat", email="dpo@example.org")
    Membership.objects.create(user=user, role=Role.DPO)
    return user


@pytest.fixture
def access_request(staff, person, institution):
    return services.register_request(
        actor=staff,
        person=person,
        institution=institution,
        kind="access",
        received_at=RECEIVED,
        requested_by="The person",
        identity_check="in_custody",
        identity_details="Register number and photograph",
        details="A copy of everything held about me.",
    )
