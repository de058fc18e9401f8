from django.urls import path

from amana.channel import staff_views

app_name = "intake"
urlpatterns = [
    path("", staff_views.intake, name="new"),
    path("recorded/", staff_views.recorded, name="recorded"),
]
