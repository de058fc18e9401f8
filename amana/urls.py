from django.contrib import admin
from django.urls import include, path

from amana.operations import views as operations_views

urlpatterns = [
    path("", include("amana.core.urls")),
    path("", include("amana.channel.urls")),
    path("staff/", include("amana.accounts.urls")),
    path("staff/audit/", include("amana.audit.urls")),
    path("staff/community/", include("amana.community.urls")),
    path("staff/cases/", include("amana.cases.urls")),
    path("staff/intake/", include("amana.channel.staff_urls")),
    path("staff/evidence/", include("amana.evidence.urls")),
    path("staff/directory/", include("amana.directory.urls")),
    path("staff/referrals/", include("amana.referrals.urls")),
    path("staff/insights/", include("amana.insights.urls")),
    path("staff/retention/", include("amana.retention.urls")),
    path("staff/operations/", include("amana.operations.urls")),
    path("health/", operations_views.health, name="health"),
    path("staff/admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "amana.core.views.bad_request"
handler403 = "amana.core.views.permission_denied"
handler404 = "amana.core.views.page_not_found"
handler500 = "amana.core.views.server_error"
