"""{% can "app.perm" [obj] as name %}: the template side of core.permissions.can."""

from django import template

from jiebang.core.permissions import can as can_do

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, perm, obj=None):
    return can_do(context["request"].user, perm, obj)
