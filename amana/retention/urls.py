from django.urls import path

from amana.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("period/", views.set_period, name="set_period"),
    path("hold/", views.place_hold, name="place_hold"),
    path("<str:reference>/hold/lift/", views.lift_hold, name="lift_hold"),
    path("<str:reference>/delete/", views.confirm_deletion, name="confirm_deletion"),
]
