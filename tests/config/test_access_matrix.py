"""The access matrix: every URL of the project × every role → what a GET answers, on a world of real objects.

MATRIX below is the single table. Each row is one route name as `tests.urls.iter_routes()` yields it (the
admin included); each column one role, a real user built from the factories:

    A   anonymous
    S   UPT staff of the institution holding the objects (Lapas Amuntai, Kalsel)
    H   the head (Kalapas) of that institution: UPT staff who also approves recommendations
    SS  UPT staff of a sister institution in the same region (Rutan Barabai, Kalsel)
    SO  UPT staff of an institution in another region (Lapas Banyuwangi, Jatim)
    C   counsellor whose agency has an agreement in force with the institution, covering every scope
    CN  counsellor whose agency (same region) has no agreement
    CX  counsellor whose agency's agreement with the institution has expired
    R   regional officer of the institution's region (Kanwil Kalsel)
    RO  regional officer of another region (Kanwil Jatim)
    N   national officer (Ditjenpas), staff in the admin for reference data as `load_demo` makes them
    D   national data-protection officer: the audit trail and the reviews of access, never a person's record

Outcomes: LOGIN (sent to the login page, also through the admin's own login redirect), 200, 302 (a redirect
by design), 403 (seen but not theirs to change, or a page for other roles), 404 (outside their scope), 405
(POST-only route asked with GET). Expected values follow shared/DESIGN.md: outsiders get 404, read-only users
403 on write pages, counselling notes only for the delivering agency's counsellors.

A new route without a row, or a row whose route is gone, fails `test_every_route_has_a_row`.

The API's routes have a second table, PARTNER: partner systems calling with an OAuth2 access token (client
credentials) of an agency, which see what the agency's counsellors see under the agreements in force:

    PC   the agency with the agreement in force (BNNK HSU), the client given every scope
    PCX  the agency whose agreement has expired (BNNP Kalsel)
    PCW  an agency whose agreement in force covers after-care only (the wrong scope for inside work)
    PCS  BNNK HSU again, its client given only the after-care scope (403 where the work is another kind)
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import logging
import re
from collections import defaultdict
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse

from accounts.models import Membership, Role
from assessments.models import Recommendation
from inmates import services as inmates_services
from institutions.models import Institution, TimeZones
from privacy import breaches as privacy_breaches
from privacy import consent as privacy_consent
from privacy import services as privacy_services
from rehab import services as rehab_services
from rehab.models import Attendance, Note, Programme, ProgrammePhase
from reports.models import Report
from reports.publication import snapshot as report_snapshot
from subscriptions.models import Delivery, Subscription
from tests.assessments.test_views import assess, screen
from tests.factories import (
    FAST_PASSWORD_HASHERS,
    AgencyFactory,
    InstitutionFactory,
    PersonFactory,
    RegionFactory,
    UserFactory,
    admit,
    link_admission,
    make_agreement,
    membership,
    pdf_bytes,
)
from tests.rehab.conftest import make_enrolment, plan
from tests.rehab.test_services import local
from tests.urls import iter_routes

ROLES = ("A", "S", "H", "SS", "SO", "C", "CN", "CX", "R", "RO", "N", "D")
L = LOGIN = "login"


def row(*outcomes) -> dict[str, int | str]:
    assert len(outcomes) == len(ROLES), outcomes
    return dict(zip(ROLES, outcomes, strict=True))


def everyone(outcome) -> dict[str, int | str]:
    """The same answer for every signed-in user; anonymous visitors go to the login page."""
    return row(L, *[outcome] * (len(ROLES) - 1))


def admin(national) -> dict[str, int | str]:
    """Admin pages: anonymous visitors go to the login page; signed-in users who are not admin staff are
    sent to the admin's login, which refuses them (403, config/urls.py); national officers get `national`."""
    return row(L, 403, 403, 403, 403, 403, 403, 403, 403, 403, national, 403)


