"""Production security settings as a browser meets them: HTTPS only, secure cookies, HSTS, and a Content
Security Policy with no inline scripts or styles (the browser journeys check the pages satisfy it)."""

import json

import pytest
from django.urls import reverse

from tests.config.test_settings import run_manage

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-for-the-check-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "rehab.example.org",
}


def test_production_settings_force_https_secure_cookies_and_hsts():
    result = run_manage(
        "shell",
        "-c",
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_HTTPONLY', 'X_FRAME_OPTIONS', "
        "'SESSION_IDLE_TIMEOUT', 'LOGIN_FAILURE_LIMIT']}))",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SECURE_SSL_REDIRECT"] and values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SESSION_IDLE_TIMEOUT"] == 1800 and values["LOGIN_FAILURE_LIMIT"] == 5


@pytest.mark.django_db
def test_every_page_carries_a_policy_without_inline_scripts_or_styles(login, staff, person):
    response = login(staff).get(reverse("inmates:person-detail", args=[person.pk]))
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_login_page_and_error_pages_carry_it_too(client):
    assert "script-src 'self'" in client.get(reverse("accounts:login")).headers["Content-Security-Policy"]
    assert "script-src 'self'" in client.get("/no-such-page/").headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_only_the_admin_allows_inline_styles_and_never_inline_scripts(login, national):
    national.is_staff = national.is_superuser = True
    national.save()
    policy = login(national).get(reverse("admin:index")).headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy


def test_templates_hold_no_inline_script_or_style():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for template in root.rglob("*.html"):
        if "pdf" in template.parts:
            continue  # rendered by WeasyPrint on the server, never shown in a browser
        text = template.read_text()
        for marker in (
            "<script>",
            "<style",
            ' style="',
            " onclick=",
            " onchange=",
            " onload=",
            "javascript:",
        ):
            if marker in text:
                offenders.append(f"{template.relative_to(root)}: {marker.strip()}")
        if "<script" in text and "src=" not in text.split("<script", 1)[1].split(">", 1)[0]:
            offenders.append(f"{template.relative_to(root)}: <script> without src")
    assert not offenders, offenders


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["person", "list", "export"], ids=["person page", "WBP list", "CSV export"])
def test_pages_with_personal_data_are_never_stored_by_the_browser(login, staff, person, page):
    url = {
        "person": reverse("inmates:person-detail", args=[person.pk]),
        "list": reverse("inmates:admission-list"),
        "export": reverse("inmates:admission-export"),
    }[page]
    response = login(staff).get(url)
    assert response.status_code == 200
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_a_missing_page_never_lists_the_sites_urls_with_debug_on(login, staff, settings, client):
    settings.DEBUG = True
    for response in (login(staff).get("/no-such-page/"), client.get("/login/no-such-page/")):
        assert response.status_code == 404
        page = response.content.decode()
        assert "URLconf" not in page and "penerimaan/" not in page  # no URL pattern listed
        assert "Not found" in page or "Tidak ditemukan" in page
    settings.DEBUG_URL_LIST = True  # a developer who asks for it
    assert "URLconf" in login(staff).get("/no-such-page/").content.decode()
