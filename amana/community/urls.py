from django.urls import path

from amana.community import views

app_name = "community"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("forums/", views.forum_list, name="forums"),
    path("forums/new/", views.forum_create, name="forum_create"),
    path("forums/<int:forum_id>/", views.forum_detail, name="forum"),
    path("forums/<int:forum_id>/concerns/", views.concern_add, name="concern_add"),
    path("forums/<int:forum_id>/action-points/", views.action_point_add, name="action_point_add"),
    path(
        "forums/<int:forum_id>/reviews/<int:action_point_id>/",
        views.action_point_review,
        name="action_point_review",
    ),
    path("action-points/", views.action_point_list, name="action_points"),
    path("action-points/export.csv", views.action_point_export, {"fmt": "csv"}, name="action_point_csv"),
    path("action-points/export.xlsx", views.action_point_export, {"fmt": "xlsx"}, name="action_point_xlsx"),
    path("action-points/<int:action_point_id>/", views.action_point_detail, name="action_point"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity"),
    path("activities/<int:activity_id>/materials/", views.material_add, name="material_add"),
    path("activities/<int:activity_id>/scores/", views.activity_scores, name="activity_scores"),
    path("forums/<int:target_id>/attendance/", views.attendance_edit, {"kind": "forum"}, name="forum_attendance"),
    path(
        "forums/<int:target_id>/attendance/import/",
        views.attendance_import,
        {"kind": "forum"},
        name="forum_import",
    ),
    path(
        "activities/<int:target_id>/attendance/",
        views.attendance_edit,
        {"kind": "activity"},
        name="activity_attendance",
    ),
    path(
        "activities/<int:target_id>/attendance/import/",
        views.attendance_import,
        {"kind": "activity"},
        name="activity_import",
    ),
    path("attendance-sheet.csv", views.import_template, {"fmt": "csv"}, name="sheet_csv"),
    path("attendance-sheet.xlsx", views.import_template, {"fmt": "xlsx"}, name="sheet_xlsx"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("teams/<int:team_id>/members/", views.member_add, name="member_add"),
    path(
        "teams/<int:team_id>/members/<int:member_id>/trainings/",
        views.member_training_add,
        name="member_training_add",
    ),
    path("teams/<int:team_id>/mentorship/", views.mentorship_add, name="mentorship_add"),
]