# fmt: off
MATRIX: dict[str, dict[str, int | str]] = {
    #                                        A    S    H    SS   SO   C    CN   CX   R    RO   N    D
    # --- config, accounts ---------------------------------------------------------------------------
    "healthz":                           row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "set_language":                      row(302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),  # GET: back to the page, no cookie  # noqa: E501
    "home":                              everyone(200),
    "audit-events":                      row(L,   403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200),
    "accounts:login":                    row(200, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),  # signed in: home  # noqa: E501
    "accounts:logout":                   everyone(405),  # POST only
    "accounts:password-change":          everyone(200),
    "accounts:account":                  everyone(200),
    "accounts:password-reset-confirm":   row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),  # a used or bad link: says so  # noqa: E501
    "access-change-list":                row(L,   403, 200, 403, 403, 403, 403, 403, 403, 403, 403, 200),  # heads and the DPO  # noqa: E501
    # --- institutions -------------------------------------------------------------------------------
    "institutions:region-list":          everyone(200),
    "institutions:region-detail":        row(L,   200, 200, 200, 404, 404, 404, 404, 200, 404, 200, 404),
    "institutions:institution-list":     everyone(200),
    "institutions:institution-detail":   row(L,   200, 200, 404, 404, 404, 404, 404, 200, 404, 200, 404),
    "institutions:agency-list":          everyone(200),
    "institutions:agency-detail":        row(L,   200, 200, 200, 404, 200, 404, 404, 200, 404, 200, 404),
    # --- inmates ------------------------------------------------------------------------------------
    "inmates:admission-list":            everyone(200),
    "inmates:admission-export":          everyone(200),  # scoped CSV
    "inmates:person-create":             row(L,   200, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403),
    "inmates:person-detail":             row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "case-summary":                      row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "inmates:person-edit":               row(L,   200, 200, 404, 404, 403, 404, 404, 403, 404, 403, 404),
    "inmates:admission-create":          row(L,   200, 200, 404, 404, 403, 404, 404, 403, 404, 403, 404),
    "inmates:admission-transfer":        row(L,   200, 200, 404, 404, 403, 404, 404, 403, 404, 403, 404),
    "inmates:admission-release":         row(L,   200, 200, 404, 404, 403, 404, 404, 403, 404, 403, 404),
    "inmates:person-merge":              row(L,   200, 200, 404, 404, 403, 404, 404, 403, 404, 403, 404),  # asks first  # noqa: E501
    "inmates:person-merge-undo":         everyone(405),
    "inmates:person-distinct":           everyone(405),
    "inmates:person-distinct-undo":      everyone(405),
    "inmates:link-review":               row(L,   403, 200, 403, 403, 403, 403, 403, 403, 403, 403, 200),  # heads and the DPO  # noqa: E501
    "inmates:link-undo":                 everyone(405),
    "inmates:link-reviewed":             everyone(405),
    # --- agreements ---------------------------------------------------------------------------------
    "agreements:agreement-list":         everyone(200),
    "agreements:agreement-create":       row(L,   200, 200, 200, 200, 403, 403, 403, 200, 200, 200, 403),
    "agreements:agreement-detail":       row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "agreements:agreement-edit":         row(L,   200, 200, 404, 404, 403, 404, 404, 200, 404, 200, 404),
    "agreements:agreement-terminate":    row(L,   200, 200, 404, 404, 403, 404, 404, 200, 404, 200, 404),
    "agreements:agreement-renew":        row(L,   200, 200, 404, 404, 403, 404, 404, 200, 404, 200, 404),
    "agreements:agreement-document":     row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    # --- assessments --------------------------------------------------------------------------------
    "assessments:worklist":              everyone(200),
    "assessments:screening-create":      row(L,   200, 200, 404, 404, 200, 404, 404, 403, 404, 403, 404),
    "assessments:screening-detail":      row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "assessments:assessment-create":     row(L,   200, 200, 404, 404, 200, 404, 404, 403, 404, 403, 404),
    "assessments:assessment-detail":     row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "assessments:recommendation-create": row(L,   200, 200, 404, 404, 200, 404, 404, 403, 404, 403, 404),
    "assessments:recommendation-approve":row(L,   403, 200, 404, 404, 403, 404, 404, 403, 404, 403, 404),  # the head only  # noqa: E501
    # --- rehab --------------------------------------------------------------------------------------
    "rehab:programme-list":              everyone(200),
    "rehab:programme-create":            row(L,   200, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403),
    "rehab:programme-detail":            row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "rehab:programme-edit":              row(L,   200, 200, 404, 404, 403, 404, 404, 403, 404, 403, 404),
    "rehab:participant-export":          row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "rehab:attendance-export":           row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "rehab:enrolment-create":            row(L,   200, 200, 404, 404, 200, 404, 404, 403, 404, 403, 404),
    "rehab:enrolment-move":              everyone(405),
    "rehab:phase-create":                row(L,   200, 200, 404, 404, 403, 404, 404, 403, 404, 403, 404),  # as programme-edit  # noqa: E501
    "rehab:phase-edit":                  row(L,   200, 200, 404, 404, 403, 404, 404, 403, 404, 403, 404),
    "rehab:phase-delete":                everyone(405),
    "rehab:phase-move":                  everyone(405),
    "rehab:quality-of-life":             row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "rehab:quality-of-life-take":        row(L,   200, 200, 404, 404, 200, 404, 404, 403, 404, 403, 404),
    "rehab:session-create":              row(L,   200, 200, 404, 404, 200, 404, 404, 403, 404, 403, 404),
    "rehab:session-detail":              row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "rehab:session-edit":                row(L,   200, 200, 404, 404, 200, 404, 404, 403, 404, 403, 404),
    "rehab:session-cancel":              row(L,   200, 200, 404, 404, 200, 404, 404, 403, 404, 403, 404),
    "rehab:session-attendance":          everyone(405),
    "rehab:note-create":                 everyone(405),
    "rehab:calendar":                    everyone(200),
    "rehab:my-week":                     everyone(200),
    "rehab:followup-list":               everyone(200),
    "rehab:session-gaps":                everyone(200),
    "rehab:aftercare-list":              everyone(200),  # scoped: each sees the plans in reach, or none
    "rehab:aftercare-detail":            row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "rehab:aftercare-assign":            row(L,   200, 200, 404, 404, 403, 404, 404, 403, 404, 403, 404),
    "rehab:followup-record":             row(L,   200, 200, 404, 404, 200, 404, 404, 403, 404, 403, 404),
    # --- reports ------------------------------------------------------------------------------------
    "reports:recidivism":                row(L,   200, 200, 200, 200, 403, 403, 403, 200, 200, 200, 403),
    # Officers only; asked for Kalsel's UPTs (?region=), the other region's officer is an outsider.
    "dashboard:participation":           row(L,   403, 403, 403, 403, 403, 403, 403, 200, 404, 200, 403),
    "reports:report-list":               everyone(200),
    "reports:report-create":             everyone(405),
    "reports:report-detail":             row(L,   200, 200, 404, 404, 404, 404, 404, 200, 404, 200, 404),
    "reports:report-download":           row(L,   200, 200, 404, 404, 404, 404, 404, 200, 404, 200, 404),
    "reports:report-xlsx":               row(L,   200, 200, 404, 404, 404, 404, 404, 200, 404, 200, 404),
    "reports:signatory-list":            row(L,   200, 200, 200, 200, 403, 403, 403, 200, 200, 200, 403),  # each office its own  # noqa: E501
    "reports:signatory-edit":            row(L,   200, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404),  # the UPT's: its staff only  # noqa: E501
    "reports:report-reissue":            everyone(405),
    # --- subscriptions (emails when a report is ready) -------------------------------------------------
    "subscriptions:subscription-list":   everyone(200),  # one's own; places offered by scope
    "subscriptions:subscription-create": everyone(405),
    "subscriptions:subscription-delete": everyone(405),
    "subscriptions:delivery-retry":      everyone(405),
    # --- exchange (SDP imports) ---------------------------------------------------------------------
    "exchange:import-list":              row(L,   200, 200, 200, 200, 403, 403, 403, 200, 200, 200, 403),
    "exchange:import-detail":            row(L,   200, 200, 404, 404, 404, 404, 404, 200, 404, 200, 404),
    "exchange:import-rejected":          row(L,   200, 200, 404, 404, 404, 404, 404, 200, 404, 200, 404),
    "exchange:import-mapping":           everyone(405),
    "exchange:import-apply":             everyone(405),
    "exchange:item-list":                row(L,   200, 200, 200, 200, 403, 403, 403, 200, 200, 200, 403),
    "exchange:item-detail":              row(L,   200, 200, 404, 404, 404, 404, 404, 200, 404, 200, 404),
    "exchange:left-release":             everyone(405),
    "exchange:left-still-held":          everyone(405),
    "exchange:review-link":              everyone(405),
    "exchange:review-create":            everyone(405),
    "exchange:transfer-noted":           everyone(405),
    # --- privacy (UU 27/2022) -----------------------------------------------------------------------
    "privacy:request-list":              row(L,   200, 200, 200, 200, 403, 403, 403, 200, 200, 200, 200),
    "privacy:request-create":            row(L,   200, 200, 200, 200, 403, 403, 403, 403, 403, 403, 200),
    "privacy:request-detail":            row(L,   200, 200, 404, 404, 404, 404, 404, 200, 404, 200, 200),
    "privacy:request-step":              everyone(405),
    "privacy:request-answer":            everyone(405),
    "privacy:emergency-list":            row(L,   200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 200),
    "privacy:emergency-request":         row(L,   200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 403),
    "privacy:emergency-review":          everyone(405),
    "privacy:dpia":                      row(L,   403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200),
    "privacy:dpia-version":              row(L,   403, 403, 403, 403, 403, 403, 403, 403, 403, 404, 404),  # no version yet  # noqa: E501
    "privacy:retention":                 row(L,   403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200),
    "privacy:retention-rule":            everyone(405),
    "privacy:retention-plan":            everyone(405),
    "privacy:retention-approve":         everyone(405),
    "privacy:breach-list":               row(L,   403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200),
    "privacy:breach-create":             row(L,   403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200),
    "privacy:breach-detail":             row(L,   403, 403, 403, 403, 403, 403, 403, 200, 404, 200, 200),
    "privacy:breach-update":             everyone(405),
    "privacy:breach-letter":             row(L,   403, 403, 403, 403, 403, 403, 403, 403, 404, 403, 200),
    "privacy:consent":                   row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 200),
    "privacy:consent-withdraw":          everyone(405),
    "privacy:consent-form":              row(L,   200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 200),
    "privacy:hand-over":                 row(L,   404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200),  # its maker and the DPO  # noqa: E501
    # --- API (issue 19): the same rules as the pages; anonymous callers get 401, not a login page ---------
    "api:schema":                        row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:docs":                          everyone(200),
    "api-tokens":                        everyone(200),
    "api-token-revoke":                  everyone(405),
    "api:person-list":                   row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:person-detail":                 row(401, 200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "api:oauth-token":                   row(*[405] * 12),  # POST only, for partner systems' credentials
    "api:oauth-revoke":                  row(*[405] * 12),
    "api:not-found":                     row(*[404] * 12),  # a problem document, never the login page
    "api:fhir-not-found":                row(*[404] * 12),  # under the FHIR base: an OperationOutcome
    "api:custody-list":                  row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:custody-detail":                row(401, 200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "api:institution-list":              row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:institution-detail":            row(401, 200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "api:screening-list":                row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:screening-detail":              row(401, 200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "api:assessment-list":               row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:assessment-detail":             row(401, 200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "api:recommendation-list":           row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:recommendation-detail":         row(401, 200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "api:programme-list":                row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:programme-detail":              row(401, 200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "api:session-list":                  row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:session-detail":                row(401, 200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "api:session-record-attendance":     row(401, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "api:aftercare-plan-list":           row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:aftercare-plan-detail":         row(401, 200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "api:agreement-list":                row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:agreement-detail":              row(401, 200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    "api:report-list":                   row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:report-detail":                 row(401, 200, 200, 404, 404, 404, 404, 404, 200, 404, 200, 404),
    "api:fhir-everything":               row(401, 200, 200, 404, 404, 200, 404, 404, 200, 404, 200, 404),
    # --- admin (the national officer holds the demo's permissions: institutions, accounts, reports) --
    "admin:index":                              admin(200),
    "admin:login":                              admin(403),  # signed in: refused, even for admin staff
    "admin:logout":                             row(L,   302, 302, 302, 302, 302, 302, 302, 302, 302, 405, 302),  # non-admins: to the admin index  # noqa: E501
    "admin:password_change":                    admin(200),
    "admin:password_change_done":               admin(200),
    "admin:autocomplete":                       admin(200),
    "admin:jsi18n":                             admin(200),
    "admin:view_on_site":                       admin(302),
    "admin:app_list":                           admin(200),
    "admin:<unnamed <path:object_id>/>":        admin(302),  # /admin/<app>/<model>/<pk>/ → …/change/
    "admin:<unnamed (?P<url>.*)$>":             admin(404),  # the admin's catch-all
    "admin:auth_group_changelist":              admin(403),  # no permission on groups
    "admin:auth_group_add":                     admin(403),
    "admin:auth_group_history":                 admin(403),
    "admin:auth_group_delete":                  admin(403),
    "admin:auth_group_change":                  admin(403),
    "admin:institutions_region_changelist":     admin(200),
    "admin:institutions_region_add":            admin(200),
    "admin:institutions_region_history":        admin(200),
    "admin:institutions_region_delete":         admin(200),
    "admin:institutions_region_change":         admin(200),
    "admin:institutions_institution_changelist":admin(200),
    "admin:institutions_institution_add":       admin(200),
    "admin:institutions_institution_history":   admin(200),
    "admin:institutions_institution_delete":    admin(200),
    "admin:institutions_institution_change":    admin(200),
    "admin:institutions_agency_changelist":     admin(200),
    "admin:institutions_agency_add":            admin(200),
    "admin:institutions_agency_history":        admin(200),
    "admin:institutions_agency_delete":         admin(200),
    "admin:institutions_agency_change":         admin(200),
    "admin:accounts_user_changelist":           admin(200),
    "admin:accounts_user_add":                  admin(200),
    "admin:accounts_user_history":              admin(200),
    "admin:accounts_user_delete":               admin(200),
    "admin:accounts_user_change":               admin(200),
    "admin:auth_user_password_change":          admin(200),
    "admin:accounts_membership_changelist":     admin(200),
    "admin:accounts_membership_add":            admin(200),
    "admin:accounts_membership_history":        admin(200),
    "admin:accounts_membership_delete":         admin(200),
    "admin:accounts_membership_change":         admin(200),
    "admin:reports_report_changelist":          admin(200),
    "admin:reports_report_add":                 admin(403),  # reports are read-only in the admin
    "admin:reports_report_history":             admin(200),
    "admin:reports_report_delete":              admin(403),
    "admin:reports_report_change":              admin(200),  # read-only, the PDF linked to the download
}
# fmt: on


# --- The world -----------------------------------------------------------------------------------------

NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 2 March 2026, 09:00 WITA


@dataclasses.dataclass
class World:
    users: dict[str, object]
    objects: dict[str, object]
    clients: dict[str, Client] = dataclasses.field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


PARTNER_ROLES = ("PC", "PCX", "PCW", "PCS")

# fmt: off
PARTNER = {
    "api:schema":                        (200, 200, 200, 200),
    "api:docs":                          (L, L, L, L),  # for people: the login page
    "api:oauth-token":                   (405, 405, 405, 405),
    "api:oauth-revoke":                  (405, 405, 405, 405),
    "api:not-found":                     (404, 404, 404, 404),
    "api:fhir-not-found":                (404, 404, 404, 404),
    "api:person-list":                   (200, 200, 200, 200),
    "api:person-detail":                 (200, 404, 200, 200),  # any agreement in force opens the person
    "api:custody-list":                  (200, 200, 200, 200),
    "api:custody-detail":                (200, 404, 200, 200),
    "api:institution-list":              (200, 200, 200, 200),
    "api:institution-detail":            (200, 404, 200, 200),
    "api:screening-list":                (200, 200, 200, 403),
    "api:screening-detail":              (200, 404, 404, 403),
    "api:assessment-list":               (200, 200, 200, 403),
    "api:assessment-detail":             (200, 404, 404, 403),
    "api:recommendation-list":           (200, 200, 200, 403),
    "api:recommendation-detail":         (200, 404, 404, 403),
    "api:programme-list":                (200, 200, 200, 403),
    "api:programme-detail":              (200, 404, 404, 403),
    "api:session-list":                  (200, 200, 200, 403),
    "api:session-detail":                (200, 404, 404, 403),
    "api:session-record-attendance":     (405, 405, 405, 403),  # POST only; the scope is checked first
    "api:aftercare-plan-list":           (200, 200, 200, 200),
    "api:aftercare-plan-detail":         (200, 404, 404, 200),  # the plan is BNNK HSU's
    "api:agreement-list":                (200, 200, 200, 200),
    "api:agreement-detail":              (200, 404, 404, 200),
    "api:report-list":                   (200, 200, 200, 200),  # empty: reports are for officers
    "api:report-detail":                 (404, 404, 404, 404),
    "api:fhir-everything":               (200, 404, 200, 200),  # as the person; each part by rule and scope
}
# fmt: on


# The kwargs of each route with parameters, from the world's objects. Routes without any need no entry.
PATHS = {
    "institutions:region-detail": lambda w: w.region.get_absolute_url(),
    "institutions:institution-detail": lambda w: w.institution.get_absolute_url(),
    "institutions:agency-detail": lambda w: w.agency.get_absolute_url(),
    "inmates:person-detail": lambda w: w.person.get_absolute_url(),
    "case-summary": lambda w: reverse("case-summary", args=[w.person.pk]),
    "inmates:person-edit": lambda w: reverse("inmates:person-edit", args=[w.person.pk]),
    # A return to custody: the person released after rehabilitation.
    "inmates:admission-create": lambda w: reverse("inmates:admission-create", args=[w.released.pk]),
    "inmates:admission-transfer": lambda w: reverse("inmates:admission-transfer", args=[w.admission.pk]),
    "inmates:admission-release": lambda w: reverse("inmates:admission-release", args=[w.admission.pk]),
    # The confirmation page for merging two records of people in custody at Amuntai (it says why it cannot).
    "inmates:person-merge": lambda w: (
        reverse("inmates:person-merge", args=[w.person.pk]) + f"?merged={w.kept.pk}"
    ),
    "inmates:person-merge-undo": lambda w: reverse("inmates:person-merge-undo", args=[w.merge.pk]),
    "inmates:person-distinct": lambda w: reverse("inmates:person-distinct", args=[w.person.pk]),
    "inmates:person-distinct-undo": lambda w: reverse("inmates:person-distinct-undo", args=[w.told_apart.pk]),
    "inmates:link-undo": lambda w: reverse("inmates:link-undo", args=[w.link.pk]),
    "inmates:link-reviewed": lambda w: reverse("inmates:link-reviewed", args=[w.link.pk]),
    "accounts:password-reset-confirm": lambda w: reverse(
        "accounts:password-reset-confirm", args=["MQ", "no-such-token"]
    ),
    "agreements:agreement-detail": lambda w: w.agreement.get_absolute_url(),
    "agreements:agreement-edit": lambda w: reverse("agreements:agreement-edit", args=[w.agreement.pk]),
    "agreements:agreement-terminate": lambda w: reverse(
        "agreements:agreement-terminate", args=[w.agreement.pk]
    ),
    "agreements:agreement-renew": lambda w: reverse("agreements:agreement-renew", args=[w.agreement.pk]),
    "agreements:agreement-document": lambda w: reverse(
        "agreements:agreement-document", args=[w.agreement.pk]
    ),
    "assessments:screening-create": lambda w: reverse(
        "assessments:screening-create", args=[w.person.pk, "assist"]
    ),
    "assessments:screening-detail": lambda w: w.screening.get_absolute_url(),
    "assessments:assessment-create": lambda w: reverse("assessments:assessment-create", args=[w.person.pk]),
    "assessments:assessment-detail": lambda w: w.assessment.get_absolute_url(),
    # The second assessment has no recommendation yet (the first one's would send writers back to it).
    "assessments:recommendation-create": lambda w: reverse(
        "assessments:recommendation-create", args=[w.second_assessment.pk]
    ),
    "assessments:recommendation-approve": lambda w: reverse(
        "assessments:recommendation-approve", args=[w.recommendation.pk]
    ),
    "rehab:programme-detail": lambda w: w.programme.get_absolute_url(),
    "rehab:programme-edit": lambda w: reverse("rehab:programme-edit", args=[w.programme.pk]),
    "rehab:participant-export": lambda w: reverse("rehab:participant-export", args=[w.programme.pk]),
    "rehab:attendance-export": lambda w: reverse("rehab:attendance-export", args=[w.programme.pk]),
    "rehab:enrolment-create": lambda w: reverse("rehab:enrolment-create", args=[w.programme.pk]),
    "rehab:enrolment-move": lambda w: reverse("rehab:enrolment-move", args=[w.enrolment.pk]),
    "rehab:phase-create": lambda w: reverse("rehab:phase-create", args=[w.programme.pk]),
    "rehab:phase-edit": lambda w: reverse("rehab:phase-edit", args=[w.phase.pk]),
    "rehab:phase-delete": lambda w: reverse("rehab:phase-delete", args=[w.phase.pk]),
    "rehab:phase-move": lambda w: reverse("rehab:phase-move", args=[w.enrolment.pk]),
    "rehab:quality-of-life": lambda w: reverse("rehab:quality-of-life", args=[w.enrolment.pk]),
    "rehab:quality-of-life-take": lambda w: reverse("rehab:quality-of-life-take", args=[w.enrolment.pk]),
    "rehab:session-create": lambda w: reverse("rehab:session-create", args=[w.programme.pk]),
    "rehab:session-detail": lambda w: w.session.get_absolute_url(),
    "rehab:session-edit": lambda w: reverse("rehab:session-edit", args=[w.session.pk]),
    "rehab:session-cancel": lambda w: reverse("rehab:session-cancel", args=[w.session.pk]),
    "rehab:session-attendance": lambda w: reverse("rehab:session-attendance", args=[w.session.pk]),
    "rehab:note-create": lambda w: reverse("rehab:note-create", args=[w.session.pk]),
    "rehab:aftercare-detail": lambda w: w.aftercare_plan.get_absolute_url(),
    "rehab:aftercare-assign": lambda w: reverse("rehab:aftercare-assign", args=[w.aftercare_plan.pk]),
    "rehab:followup-record": lambda w: reverse("rehab:followup-record", args=[w.follow_up.pk]),
    "exchange:import-detail": lambda w: w.sdp_import.get_absolute_url(),
    "privacy:request-detail": lambda w: w.rights_request.get_absolute_url(),
    "api:person-detail": lambda w: reverse("api:person-detail", args=[w.person.pk]),
    "api:custody-detail": lambda w: reverse("api:custody-detail", args=[w.admission.pk]),
    "api:institution-detail": lambda w: reverse("api:institution-detail", args=[w.institution.pk]),
    "api:screening-detail": lambda w: reverse("api:screening-detail", args=[w.screening.pk]),
    "api:assessment-detail": lambda w: reverse("api:assessment-detail", args=[w.assessment.pk]),
    "api:recommendation-detail": lambda w: reverse("api:recommendation-detail", args=[w.recommendation.pk]),
    "api:programme-detail": lambda w: reverse("api:programme-detail", args=[w.programme.pk]),
    "api:session-detail": lambda w: reverse("api:session-detail", args=[w.session.pk]),
    "api:session-record-attendance": lambda w: reverse("api:session-record-attendance", args=[w.session.pk]),
    "api:aftercare-plan-detail": lambda w: reverse("api:aftercare-plan-detail", args=[w.aftercare_plan.pk]),
    "api:agreement-detail": lambda w: reverse("api:agreement-detail", args=[w.agreement.pk]),
    "api:report-detail": lambda w: reverse("api:report-detail", args=[w.report.pk]),
    "api:fhir-everything": lambda w: reverse("api:fhir-everything", args=[w.person.pk]),
    "api-token-revoke": lambda w: reverse("api-token-revoke", args=[1]),
    "privacy:request-step": lambda w: reverse("privacy:request-step", args=[w.rights_request.pk]),
    "privacy:request-answer": lambda w: reverse("privacy:request-answer", args=[w.rights_request.pk]),
    "privacy:hand-over": lambda w: w.hand_over.get_absolute_url(),
    "privacy:emergency-review": lambda w: reverse("privacy:emergency-review", args=[1]),
    "privacy:dpia-version": lambda w: reverse("privacy:dpia-version", args=[1]),
    "privacy:retention-approve": lambda w: reverse("privacy:retention-approve", args=[1]),
    "privacy:breach-detail": lambda w: w.breach.get_absolute_url(),
    "privacy:breach-update": lambda w: reverse("privacy:breach-update", args=[w.breach.pk]),
    "privacy:breach-letter": lambda w: reverse("privacy:breach-letter", args=[w.breach.pk, "people"]),
    "privacy:consent": lambda w: reverse("privacy:consent", args=["peserta", w.enrolment.pk]),
    "privacy:consent-withdraw": lambda w: reverse(
        "privacy:consent-withdraw", args=["peserta", w.enrolment.pk]
    ),
    "privacy:consent-form": lambda w: reverse("privacy:consent-form", args=["peserta", w.enrolment.pk]),
    "exchange:import-rejected": lambda w: reverse("exchange:import-rejected", args=[w.sdp_import.pk]),
    "exchange:import-mapping": lambda w: reverse("exchange:import-mapping", args=[w.sdp_import.pk]),
    "exchange:import-apply": lambda w: reverse("exchange:import-apply", args=[w.sdp_import.pk]),
    "exchange:item-detail": lambda w: reverse("exchange:item-detail", args=[w.import_item.pk]),
    "exchange:left-still-held": lambda w: reverse("exchange:left-still-held", args=[w.import_item.pk]),
    "exchange:review-link": lambda w: reverse("exchange:review-link", args=[w.import_item.pk]),
    "exchange:review-create": lambda w: reverse("exchange:review-create", args=[w.import_item.pk]),
    "exchange:transfer-noted": lambda w: reverse("exchange:transfer-noted", args=[w.import_item.pk]),
    "dashboard:participation": lambda w: reverse("dashboard:participation") + f"?region={w.region.pk}",
    "reports:report-detail": lambda w: w.report.get_absolute_url(),
    "reports:report-download": lambda w: reverse("reports:report-download", args=[w.report.pk]),
    "reports:report-xlsx": lambda w: reverse("reports:report-xlsx", args=[w.report.pk]),
    "reports:signatory-list": lambda w: reverse("reports:signatory-list"),
    "reports:signatory-edit": lambda w: reverse(
        "reports:signatory-edit", args=[f"institution:{w.institution.pk}"]
    ),
    "reports:report-reissue": lambda w: reverse("reports:report-reissue", args=[w.report.pk]),
    "subscriptions:subscription-delete": lambda w: reverse(
        "subscriptions:subscription-delete", args=[w.subscription.pk]
    ),
    "subscriptions:delivery-retry": lambda w: reverse("subscriptions:delivery-retry", args=[w.delivery.pk]),
    "admin:autocomplete": lambda w: (
        reverse("admin:autocomplete")
        + "?app_label=accounts&model_name=membership&field_name=institution&term=Amu"
    ),
    "admin:view_on_site": lambda w: reverse(
        "admin:view_on_site",
        args=[ContentType.objects.get_for_model(Institution).pk, w.institution.pk],
    ),
    "admin:app_list": lambda w: reverse("admin:app_list", kwargs={"app_label": "institutions"}),
    "admin:<unnamed (?P<url>.*)$>": lambda w: "/admin/no-such-page/",
}

# Admin model pages take an object id: one real object per registered model.
ADMIN_OBJECTS = {
    "auth/group": lambda w: w.group,
    "institutions/region": lambda w: w.region,
    "institutions/institution": lambda w: w.institution,
    "institutions/agency": lambda w: w.agency,
    "accounts/user": lambda w: w.users["S"],
    "accounts/membership": lambda w: w.staff_membership,
    "reports/report": lambda w: w.report,
}


def _build_world() -> World:
    kalsel = RegionFactory(code="kalsel", name="Kanwil Kalimantan Selatan", time_zone=TimeZones.WITA)
    jatim = RegionFactory(code="jatim", name="Kanwil Jawa Timur", time_zone=TimeZones.WIB)
    amuntai = InstitutionFactory(code="lapas-amuntai", name="Lapas Kelas IIB Amuntai", region=kalsel)
    barabai = InstitutionFactory(
        code="rutan-barabai", name="Rutan Kelas IIB Barabai", kind="rutan", region=kalsel
    )
    banyuwangi = InstitutionFactory(code="lapas-banyuwangi", name="Lapas Kelas IIA Banyuwangi", region=jatim)
    hsu = AgencyFactory(code="bnnk-hsu", name="BNNK Hulu Sungai Utara", region=kalsel)
    balangan = AgencyFactory(code="bnnk-balangan", name="BNNK Balangan", region=kalsel)
    bnnp = AgencyFactory(code="bnnp-kalsel", name="BNNP Kalimantan Selatan", kind="bnnp", region=kalsel)

    agreement = make_agreement(
        institutions=[amuntai],
        agencies=[hsu],
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 12, 31),
    )
    agreement.document.save("pks-amuntai-hsu.pdf", ContentFile(pdf_bytes()), save=False)
    agreement.document_name = "pks-amuntai-hsu.pdf"
    agreement.save()
    expired = make_agreement(
        institutions=[amuntai],
        agencies=[bnnp],
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    assert agreement.status_on(NOW.date()) == "active" and expired.status_on(NOW.date()) == "expired"

    head = UserFactory(username="kalapas.amuntai")
    Membership.objects.create(user=head, role=Role.UPT_STAFF, institution=amuntai, is_head=True)
    national = membership(UserFactory(username="ditjenpas", is_staff=True), Role.NATIONAL)
    national.user_permissions.add(  # as load_demo: reference data, users and reports in the admin
        *Permission.objects.filter(
            content_type__app_label__in=["institutions", "accounts", "reports"],
            content_type__model__in=["region", "institution", "agency", "user", "membership", "report"],
        )
    )
    users = {
        "A": None,
        "S": membership(UserFactory(username="staf.amuntai"), Role.UPT_STAFF, amuntai),
        "H": head,
        "SS": membership(UserFactory(username="staf.barabai"), Role.UPT_STAFF, barabai),
        "SO": membership(UserFactory(username="staf.banyuwangi"), Role.UPT_STAFF, banyuwangi),
        "C": membership(UserFactory(username="konselor.bnnk-hsu"), Role.COUNSELLOR, hsu),
        "CN": membership(UserFactory(username="konselor.bnnk-balangan"), Role.COUNSELLOR, balangan),
        "CX": membership(UserFactory(username="konselor.bnnp-kalsel"), Role.COUNSELLOR, bnnp),
        "R": membership(UserFactory(username="kanwil.kalsel"), Role.REGIONAL, kalsel),
        "RO": membership(UserFactory(username="kanwil.jatim"), Role.REGIONAL, jatim),
        "N": national,
        "D": membership(UserFactory(username="dpo.pusat"), Role.DPO),
    }
    staff, counsellor = users["S"], users["C"]

    # A WBP in custody at Amuntai: screened, assessed twice, the first assessment recommended.
    person = PersonFactory(full_name="Ahmad Fauzan", nik="6308011705900001")
    admission = admit(person, amuntai, on=dt.date(2025, 1, 10), number="B.I 017/2025")
    screening = screen(person, staff, on=dt.date(2026, 2, 2))
    assessment = assess(person, staff, on=dt.date(2026, 2, 5))
    recommendation = Recommendation.objects.create(
        assessment=assessment,
        kind=Recommendation.Kind.SOCIAL,
        reasons="Tim asesmen terpadu",
        decided_on=dt.date(2026, 2, 6),
        decided_by=staff,
    )
    second_assessment = assess(person, staff, on=dt.date(2026, 2, 20))

    # A programme delivered by the agency under the agreement, the person enrolled, a session held with
    # attendance taken, and a confidential note by the counsellor.
    programme = Programme.objects.create(
        institution=amuntai,
        kind=Programme.Kind.SOCIAL,
        name="Rehabilitasi Sosial 2026 Tahap I",
        agency=hsu,
        agreement=agreement,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 7, 31),
        capacity=10,
        target=10,
        required_sessions=2,
    )
    enrolment = make_enrolment(programme, person)
    phase = ProgrammePhase.objects.create(
        programme=programme, position=1, stage=ProgrammePhase.Stage.INDUCTION, name="Induksi"
    )
    leaving = PersonFactory(full_name="Rahmat Hidayat")
    leaving_enrolment = make_enrolment(programme, leaving)
    session = rehab_services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([counsellor], [enrolment, leaving_enrolment]),
        times=[(local(dt.date(2026, 2, 27), 9), local(dt.date(2026, 2, 27), 11))],
    )[0]
    rehab_services.attendance_record(
        by=counsellor,
        session=session,
        marks={row.pk: (Attendance.Status.PRESENT, "") for row in session.attendances.all()},
    )
    rehab_services.note_add(by=counsellor, session=session, text=SESSION_NOTE, person=person)

    # The second participant released on parole: the after-care plan opens with the agency taking over.
    released = inmates_services.admission_release(
        by=staff, admission=leaving.admissions.get(), on=dt.date(2026, 2, 20), release_type="parole"
    ).person
    aftercare_plan = released.aftercare_plans.get()
    assert aftercare_plan.agency == hsu
    follow_up = aftercare_plan.follow_ups.order_by("due_on").first()

    # Two records of one person at Amuntai, merged (so the merge can be undone).
    kept = PersonFactory(full_name="Budi Santoso")
    admit(kept, amuntai, on=dt.date(2025, 6, 1))
    duplicate = PersonFactory(full_name="Budi Santoso", nik=None)
    inmates_services.admission_release(
        by=staff,
        admission=admit(duplicate, amuntai, on=dt.date(2024, 1, 5)),
        on=dt.date(2024, 12, 1),
        release_type="sentence_expiry",
    )
    merge = inmates_services.person_merge(by=staff, kept=kept, merged=duplicate)

    # A person released from Barabai, registered again at Amuntai on their old record.
    returning = PersonFactory(full_name="Yusuf Maulana", nik="6308011705900099")
    inmates_services.admission_release(
        by=users["SS"],
        admission=admit(returning, barabai, on=dt.date(2024, 3, 1)),
        on=dt.date(2025, 3, 1),
        release_type="sentence_expiry",
    )
    link_admission(returning, amuntai, by=staff, on=dt.date(2026, 2, 25), reason="NIK sama, foto SDP cocok")
    link = returning.registration_links.get()
    # Two records alike, recorded as two different people (so the record can be taken back).
    told_apart = inmates_services.distinct_people_record(
        by=staff, person=kept, other=returning, note="Beda ibu"
    )

    report = Report.objects.create(
        scope=Report.Scope.INSTITUTION,
        institution=amuntai,
        month=dt.date(2026, 2, 1),
        status=Report.Status.DONE,
        created_by=staff,
    )
    report.pdf.save("laporan.pdf", ContentFile(pdf_bytes()))
    report.snapshot = report_snapshot(report, now=dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC))  # its XLSX
    report.save(update_fields=["snapshot"])
    # The UPT's staff follow its reports; the email of this one failed at every attempt.
    subscription = Subscription.objects.create(
        user=staff, scope=Report.Scope.INSTITUTION, institution=amuntai
    )
    delivery = Delivery.objects.create(
        report=report, user=staff, status=Delivery.Status.FAILED, attempts=4, last_error="SMTPException: 451"
    )
    # The enrolment rests on the person's consent, with the signed form (the legal-basis page's download).
    privacy_consent.record_basis(
        enrolment,
        actor=staff,
        legal_basis="consent",
        consent_on=dt.date(2026, 2, 20),
        witness="Siti Rahma",
        form_file=ContentFile(pdf_bytes(), name="persetujuan.pdf"),
    )
    rights_request = privacy_services.register_request(
        actor=staff,
        person=person,
        institution=amuntai,
        kind="access",
        received_at=NOW - dt.timedelta(hours=1),
        requested_by="Orangnya sendiri",
        identity_check="in_custody",
        identity_details="Nomor register dan foto",
        details="Salinan data saya.",
    )
    # A file handed over by the national data-protection officer: only its maker and the DPO reach it.
    hand_over = privacy_services.hand_over(
        actor=users["D"],
        filename="data-pribadi.json",
        content_type="application/json",
        content=b"{}",
        recipient="Orangnya sendiri",
        purpose="Permintaan hak",
        people=1,
        institution=amuntai,
        rights_request=rights_request,
        person_id=person.pk,
    )

    breach = privacy_breaches.record(
        actor=users["D"],
        institution=amuntai,
        discovered_at=NOW - dt.timedelta(hours=2),
        title="Daftar peserta terkirim ke alamat yang salah",
        what_happened="Terkirim ke alamat surel yang salah.",
        data_kinds=["identity"],
        people_affected=12,
        measures="Penerima diminta menghapus.",
    )

    partner_keys = _partner_keys(amuntai=amuntai, hsu=hsu, bnnp=bnnp, region=kalsel)

    return World(
        users=users,
        objects={
            "partner_keys": partner_keys,
            "region": kalsel,
            "institution": amuntai,
            "agency": hsu,
            "agreement": agreement,
            "person": person,
            "admission": admission,
            "screening": screening,
            "assessment": assessment,
            "second_assessment": second_assessment,
            "recommendation": recommendation,
            "programme": programme,
            "enrolment": enrolment,
            "phase": phase,
            "session": session,
            "released": released,
            "aftercare_plan": aftercare_plan,
            "follow_up": follow_up,
            "kept": kept,
            "merge": merge,
            "link": link,
            "told_apart": told_apart,
            "sdp_import": _sdp_import(amuntai, staff),
            "rights_request": rights_request,
            "hand_over": hand_over,
            "breach": breach,
            "import_item": _import_item(amuntai, staff, admission),
            "report": report,
            "subscription": subscription,
            "delivery": delivery,
            "group": Group.objects.create(name="Operator"),
            "staff_membership": staff.memberships.get(),
        },
    )


