"""The FHIR routes, under /api/v1/fhir/ and in the `api` namespace (api/urls.py includes them)."""

from django.urls import path

from api.fhir import views

urlpatterns = [
    path("Patient/<int:pk>/$everything", views.PatientEverything.as_view(), name="fhir-everything"),
]
