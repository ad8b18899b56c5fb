from django.urls import path

from exchange import decision_views, views

app_name = "exchange"

urlpatterns = [
    path("", views.import_list, name="import-list"),
    path("<int:pk>/", views.import_detail, name="import-detail"),
    path("<int:pk>/kolom/", views.import_mapping, name="import-mapping"),
    path("<int:pk>/terapkan/", views.import_apply, name="import-apply"),
    path("<int:pk>/ditolak.csv", views.import_rejected, name="import-rejected"),
    path("keputusan/", decision_views.item_list, name="item-list"),
    path("keputusan/<int:pk>/", decision_views.item_detail, name="item-detail"),
    path("keputusan/bebas/", decision_views.left_release, name="left-release"),
    path("keputusan/<int:pk>/masih-ditahan/", decision_views.left_still_held, name="left-still-held"),
    path("keputusan/<int:pk>/tautkan/", decision_views.review_link, name="review-link"),
    path("keputusan/<int:pk>/baru/", decision_views.review_create, name="review-create"),
    path("keputusan/<int:pk>/dicatat/", decision_views.transfer_noted, name="transfer-noted"),
]