def _partner_keys(*, amuntai, hsu, bnnp, region) -> dict[str, str]:
    """An OAuth2 access token for each partner column, got as a partner system gets one."""
    from api.oauth import partner_client_create

    aftercare_only = AgencyFactory(code="ipwl-purnama", name="IPWL Purnama", kind="ipwl", region=region)
    make_agreement(institutions=[amuntai], agencies=[aftercare_only], scopes=["aftercare"])
    clients = {
        "PC": (hsu, ["assessment", "rehabilitation", "aftercare"]),
        "PCX": (bnnp, ["assessment", "rehabilitation", "aftercare"]),
        "PCW": (aftercare_only, ["assessment", "rehabilitation", "aftercare"]),
        "PCS": (hsu, ["aftercare"]),
    }
    keys = {}
    for role, (agency, scopes) in clients.items():
        client, secret = partner_client_create(agency=agency, name=f"Partner {role}", scopes=scopes)
        answer = Client().post(
            reverse("api:oauth-token"),
            {"grant_type": "client_credentials"},
            HTTP_AUTHORIZATION="Basic "
            + base64.b64encode(f"{client.application.client_id}:{secret}".encode()).decode(),
        )
        assert answer.status_code == 200, answer.content
        keys[role] = answer.json()["access_token"]
    return keys


