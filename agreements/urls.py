from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="agreement-list"),
    path("baru/", views.agreement_create, name="agreement-create"),
    path("<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("<int:pk>/ubah/", views.agreement_edit, name="agreement-edit"),
    path("<int:pk>/akhiri/", views.agreement_terminate, name="agreement-terminate"),
    path("<int:pk>/perpanjang/", views.agreement_renew, name="agreement-renew"),
    path("<int:pk>/dokumen/", views.agreement_document, name="agreement-document"),
]
