from django.urls import path

from amana.core import views

app_name = "core"
urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.home, name="home"),
    path("language/<str:code>/", views.language, name="language"),
]