def _sdp_import(institution, by):
    """An SDP export of Amuntai uploaded and previewed (not applied)."""
    from exchange import services as exchange_services
    from exchange.sdp.places import Area
    from tests.exchange.test_import import line, sdp_file

    upload = sdp_file(line("Orang Baru", "6308011705900055", "A.II 55/2026", "A.II", expiry=""))
    area = Area(institution=institution)
    preview = exchange_services.import_preview(upload=upload, area=area, today=NOW.date())
    return exchange_services.import_record(
        by=by, area=area, upload=upload, file_name="sdp.csv", preview=preview
    )


def _import_item(institution, by, admission):
    """What an applied import left to decide at Amuntai: a person in custody whom SDP no longer lists."""
    from exchange.models import ImportItem

    run = _sdp_import(institution, by)
    return ImportItem.objects.create(
        run=run, kind=ImportItem.Kind.LEFT, institution=institution, admission=admission
    )


SESSION_NOTE = "Sangat tertutup hari ini, perlu sesi individu"


def _signed_in_clients(users) -> dict[str, Client]:
    """One client per role, reading English; the anonymous one signed in as nobody."""
    clients = {}
    for role, user in users.items():
        client = Client(raise_request_exception=False)  # a crash is a 500 in the matrix, not an error
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        clients[role] = client
    return clients


