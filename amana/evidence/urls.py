from django.urls import path

from amana.evidence import views

app_name = "evidence"
urlpatterns = [
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/read/", views.alerts_read, name="alerts_read"),
    path("<str:reference>/", views.case_evidence, name="case"),
    path("<str:reference>/files/", views.add_files, name="add_files"),
    path("<str:reference>/files/<int:item_id>/", views.item_page, name="item"),
    path("<str:reference>/files/<int:item_id>/download/", views.download, name="download"),
    path("<str:reference>/files/<int:item_id>/intimate/", views.mark_intimate, name="intimate"),
    path("<str:reference>/chats/", views.import_chat, name="import_chat"),
    path("<str:reference>/chats/<int:timeline_id>/", views.timeline_page, name="timeline"),
    path("<str:reference>/chats/<int:timeline_id>/identifiers/", views.confirm_identifiers, name="confirm_identifiers"),
    path("<str:reference>/chats/<int:timeline_id>/her-side/", views.her_side, name="her_side"),
    path("<str:reference>/package/", views.make_package, name="package"),
    path("<str:reference>/pdq/", views.pdq, name="pdq"),
]
