"""/api/v1/: the partner API. Callers sign in per request with a token (api.authentication): DRF's views are
exempt from Django's sign-in middleware and refuse an unauthenticated call themselves (401 with the Bearer
challenge). The documentation page is for people in a browser: it sends them to the login page."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api"

router = SimpleRouter()
router.register("persons", views.PersonViewSet, basename="person")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    *router.urls,
    path("fhir/", include("api.fhir.urls")),
]
