"""The FHIR routes, under /api/v1/fhir/ and in the `api` namespace (api/urls.py includes them)."""

from django.urls import path, re_path

from api.fhir import views

urlpatterns = [
    path("Patient/<int:pk>/$everything", views.PatientEverything.as_view(), name="fhir-everything"),
    # Any other path under the FHIR base: an OperationOutcome, as a FHIR client expects, not a problem.
    re_path(r"^.*$", views.not_found, name="fhir-not-found"),
]
