from django.urls import path

from inmates import duplicate_views, views

app_name = "inmates"

urlpatterns = [
    path("", views.admission_list, name="admission-list"),
    path("ekspor.csv", views.admission_export, name="admission-export"),
    path("baru/", views.person_create, name="person-create"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/ubah/", views.person_edit, name="person-edit"),
    path("<int:pk>/penerimaan/", views.admission_create, name="admission-create"),
    path("penerimaan/<int:pk>/mutasi/", views.admission_transfer, name="admission-transfer"),
    path("penerimaan/<int:pk>/bebas/", views.admission_release, name="admission-release"),
    path("<int:pk>/gabung/", duplicate_views.person_merge, name="person-merge"),
    path("gabung/<int:pk>/batal/", duplicate_views.person_merge_undo, name="person-merge-undo"),
    path("<int:pk>/orang-lain/", duplicate_views.distinct_record, name="person-distinct"),
    path("orang-lain/<int:pk>/batal/", duplicate_views.distinct_undo, name="person-distinct-undo"),
    path("tautan/", views.registration_link_review, name="link-review"),
    path("tautan/<int:pk>/batal/", views.registration_link_undo, name="link-undo"),
    path("tautan/<int:pk>/ditinjau/", views.registration_link_reviewed, name="link-reviewed"),
]