@pytest.fixture(autouse=True, scope="module")
def _quiet_refusals():
    # Hundreds of expected 403 and 404 answers: their warnings (with tracebacks) would only cost time.
    # Errors (500) are still logged.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module")
def private_root(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(settings, private_root):
    # The world's documents are saved once for the module, in a folder of its own.
    settings.PRIVATE_MEDIA_ROOT = private_root


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, private_root):
    """Built once for the module inside a transaction that is rolled back at its end; each test runs in a
    savepoint of it (pytest-django's `db`), so what one request writes (audit events) never reaches the next.
    Time stands still on a Monday morning in Kalimantan Selatan for the whole module."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PRIVATE_MEDIA_ROOT=private_root,
            PASSWORD_HASHERS=FAST_PASSWORD_HASHERS,
        ),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        world = _build_world()
        world.clients = _signed_in_clients(world.users)
        yield world
        transaction.set_rollback(True)


# --- The checks ----------------------------------------------------------------------------------------

ROUTES_BY_NAME = defaultdict(list)
for _route in iter_routes():
    ROUTES_BY_NAME[_route.name].append(_route)
SAMPLE_VALUES = ("999999", "no-such-thing", "/x/", "00000000-0000-0000-0000-000000000000")


def path_for(route, world: World) -> str:
    if route.name in PATHS:
        return PATHS[route.name](world)
    parts = route.path.strip("/").split("/")
    if parts[0] == "admin" and "x" in parts:
        obj = ADMIN_OBJECTS[f"{parts[1]}/{parts[2]}"](world)
        return "/" + "/".join(str(obj.pk) if part == "x" else part for part in parts) + "/"
    assert not any(sample in route.path for sample in SAMPLE_VALUES), (
        f"{route.name} takes parameters: give it a path to a real object in PATHS"
    )
    return route.path


LOGIN_PATHS = {reverse(settings.LOGIN_URL), reverse("admin:login")}


def outcome(client: Client, path: str) -> int | str:
    """The status of a GET, following only redirects to a login page: LOGIN if it ends at the application's
    login page, else the status of where it ended (the admin's login refuses signed-in non-admins, 403)."""
    response = client.get(path)
    for _hop in range(3):
        if response.status_code not in (301, 302):
            break
        target = urlsplit(response["Location"]).path
        if target == reverse(settings.LOGIN_URL):
            return LOGIN
        if target not in LOGIN_PATHS:
            break
        response = client.get(response["Location"])
    return response.status_code


def test_every_route_has_a_row():
    routes, rows = set(ROUTES_BY_NAME), set(MATRIX)
    assert not routes - rows, f"routes without a row in MATRIX: {sorted(routes - rows)}"
    assert not rows - routes, f"rows in MATRIX for routes that no longer exist: {sorted(rows - routes)}"
    assert all(len(outcomes) == len(ROLES) for outcomes in MATRIX.values())


def test_the_anonymous_column_agrees_with_the_url_coverage_test():
    from tests.config.test_url_coverage import ANONYMOUS_ALLOWED, TOKEN_DOORS

    assert {
        name for name, outcomes in MATRIX.items() if outcomes["A"] != LOGIN
    } == ANONYMOUS_ALLOWED | TOKEN_DOORS


def test_every_path_in_the_tables_is_a_route():
    assert not set(PATHS) - set(ROUTES_BY_NAME), "PATHS names a route that no longer exists"


def test_every_api_route_has_a_partner_row():
    api_routes = {name for name in ROUTES_BY_NAME if name.startswith("api:")}
    assert set(PARTNER) == api_routes, sorted(set(PARTNER) ^ api_routes)


@pytest.mark.parametrize("name", sorted(PARTNER))
def test_partner_access(name, world, db):
    """Each partner column calls with its own access token, as its system would."""
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    for route in ROUTES_BY_NAME[name]:
        path = path_for(route, world)
        actual = {}
        for role, expected in zip(PARTNER_ROLES, PARTNER[name], strict=True):
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.partner_keys[role]}"
            actual[role] = outcome(client, path)
            assert actual[role] == expected, (
                f"{name} ({path}) as {role}: expected {expected}, got {actual[role]}"
            )


