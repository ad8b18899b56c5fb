from django.urls import path

from dashboard.participation_page import participation_dashboard

app_name = "dashboard"

# Under /laporan/ beside the recidivism dashboard (reports:recidivism), where officers look for figures.
urlpatterns = [
    path("partisipasi/", participation_dashboard, name="participation"),
]
