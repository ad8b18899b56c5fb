from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("", views.subscription_list, name="subscription-list"),
    path("ikuti/", views.subscription_create, name="subscription-create"),
    path("<int:pk>/berhenti/", views.subscription_delete, name="subscription-delete"),
    path("kiriman/<int:pk>/kirim-ulang/", views.delivery_retry, name="delivery-retry"),
]
