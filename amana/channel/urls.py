"""Public addresses: neutral words only, so that browser history says nothing about why she came."""

from django.urls import path

from amana.channel import views
from amana.retention import survivor_views

app_name = "channel"
urlpatterns = [
    path("step/<int:number>/", views.step, name="step"),
    path("step/last/", views.send, name="send"),
    path("step/end/", views.done, name="done"),
    path("continue/", views.follow_up_start, name="follow_up_start"),
    path("continue/page/", views.follow_up_page, name="follow_up"),
    path("continue/write/", views.follow_up_reply, name="follow_up_reply"),
    path("continue/add/", views.follow_up_files, name="follow_up_files"),
    path("continue/choices/", views.follow_up_choices, name="follow_up_choices"),
    path("continue/reach/", views.follow_up_contact, name="follow_up_contact"),
    path("continue/second/", views.second_code, name="second_code"),
    path("continue/end/", views.end_visit_view, name="end_visit"),
    path("continue/finish/", survivor_views.follow_up_delete, name="follow_up_delete"),
    path("leave/", views.leave, name="leave"),
    path("more/", views.help_page, name="help"),
]
