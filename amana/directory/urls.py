from django.urls import path

from amana.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.directory, name="list"),
    path("<int:service_id>/words/<str:language>/", views.entry_words, name="words"),
]
