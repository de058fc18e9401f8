from django.urls import path

from amana.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:reference>/", views.case_page, name="case"),
    path("<str:reference>/reply/", views.reply, name="reply"),
    path("<str:reference>/status/", views.change_status, name="status"),
    path("<str:reference>/files/<int:evidence_id>/", views.evidence_download, name="evidence"),
]