@pytest.mark.parametrize("name", sorted(set(MATRIX) & set(ROUTES_BY_NAME)))
def test_access(name, world, db):
    expected = MATRIX[name]
    for route in ROUTES_BY_NAME[name]:  # several only for the admin's unnamed routes, one per model
        path = path_for(route, world)
        actual = {role: outcome(world.clients[role], path) for role in ROLES}
        wrong = {
            role: f"expected {expected[role]}, got {actual[role]}"
            for role in ROLES
            if actual[role] != expected[role]
        }
        assert not wrong, f"{name} ({path}): {wrong}"


# --- What the status codes do not show -----------------------------------------------------------------


def test_counselling_notes_show_only_to_the_delivering_agency(world, db):
    """Whoever may open the session page sees it; only the delivering agency's counsellor reads the note."""
    for role in ("S", "H", "C", "R", "N"):
        page = world.clients[role].get(world.session.get_absolute_url())
        assert page.status_code == 200
        assert (SESSION_NOTE in page.content.decode()) is (role == "C"), role
    assert Note.objects.visible_to(world.users["C"]).count() == 1
    for role in ("S", "H", "SS", "SO", "CN", "CX", "R", "RO", "N"):
        assert not Note.objects.visible_to(world.users[role]).exists(), role


# POST-only routes, posted by a read-only user (R) and an outsider (SO): refused, nothing saved.
POSTS = {
    "inmates:person-merge": (
        lambda w: {"merged": w.kept.pk, "confirm": "yes"},
        {"R": 403, "SO": 404, "CN": 404},
    ),
    "inmates:person-merge-undo": (lambda w: {}, {"R": 403, "SO": 404, "CN": 404}),
    "inmates:person-distinct": (
        lambda w: {"other": w.kept.pk, "note": "Sidik jari beda"},
        {"R": 403, "SO": 404, "CN": 404},
    ),
    "inmates:person-distinct-undo": (lambda w: {}, {"R": 403, "SO": 404, "CN": 404}),
    "rehab:enrolment-move": (
        lambda w: {"to": "dropped_out", "on": "2026-03-02", "reason": "Tidak hadir lagi"},
        {"R": 403, "SO": 404, "CN": 404},
    ),
    "rehab:phase-move": (
        lambda w: {"phase": w.phase.pk, "on": "2026-03-02"},
        {"R": 403, "SO": 404, "CN": 404},
    ),
    # Only the UPT's staff define phases: the delivering counsellor too is refused.
    "rehab:phase-delete": (lambda w: {}, {"R": 403, "C": 403, "SO": 404, "CN": 404}),
    "rehab:quality-of-life-take": (
        lambda w: {"timing": "start", "taken_on": "2026-02-20", **{f"q{n}": "3" for n in range(1, 27)}},
        {"R": 403, "SO": 404, "CN": 404},
    ),
    "rehab:session-attendance": (
        lambda w: {f"status-{a.pk}": "absent" for a in w.session.attendances.all()},
        {"R": 403, "SO": 404, "CN": 404},
    ),
    "rehab:note-create": (lambda w: {"text": "Catatan"}, {"R": 403, "SO": 404, "CN": 404}),
    "reports:report-create": (
        lambda w: {"place": f"institution:{w.institution.pk}", "month": "2026-02", "language": "id"},
        {"SO": 302, "CN": 403},  # SO: the form refuses a place outside their scope
    ),
    "reports:report-reissue": (lambda w: {"reason": "Data terlambat"}, {"SO": 404, "CN": 404, "RO": 404}),
    # Subscribing to a place whose reports one does not see; ending someone else's; retrying another
    # scope's email.
    "subscriptions:subscription-create": (
        lambda w: {"place": f"institution:{w.institution.pk}"},
        {"SO": 404, "SS": 404, "CN": 404, "RO": 404, "D": 404},
    ),
    "subscriptions:subscription-delete": (lambda w: {}, {"H": 404, "R": 404, "SO": 404, "N": 404}),
    "subscriptions:delivery-retry": (lambda w: {}, {"SO": 404, "SS": 404, "CN": 404, "RO": 404, "D": 404}),
    "inmates:link-undo": (lambda w: {"reason": "Salah orang"}, {"R": 403, "SO": 404, "CN": 404, "D": 404}),
    # The region's officers load the register too (import-apply); only the UPT's staff decide what it left.
    "exchange:import-apply": (lambda w: {}, {"SS": 404, "SO": 404, "RO": 404, "C": 404, "D": 404}),
    "exchange:left-release": (
        lambda w: {"items": [w.import_item.pk], "released_on": "2026-03-01", "release_type": "parole"},
        {"R": 403, "SO": 302, "C": 403, "D": 403},  # SO: none of the items is theirs, nothing is recorded
    ),
    "exchange:left-still-held": (lambda w: {"note": "Dicek"}, {"R": 403, "SO": 404, "C": 404, "D": 404}),
    "exchange:review-link": (
        lambda w: {"person": w.person.pk, "reason": "Sama"},
        {"R": 403, "SO": 404, "C": 404, "D": 404},
    ),
    "exchange:review-create": (lambda w: {"reason": "Beda"}, {"R": 403, "SO": 404, "C": 404, "D": 404}),
    "exchange:transfer-noted": (lambda w: {}, {"R": 403, "SO": 404, "C": 404, "D": 404}),
    "exchange:import-mapping": (lambda w: {"full_name": "0"}, {"SO": 404, "C": 404, "RO": 404}),
    "inmates:link-reviewed": (lambda w: {"note": "Wajar"}, {"S": 404, "R": 404, "SO": 404, "C": 404}),
}


