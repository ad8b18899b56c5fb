"""/api/v1/: the partner API. Callers sign in per request with a token (api.authentication): DRF's views are
exempt from Django's sign-in middleware and refuse an unauthenticated call themselves (401 with the Bearer
challenge). Partner systems get their access token from `oauth/token/` (client credentials only). The
documentation page is for people in a browser: it sends them to the login page. Any other path answers a
problem document (api.problems), not the site's HTML page."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from oauth2_provider import views as oauth_views
from rest_framework.routers import SimpleRouter

from api import record_views, report_views, views
from api.problems import not_found

app_name = "api"

router = SimpleRouter()
router.register("persons", views.PersonViewSet, basename="person")
router.register("custody", views.CustodyViewSet, basename="custody")
router.register("institutions", record_views.InstitutionViewSet, basename="institution")
router.register("screenings", record_views.ScreeningViewSet, basename="screening")
router.register("assessments", record_views.AssessmentViewSet, basename="assessment")
router.register("recommendations", record_views.RecommendationViewSet, basename="recommendation")
router.register("programmes", record_views.ProgrammeViewSet, basename="programme")
router.register("sessions", record_views.SessionViewSet, basename="session")
router.register("aftercare-plans", record_views.AftercarePlanViewSet, basename="aftercare-plan")
router.register("agreements", record_views.AgreementViewSet, basename="agreement")
router.register("reports", report_views.ReportViewSet, basename="report")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("oauth/token/", login_not_required(oauth_views.TokenView.as_view()), name="oauth-token"),
    path("oauth/revoke/", login_not_required(oauth_views.RevokeTokenView.as_view()), name="oauth-revoke"),
    *router.urls,
    path("fhir/", include("api.fhir.urls")),
    re_path(r"^.*$", not_found, name="not-found"),
]
