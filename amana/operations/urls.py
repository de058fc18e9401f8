from django.urls import path

from amana.operations import views

app_name = "operations"
urlpatterns = [
    path("", views.jobs, name="jobs"),
]
