from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("wbp/<int:pk>/skrining/<slug:instrument>/", views.screening_create, name="screening-create"),
    path("skrining/<int:pk>/", views.screening_detail, name="screening-detail"),
    path("wbp/<int:pk>/baru/", views.assessment_create, name="assessment-create"),
    path("<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("<int:pk>/rekomendasi/", views.recommendation_create, name="recommendation-create"),
    path("rekomendasi/<int:pk>/setujui/", views.recommendation_approve, name="recommendation-approve"),
]
