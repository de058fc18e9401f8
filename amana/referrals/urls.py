from django.urls import path

from amana.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.ngo_list, name="list"),
    path("new/<str:case_reference>/", views.new, name="new"),
    path("received/", views.portal, name="portal"),
    path("received/<str:reference>/", views.received, name="received"),
    path("received/<str:reference>/accept/", views.accept, name="accept"),
    path("received/<str:reference>/decline/", views.decline, name="decline"),
    path("received/<str:reference>/action/", views.action, name="action"),
    path("received/<str:reference>/question/", views.question, name="question"),
    path("received/<str:reference>/done/", views.finish, name="done"),
    path("received/<str:reference>/files/<int:evidence_id>/", views.evidence, name="evidence"),
    path(
        "received/<str:reference>/files/<int:evidence_id>/download/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:reference>/files/", views.change_files, name="files"),
    path("<str:reference>/schedule/", views.schedule, name="schedule"),
    path("<str:reference>/plan-step/", views.plan_step, name="plan_step"),
    path("<str:reference>/outcome/", views.outcome, name="outcome"),
    path("<str:reference>/questions/<int:question_id>/answer/", views.answer, name="answer"),
]
