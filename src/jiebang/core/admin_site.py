from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

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
