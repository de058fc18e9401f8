from django.urls import path

from amana.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("search/", views.search, name="search"),
    path("caseload/", views.caseload, name="caseload"),
    path("overdue/", views.overdue, name="overdue"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:notification_id>/", views.open_notification, name="open_notification"),
    path("team/", views.team_cases, name="team_cases"),
    path("team/<str:reference>/", views.team_case, name="team_case"),
    path("team/<str:reference>/hand-over/", views.hand_over, name="hand_over"),
    path("<str:reference>/", views.case_page, name="case"),
    path("<str:reference>/reply/", views.reply, name="reply"),
    path("<str:reference>/assign/", views.assign, name="assign"),
    path("<str:reference>/incident/", views.incident, name="incident"),
    path("<str:reference>/contact-plan/", views.contact_plan, name="contact_plan"),
    path("<str:reference>/consent/", views.consent, name="consent"),
    path("<str:reference>/assessment/", views.assessment, name="assessment"),
    path("<str:reference>/safeguarding/", views.safeguarding, name="safeguarding"),
    path("<str:reference>/plan/", views.plan, name="plan"),
    path("<str:reference>/plan/<int:action_id>/", views.finish_action, name="finish_action"),
    path("<str:reference>/follow-ups/", views.follow_ups, name="follow_ups"),
    path("<str:reference>/follow-ups/<int:follow_up_id>/", views.record_follow_up, name="record_follow_up"),
    path("<str:reference>/closure/", views.closure, name="closure"),
    path("<str:reference>/closure/decision/", views.decide_closure, name="decide_closure"),
    path("<str:reference>/reopen/", views.reopen, name="reopen"),
    path("<str:reference>/files/<int:evidence_id>/", views.evidence_download, name="evidence"),
]
