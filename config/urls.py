from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import include, path

from accounts.views import set_language
from api import token_views as api_token_views
from config.health import healthz
from dashboard.access_changes import access_change_list
from dashboard.audit_page import audit_events
from dashboard.case_summary import case_summary
from dashboard.home import home


@login_not_required
def _admin_login(request, extra_context=None):
    """The admin has no login page of its own: everyone signs in through the application's login."""
    if request.user.is_authenticated:
        raise PermissionDenied  # signed in, but not an administrator
    return redirect_to_login(request.GET.get("next") or request.get_full_path())


admin.site.login = _admin_login
admin.site.site_header = "Rehab Lapas — Admin"
admin.site.site_title = "Rehab Lapas"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", home, name="home"),
    path("audit/", audit_events, name="audit-events"),
    path("akses/perubahan/", access_change_list, name="access-change-list"),
    path("", include("accounts.urls")),
    path("", include("institutions.urls")),
    path("wbp/<int:pk>/ringkasan/", case_summary, name="case-summary"),
    path("wbp/", include("inmates.urls")),
    path("perjanjian/", include("agreements.urls")),
    path("asesmen/", include("assessments.urls")),
    path("rehab/", include("rehab.urls")),
    path("laporan/langganan/", include("subscriptions.urls")),
    path("laporan/", include("reports.urls")),
    path("laporan/", include("dashboard.urls")),
    path("impor/", include("exchange.urls")),
    path("privasi/", include("privacy.urls")),
    path("api/v1/", include("api.urls")),
    path("akun/token-api/", api_token_views.tokens, name="api-tokens"),
    path("akun/token-api/<int:pk>/cabut/", api_token_views.token_revoke, name="api-token-revoke"),
]

# A database gone for a moment answers 503 "try again", not 500 (config.unavailable).
handler500 = "config.unavailable.server_error_or_unavailable"
