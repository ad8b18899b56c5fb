from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("permintaan/", views.request_list, name="request-list"),
    path("permintaan/baru/", views.request_create, name="request-create"),
    path("permintaan/<int:pk>/", views.request_detail, name="request-detail"),
    path("permintaan/<int:pk>/status/", views.request_step, name="request-step"),
    path("permintaan/<int:pk>/jawab/", views.request_answer, name="request-answer"),
    path("serah/<str:token>/", views.hand_over_download, name="hand-over"),
]