def _every_row() -> dict[str, list[dict]]:
    """Every stored row but the audit trail (refused requests are audited) and the clients' sessions."""
    skip = {"audit", "sessions", "admin"}
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in skip
    }


@pytest.mark.parametrize("name", sorted(POSTS))
def test_post_only_routes_refuse_read_only_users_and_outsiders(name, world, db):
    data, expected = POSTS[name]
    path = path_for(ROUTES_BY_NAME[name][0], world)
    before = _every_row()
    actual = {role: world.clients[role].post(path, data(world)).status_code for role in expected}
    assert actual == expected
    assert _every_row() == before


# --- Nobody raises their own access ----------------------------------------------------------------------
# Every role with admin rights (the national officer with the demo's permissions, and a superuser) tries to
# give itself each kind of membership and right: through the membership admin's forms, the user admin's inline
# formset, the password page, the bulk actions and direct POSTs. Each is refused and nothing is saved.


def _user_change(user, **fields):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return reverse("admin:accounts_user_change", args=[user.pk]), data


def _inline_add(user, **membership):
    path, data = _user_change(user)
    data.update({"memberships-TOTAL_FORMS": "1", **{f"memberships-0-{k}": v for k, v in membership.items()}})
    return path, data


def _own_membership(admin_user):
    return admin_user.memberships.order_by("pk").first()


