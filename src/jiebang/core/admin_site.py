from axes.apps import AppConfig as AxesAppConfig
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy
from django_tasks_db.apps import TasksAppConfig

from .permissions import can


class JiebangAdminSite(admin.AdminSite):
    """The Django admin, open to the city administrator only."""

    site_header = _("Jiebang administration")
    site_title = _("Jiebang administration")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and can(user, "core.use_admin")


class JiebangAdminConfig(AdminConfig):
    default_site = "jiebang.core.admin_site.JiebangAdminSite"


# Third-party apps the admin shows. Their app names are not translatable strings, so these
# configs (named in INSTALLED_APPS) give them ours; their models' and fields' strings are
# translatable but ship no zh_Hans catalogue, so the msgids below — exactly theirs — put their
# translations in ours (Django looks a msgid up in every catalogue).
class AxesConfig(AxesAppConfig):
    verbose_name = _("Login protection")


class TasksDbConfig(TasksAppConfig):
    verbose_name = _("Background jobs")


THIRD_PARTY_MSGIDS = [
    # Django's admin (its zh_Hans catalogue lacks these table headers of the app list)
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django-axes
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    # django-tasks-db and django-tasks
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("args kwargs"),
    gettext_noop("backend name"),
    gettext_noop("enqueued at"),
    gettext_noop("exception class path"),
    gettext_noop("finished at"),
    gettext_noop("queue name"),
    gettext_noop("return value"),
    gettext_noop("run after"),
    gettext_noop("started at"),
    gettext_noop("task path"),
    gettext_noop("traceback"),
    gettext_noop("worker id"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
]
