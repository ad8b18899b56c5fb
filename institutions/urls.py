from django.urls import path

from institutions import views

app_name = "institutions"

urlpatterns = [
    path("kanwil/", views.RegionList.as_view(), name="region-list"),
    path("kanwil/<slug:code>/", views.RegionDetail.as_view(), name="region-detail"),
    path("upt/", views.InstitutionList.as_view(), name="institution-list"),
    path("upt/<slug:code>/", views.InstitutionDetail.as_view(), name="institution-detail"),
    path("mitra/", views.AgencyList.as_view(), name="agency-list"),
    path("mitra/<slug:code>/", views.AgencyDetail.as_view(), name="agency-detail"),
]
