"""Shared fixtures: two regions, an institution in each, and one user per role and place.

The three-user habit (allowed, read-only, outsider) uses: staff of the institution (allowed), the
region's officer (read-only), and staff of the other region's institution (outsider).
"""

import copy
import datetime as dt
import fcntl
import uuid

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

from accounts.models import Role
from tests import quick_flush
from tests.factories import (
    FAST_PASSWORD_HASHERS,
    TEST_PASSWORD,
    AgencyFactory,
    InstitutionFactory,
    PersonFactory,
    RegionFactory,
    UserFactory,
    admit,
    membership,
)


@pytest.fixture(scope="session", autouse=True)
def _quick_flush():
    # After a transactional test, only the tables it wrote to are emptied (tests/quick_flush.py).
    quick_flush.install()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


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


@pytest.fixture
def empty_database(db, tmp_path):
    """An empty database of its own beside the test database (on PostgreSQL's server a new one, named after
    the test database and unique; on SQLite a file), as the connection alias "empty" while the test runs;
    dropped afterwards. For migrations tested from their start, which the test database, migrated to the end,
    would first have to be taken back from (Django renders every model's state for every step of the way)."""
    from django.db import connections

    default = connections["default"]
    settings_dict = copy.deepcopy(default.settings_dict)
    settings_dict["TEST"] = {}
    postgresql = default.vendor == "postgresql"
    if postgresql:
        settings_dict["NAME"] = f"{default.settings_dict['NAME']}_e{uuid.uuid4().hex[:10]}"
        quoted = default.ops.quote_name(settings_dict["NAME"])
        with default.creation._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quoted}")
    else:
        settings_dict["NAME"] = str(tmp_path / "empty.sqlite3")
    connections.settings["empty"] = settings_dict
    try:
        # Connected here: Django's test case lets a connection be opened on demand only to the aliases it was
        # given before the test, and this one did not exist then.
        connections["empty"].connect()
        yield connections["empty"]
    finally:
        connections["empty"].close()
        del connections["empty"]
        del connections.settings["empty"]
        if postgresql:
            with default.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


# What django_db_setup did on the template path (tests/config/test_test_databases.py): the template's name and
# when this worker's copy of it was made.
COPIED_FROM_TEMPLATE = pytest.StashKey[tuple[str, dt.datetime]]()


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
    tmp_path_factory,
):
    """pytest-django's test databases, but on PostgreSQL under xdist one run migrates one database, not one
    per worker: migrating takes about 20 s on a 2-core machine alone, and three workers migrating their own
    at once took over 40 s each before their first test.

    A worker that would have to create its database (--create-db, as CI runs; or --reuse-db with none yet)
    takes a lock in the folder the workers share. The first to take it builds `test_<name>_template` by
    migrating it (dropped first if an earlier run left one); each, in turn, then creates its own database
    as a copy (`CREATE DATABASE ... TEMPLATE`), and pytest-django goes on as with --reuse-db: migrate finds
    every migration applied. SQLite, one process, --nomigrations and a kept database that exists take
    pytest-django's own way."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    if not django_db_use_migrations:
        _disable_migrations()
    keepdb = django_db_keepdb and not django_db_createdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    with django_db_blocker.unblock():
        default = connections["default"]
        if (
            worker
            and "default" in aliases
            and django_db_use_migrations
            and default.vendor == "postgresql"
            and (not keepdb or not _database_exists(default, default.creation._get_test_db_name()))
        ):
            template = _copy_of_a_migrated_template(default, worker, tmp_path_factory.getbasetemp().parent)
            request.config.stash[COPIED_FROM_TEMPLATE] = (template, dt.datetime.now(dt.UTC))
            keepdb = True
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=keepdb,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            try:
                teardown_databases(db_cfg, verbosity=request.config.option.verbose)
            except Exception as exc:
                request.node.warn(
                    pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}")
                )


def _database_exists(connection, name: str) -> bool:
    with connection.creation._nodb_cursor() as cursor:
        return connection.creation._database_exists(cursor, name)


def _copy_of_a_migrated_template(connection, worker: str, shared_folder) -> str:
    """This worker's test database, created as a copy of the run's migrated template database; the template
    built first by whichever worker comes first (the others wait on the lock). The template's name."""
    test_settings = connection.settings_dict["TEST"]
    own = test_settings["NAME"]  # test_<name>_gwN: pytest-django put the worker's suffix in
    template = f"{own.removesuffix(f'_{worker}')}_template"
    quote = connection.ops.quote_name
    with open(shared_folder / f"{template}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        built = shared_folder / f"{template}.built"
        if not built.exists():
            name = connection.settings_dict["NAME"]
            test_settings["NAME"] = template
            try:
                connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            finally:
                # Back to the database settings name; closes the connection, which CREATE DATABASE ...
                # TEMPLATE needs (a template must have no one connected to it), and drops nothing (keepdb).
                connection.creation.destroy_test_db(name, verbosity=0, keepdb=True)
                test_settings["NAME"] = own
            built.touch()
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(own)}")
            cursor.execute(f"CREATE DATABASE {quote(own)} TEMPLATE {quote(template)}")
    return template
