from django.urls import path

from amana.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/enrol/", views.enrol_view, name="enrol"),
    path("login/code/", views.verify_view, name="verify"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", views.logout_everywhere_view, name="logout_everywhere"),
    path("account/", views.account_view, name="account"),
]
