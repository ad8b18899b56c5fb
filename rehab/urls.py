from django.urls import path

from rehab import aftercare_views, calendar_views, gap_views, phase_views, quality_of_life_views, views

app_name = "rehab"

urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("baru/", views.programme_create, name="programme-create"),
    path("<int:pk>/", views.programme_detail, name="programme-detail"),
    path("<int:pk>/ubah/", views.programme_edit, name="programme-edit"),
    path("<int:pk>/peserta.csv", views.participant_export, name="participant-export"),
    path("<int:pk>/kehadiran.csv", views.attendance_export, name="attendance-export"),
    path("<int:pk>/peserta/baru/", views.enrolment_create, name="enrolment-create"),
    path("peserta/<int:pk>/status/", views.enrolment_move, name="enrolment-move"),
    path("peserta/<int:pk>/tahap/", phase_views.phase_move, name="phase-move"),
    path("<int:pk>/tahap/baru/", phase_views.phase_create, name="phase-create"),
    path("tahap/<int:pk>/ubah/", phase_views.phase_edit, name="phase-edit"),
    path("tahap/<int:pk>/hapus/", phase_views.phase_delete, name="phase-delete"),
    path(
        "peserta/<int:pk>/kualitas-hidup/",
        quality_of_life_views.quality_of_life_detail,
        name="quality-of-life",
    ),
    path(
        "peserta/<int:pk>/kualitas-hidup/isi/",
        quality_of_life_views.quality_of_life_take,
        name="quality-of-life-take",
    ),
    path("<int:pk>/sesi/baru/", views.session_create, name="session-create"),
    path("sesi/tanpa-kehadiran/", gap_views.session_gap_list, name="session-gaps"),
    path("sesi/<int:pk>/", views.session_detail, name="session-detail"),
    path("sesi/<int:pk>/ubah/", views.session_edit, name="session-edit"),
    path("sesi/<int:pk>/batal/", views.session_cancel, name="session-cancel"),
    path("sesi/<int:pk>/kehadiran/", views.session_attendance, name="session-attendance"),
    path("sesi/<int:pk>/catatan/", views.note_create, name="note-create"),
    path("kalender/", calendar_views.calendar_view, name="calendar"),
    path("minggu-saya/", calendar_views.my_week, name="my-week"),
    path("pascarehab/", aftercare_views.followup_list, name="followup-list"),
    path("pascarehab/rencana/", aftercare_views.aftercare_list, name="aftercare-list"),
    path("pascarehab/<int:pk>/", aftercare_views.aftercare_detail, name="aftercare-detail"),
    path("pascarehab/<int:pk>/tetapkan/", aftercare_views.aftercare_assign, name="aftercare-assign"),
    path("pascarehab/tindak-lanjut/<int:pk>/", aftercare_views.followup_record, name="followup-record"),
]
