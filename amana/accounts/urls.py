from django.urls import path

from amana.accounts import key_views, organisation_views, settings_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/enrol/", views.enrol_view, name="enrol"),
    path("login/code/", views.verify_view, name="verify"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", views.logout_everywhere_view, name="logout_everywhere"),
    path("account/", views.account_view, name="account"),
    path("keys/", key_views.key_requests, name="key_requests"),
    path("keys/<int:request_id>/approve/", key_views.approve_key, name="approve_key"),
    path("organisations/", organisation_views.organisation_list, name="organisations"),
    path("organisations/new/", organisation_views.organisation_new, name="organisation_new"),
    path("organisations/<int:organisation_id>/members/", organisation_views.member_list, name="members"),
    path(
        "organisations/<int:organisation_id>/settings/",
        settings_views.organisation_settings,
        name="organisation_settings",
    ),
    path(
        "organisations/<int:organisation_id>/settings/signing-key/",
        settings_views.new_signing_key,
        name="new_signing_key",
    ),
    path(
        "organisations/<int:organisation_id>/settings/signing-key/revoke/",
        settings_views.revoke_signing_key,
        name="revoke_signing_key",
    ),
    path(
        "organisations/<int:organisation_id>/settings/first-screen/",
        settings_views.first_screen,
        name="first_screen",
    ),
    path(
        "organisations/<int:organisation_id>/settings/package-naming/",
        settings_views.package_naming,
        name="package_naming",
    ),
    path("organisations/<int:organisation_id>/members/new/", organisation_views.member_new, name="member_new"),
    path(
        "organisations/<int:organisation_id>/members/<int:member_id>/",
        organisation_views.member_action,
        name="member_action",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:member_id>/deactivate/",
        organisation_views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:member_id>/readd/",
        organisation_views.member_readd,
        name="member_readd",
    ),
]
