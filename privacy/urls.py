from django.urls import path

from privacy import breach_views, consent_views, dpia_views, emergency_views, retention_views, views

app_name = "privacy"

urlpatterns = [
    path("permintaan/", views.request_list, name="request-list"),
    path("permintaan/baru/", views.request_create, name="request-create"),
    path("permintaan/<int:pk>/", views.request_detail, name="request-detail"),
    path("permintaan/<int:pk>/status/", views.request_step, name="request-step"),
    path("permintaan/<int:pk>/jawab/", views.request_answer, name="request-answer"),
    path("serah/<str:token>/", views.hand_over_download, name="hand-over"),
    path("darurat/", emergency_views.emergency_list, name="emergency-list"),
    path("darurat/minta/", emergency_views.emergency_request, name="emergency-request"),
    path("darurat/<int:pk>/tinjau/", emergency_views.emergency_review, name="emergency-review"),
    path("dpia/", dpia_views.dpia_page, name="dpia"),
    path("dpia/<int:number>/", dpia_views.dpia_version, name="dpia-version"),
    path("retensi/", retention_views.retention_page, name="retention"),
    path("retensi/aturan/", retention_views.retention_rule, name="retention-rule"),
    path("retensi/rencana/", retention_views.retention_plan, name="retention-plan"),
    path("retensi/<int:pk>/setujui/", retention_views.retention_approve, name="retention-approve"),
    path("insiden/", breach_views.breach_list, name="breach-list"),
    path("insiden/baru/", breach_views.breach_create, name="breach-create"),
    path("insiden/<int:pk>/", breach_views.breach_detail, name="breach-detail"),
    path("insiden/<int:pk>/ubah/", breach_views.breach_update, name="breach-update"),
    path("insiden/<int:pk>/surat/<str:to>/", breach_views.breach_letter, name="breach-letter"),
    path("dasar-hukum/<str:kind>/<int:pk>/", consent_views.legal_basis, name="consent"),
    path("dasar-hukum/<str:kind>/<int:pk>/tarik/", consent_views.withdraw, name="consent-withdraw"),
    path("dasar-hukum/<str:kind>/<int:pk>/formulir/", consent_views.consent_form, name="consent-form"),
]
