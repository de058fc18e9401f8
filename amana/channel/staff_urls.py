from django.urls import path

from amana.channel import staff_views

app_name = "intake"
urlpatterns = [
    path("", staff_views.intake, name="new"),
    path("drafts/<int:draft_id>/<int:number>/", staff_views.step, name="step"),
    path("drafts/<int:draft_id>/send/", staff_views.send, name="send"),
    path("drafts/<int:draft_id>/discard/", staff_views.discard, name="discard"),
    path("recorded/", staff_views.recorded, name="recorded"),
]
