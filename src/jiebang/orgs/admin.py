from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Grid, Institution, MedicalGroup, Region, User


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "level", "region", "grid"]
    list_filter = ["kind", "level", "grid"]
    search_fields = ["name"]
    autocomplete_fields = ["region"]


@admin.register(Grid)
class GridAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "lead_institution"]


@admin.register(MedicalGroup)
class MedicalGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "lead_institution"]
    list_filter = ["kind"]
    search_fields = ["name"]


UNUSED = {"groups", "user_permissions"}


@admin.register(User)
class JiebangUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "full_name", "role", "institution", "region", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    autocomplete_fields = ["institution", "region"]
    # A user's role decides what it may do (rules), not Django's groups and per-user model
    # permissions: those are left out (their names are stored in English, too).
    fieldsets = [
        *[
            (name, {**options, "fields": [f for f in options["fields"] if f not in UNUSED]})
            for name, options in UserAdmin.fieldsets
        ],
        (_("Organisation"), {"fields": ["role", "full_name", "phone", "institution", "region"]}),
    ]
    filter_horizontal = ()


admin.site.unregister(Group)
