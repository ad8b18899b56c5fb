"""The project's URLs plus one view that fails while holding personal data, for the error-reporting tests."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def fail_with_personal_data(request, pk):
    full_name, nik = request.POST["full_name"], request.POST["nik"]
    screening = {"person": full_name, "nik": nik}
    # The locals hold the person and the message their NIK, as a real bug's would.
    raise RuntimeError(f"could not file a screening ({len(screening)} fields): NIK {nik} already taken")


urlpatterns = [path("boom/<int:pk>/", fail_with_personal_data, name="boom"), *project_urlpatterns]
