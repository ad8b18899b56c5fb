"""Shared fixtures: two regions, an institution in each, and one user per role and place.

The three-user habit (allowed, read-only, outsider) uses: staff of the institution (allowed), the
region's officer (read-only), and staff of the other region's institution (outsider).
"""

import copy

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role
from tests.factories import (
    TEST_PASSWORD,
    AgencyFactory,
    InstitutionFactory,
    PersonFactory,
    RegionFactory,
    UserFactory,
    admit,
    membership,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is not what these tests are about; the real hasher would only slow every login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _figures_on_the_tests_connection(settings):
    # A test's rows are in its own transaction, which the other connections of core.parallel_reads cannot
    # see: the figures are read on the test's connection, one piece after another. tests/core/
    # test_parallel_reads.py commits its rows and runs them side by side.
    settings.PARALLEL_READ_CONNECTIONS = 1


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(settings, tmp_path):
    # Uploaded documents go to a folder of the test's own, never into the checkout.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def region(db):
    return RegionFactory(
        code="kalsel", name="Kanwil Ditjenpas Kalimantan Selatan", province="Kalimantan Selatan"
    )


@pytest.fixture
def other_region(db):
    return RegionFactory(
        code="jatim", name="Kanwil Ditjenpas Jawa Timur", province="Jawa Timur", time_zone="Asia/Jakarta"
    )


@pytest.fixture
def institution(region):
    return InstitutionFactory(code="lapas-amuntai", name="Lapas Kelas IIB Amuntai", region=region)


@pytest.fixture
def sister_institution(region):
    """Another UPT in the same region: its staff are outsiders to `institution`'s WBP."""
    return InstitutionFactory(
        code="rutan-barabai", name="Rutan Kelas IIB Barabai", kind="rutan", region=region
    )


@pytest.fixture
def other_institution(other_region):
    return InstitutionFactory(code="lapas-banyuwangi", name="Lapas Kelas IIA Banyuwangi", region=other_region)


@pytest.fixture
def agency(region):
    return AgencyFactory(code="bnnk-hsu", name="BNNK Hulu Sungai Utara", region=region)


@pytest.fixture
def staff(institution):
    return membership(UserFactory(username="staf.amuntai"), Role.UPT_STAFF, institution)


@pytest.fixture
def sister_staff(sister_institution):
    return membership(UserFactory(username="staf.barabai"), Role.UPT_STAFF, sister_institution)


@pytest.fixture
def outsider(other_institution):
    return membership(UserFactory(username="staf.banyuwangi"), Role.UPT_STAFF, other_institution)


@pytest.fixture
def regional(region):
    return membership(UserFactory(username="kanwil.kalsel"), Role.REGIONAL, region)


@pytest.fixture
def other_regional(other_region):
    return membership(UserFactory(username="kanwil.jatim"), Role.REGIONAL, other_region)


@pytest.fixture
def national(db):
    return membership(UserFactory(username="ditjenpas"), Role.NATIONAL)


@pytest.fixture
def counsellor(agency):
    return membership(UserFactory(username="konselor.bnnk-hsu"), Role.COUNSELLOR, agency)


@pytest.fixture
def person(institution):
    person = PersonFactory(full_name="Ahmad Fauzan", nik="6308011705900001")
    admit(person, institution, number="B.I 017/2025")
    return person


@pytest.fixture
def login(db):
    """A client logged in as the user, reading English so assertions read like the source strings.

    The plain `client` fixture keeps the default language (Indonesian); tests of the Indonesian UI use it.
    """

    def _login(user):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL, a "replica" alias for the read-replica tests (tests/core/test_replica.py): a second
    connection to this test database (of this xdist worker) whose transactions are read-only, so a write that
    strays there fails. The router sends nothing there unless a test sets READ_REPLICA (a test in a
    transaction of the primary would find none of its rows there), whatever DATABASE_REPLICA_URL says."""
    from django.db import connections

    settings.READ_REPLICA = ""

    default = connections.settings["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        connections.settings.pop("replica", None)
        return
    replica = copy.deepcopy(default)
    options = f"{default.get('OPTIONS', {}).get('options', '')} -c default_transaction_read_only=on"
    replica["OPTIONS"] = {**default.get("OPTIONS", {}), "options": options.strip()}
    replica["TEST"] = {**default.get("TEST", {}), "MIRROR": "default"}
    connections.settings["replica"] = replica
