from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from .api import api

urlpatterns = [
    path("", include("jiebang.core.urls")),
    path("orgs/", include("jiebang.orgs.urls")),
    path("needs/", include("jiebang.needs.urls")),
    path("projects/", include("jiebang.projects.urls")),
    path("resources/", include("jiebang.resources.urls")),
    path("assessment/", include("jiebang.assessment.urls")),
    path("ledger/", include("jiebang.ledger.urls")),
    path("accountability/", include("jiebang.accountability.urls")),
    path("work/", include("jiebang.workbench.urls")),
    path("supervision/", include("jiebang.supervision.urls")),
    path("feedback/", include("jiebang.supervision.public_urls")),
    path("open311/v2/", include("jiebang.supervision.open311.urls")),
    path("experience/", include("jiebang.experience.urls")),
    path("portal/", include("jiebang.portal.urls")),
    path("evaluation/", include("jiebang.evaluation.urls")),
    path("impact/", include("jiebang.impact.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # The public pages' switch: no CSRF token, so their cached bytes go out as stored.
    path(
        "i18n/public/",
        login_not_required(csrf_exempt(set_language)),
        name="public-language",
    ),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
