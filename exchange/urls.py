from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.import_list, name="import-list"),
    path("<int:pk>/", views.import_detail, name="import-detail"),
    path("<int:pk>/kolom/", views.import_mapping, name="import-mapping"),
    path("<int:pk>/terapkan/", views.import_apply, name="import-apply"),
    path("<int:pk>/ditolak.csv", views.import_rejected, name="import-rejected"),
]
