from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("residivisme/", views.recidivism, name="recidivism"),
    path("bulanan/", views.report_list, name="report-list"),
    path("bulanan/buat/", views.report_create, name="report-create"),
    path("bulanan/<int:pk>/", views.report_detail, name="report-detail"),
    path("bulanan/<int:pk>/unduh/", views.report_download, name="report-download"),
    path("bulanan/<int:pk>/unduh/xlsx/", views.report_xlsx, name="report-xlsx"),
    path("bulanan/<int:pk>/terbitkan-ulang/", views.report_reissue, name="report-reissue"),
    path("penandatangan/", views.signatory_list, name="signatory-list"),
    path("penandatangan/<str:place>/", views.signatory_edit, name="signatory-edit"),
]