SELF_GRANTS = {
    # attempt: (path and data for the acting administrator, the answers that count as refused)
    "membership admin: own counsellor membership": (
        lambda w, me: (
            reverse("admin:accounts_membership_add"),
            {"user": me.pk, "role": "counsellor", "agency": w.agency.pk},
        ),
        {200},  # the form answers with the error
    ),
    "membership admin: own UPT staff, head of the UPT": (
        lambda w, me: (
            reverse("admin:accounts_membership_add"),
            {"user": me.pk, "role": "upt_staff", "institution": w.institution.pk, "is_head": "on"},
        ),
        {200},
    ),
    "membership admin: own regional officer": (
        lambda w, me: (
            reverse("admin:accounts_membership_add"),
            {"user": me.pk, "role": "regional", "region": w.region.pk},
        ),
        {200},
    ),
    "membership admin: own data-protection officer": (
        lambda w, me: (reverse("admin:accounts_membership_add"), {"user": me.pk, "role": "dpo"}),
        {200},
    ),
    "membership admin: change own membership to counsellor": (
        lambda w, me: (
            reverse("admin:accounts_membership_change", args=[_own_membership(me).pk]),
            {"user": me.pk, "role": "counsellor", "agency": w.agency.pk},
        ),
        {403},
    ),
    "membership admin: move someone's counsellor membership onto oneself": (
        lambda w, me: (
            reverse("admin:accounts_membership_change", args=[w.users["C"].memberships.get().pk]),
            {"user": me.pk, "role": "counsellor", "agency": w.agency.pk},
        ),
        {200},
    ),
    "membership admin: delete own membership": (
        lambda w, me: (
            reverse("admin:accounts_membership_delete", args=[_own_membership(me).pk]),
            {"post": "yes"},
        ),
        {403},
    ),
    "membership admin: bulk delete including own": (
        lambda w, me: (
            reverse("admin:accounts_membership_changelist"),
            {
                "action": "delete_selected",
                "post": "yes",
                "_selected_action": [_own_membership(me).pk, w.staff_membership.pk],
            },
        ),
        {403},
    ),
    "user admin inline: own counsellor membership": (
        lambda w, me: _inline_add(me, role="counsellor", agency=w.agency.pk),
        {403},
    ),
    "user admin inline: own head of the UPT": (
        lambda w, me: _inline_add(me, role="upt_staff", institution=w.institution.pk, is_head="on"),
        {403},
    ),
    "user admin: own staff, superuser and permission rights": (
        lambda w, me: _user_change(
            me,
            is_staff="on",
            is_superuser="on",
            user_permissions=[p.pk for p in Permission.objects.filter(codename__startswith="delete_")],
        ),
        {403},
    ),
    "user admin: own password set directly": (
        lambda w, me: (
            reverse("admin:auth_user_password_change", args=[me.pk]),
            {"password1": "kopi hitam di pagi hari", "password2": "kopi hitam di pagi hari"},
        ),
        {403},
    ),
    "group admin: every permission for one's own group": (
        lambda w, me: (
            me.groups.add(w.group),
            reverse("admin:auth_group_change", args=[w.group.pk]),
            {"name": w.group.name, "permissions": list(Permission.objects.values_list("pk", flat=True))},
        )[1:],
        {403},
    ),
}


def _access_of(user) -> dict:
    user.refresh_from_db()
    return {
        "memberships": list(Membership.objects.filter(user=user).order_by("pk").values()),
        "rights": (
            user.is_staff,
            user.is_superuser,
            sorted(user.user_permissions.values_list("pk", flat=True)),
        ),
        "groups": sorted(user.groups.values_list("pk", flat=True)),
        "password": user.password,
        "counsellor_memberships": list(Membership.objects.filter(role="counsellor").order_by("pk").values()),
    }


@pytest.mark.parametrize("administrator", ["national officer", "superuser"])
@pytest.mark.parametrize("attempt", sorted(SELF_GRANTS))
def test_nobody_raises_their_own_access(attempt, administrator, world, db):
    if administrator == "superuser":
        me = membership(UserFactory(username="root", is_staff=True, is_superuser=True), Role.NATIONAL)
    else:
        me = world.users["N"]
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(me)
    make, refused = SELF_GRANTS[attempt]
    path, data = make(world, me)
    before, other_rows = _access_of(me), _every_row()
    response = client.post(path, data)
    assert response.status_code in refused, f"{attempt}: answered {response.status_code}"
    assert _access_of(me) == before, f"{attempt}: the administrator's access changed"
    assert _every_row() == other_rows, f"{attempt}: something was saved"
    if response.status_code == 200 and "admin/accounts" in path:
        assert "Nobody changes their own access" in response.content.decode()
    assert not me.scope.agency_ids and not me.scope.head_institution_ids


# --- Read-only users are never offered what they will be refused -----------------------------------------
# Each read-only role opens every page the matrix gives it (200) and follows each link and form on it: a link
# must not answer 403, and a form must not post to a route that refuses them (a 403 in the matrix, or in
# POSTS). The admin's own pages, signing out and the language switcher are left out.

READ_ONLY = ("R", "N", "D", "CN", "CX")
NOT_WALKED = ("/admin/", "/static/", reverse("accounts:logout"), reverse("set_language"))
LINK = re.compile(r'<a\b[^>]*\bhref="([^"#]+)', re.IGNORECASE)
FORM = re.compile(r"<form\b([^>]*)>", re.IGNORECASE)


def _offers(html: str, here: str):
    """(kind, path) for every link and form on the page that leads inside the application."""
    for href in LINK.findall(html):
        yield "link", urljoin(here, unescape(href))
    for attributes in FORM.findall(html):
        method = re.search(r'method="(\w+)"', attributes, re.IGNORECASE)
        action = re.search(r'action="([^"]*)"', attributes, re.IGNORECASE)
        kind = "post" if method and method.group(1).lower() == "post" else "get"
        yield kind, urljoin(here, unescape(action.group(1)) if action and action.group(1) else here)


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_users_see_no_link_or_form_that_refuses_them(role, world, db):
    client = world.clients[role]
    pages = {
        path_for(route, world)
        for name, outcomes in MATRIX.items()
        if outcomes[role] == 200 and not name.startswith("admin:")
        for route in ROUTES_BY_NAME[name]
    }
    checked, refused = {}, []
    # Every page first: a link to one of them (most links: the menu, lists, details) is then answered by the
    # GET already made in this test, the same request, instead of a second one.
    responses = {page: client.get(page) for page in sorted(pages)}
    for page, response in responses.items():
        assert response.status_code == 200, (role, page)
    for page, response in responses.items():
        if response.streaming or "html" not in response.get("Content-Type", ""):
            continue  # a download
        for kind, target in _offers(response.content.decode(), page):
            parts = urlsplit(target)
            if parts.netloc or parts.path.startswith(NOT_WALKED) or parts.scheme == "mailto":
                continue
            try:
                match = resolve(parts.path)
            except Resolver404:
                refused.append(f"{page}: {kind} to {target} leads nowhere")
                continue
            key = (kind, match.view_name, tuple(sorted(match.kwargs.items())))
            if key in checked:
                continue
            if kind == "post":
                posted = POSTS.get(match.view_name, (None, {}))[1].get(role)
                checked[key] = posted if posted is not None else MATRIX[match.view_name][role]
            elif target in responses:
                checked[key] = responses[target].status_code
            else:
                # Not closed by hand: closing a response ends the "request" and, on PostgreSQL, the
                # connection the module's world lives in.
                checked[key] = client.get(target).status_code
            if checked[key] == 403:
                refused.append(f"{page}: {kind} to {target} answers 403")
    assert not refused, "\n".join(refused)
    assert len(checked) > 20  # the walk really walked
