"""The city admin's pages for the partners' Open311 keys: the list, a new key (shown once, on
the page that answers its creation) and revoking one."""

from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiebang.core.actions import press, submit
from jiebang.core.permissions import require_perm

from ..models import ApiKey
from . import keys
from .forms import ApiKeyForm

PERM = "supervision.manage_api_keys"


def apikey_list(request):
    require_perm(request.user, PERM)
    active_first = F("revoked_at").asc(nulls_first=True)
    rows = ApiKey.objects.select_related("created_by").order_by(active_first, "name")
    return render(request, "supervision/apikey_list.html", {"keys": rows})


def apikey_create(request):
    require_perm(request.user, PERM)

    def shown_once(issued):
        # The answer to the POST itself, never a redirect: the key is in no URL, no session
        # and no cache, so reloading or going back cannot show it again.
        response = render(request, "supervision/apikey_created.html", {"issued": issued})
        add_never_cache_headers(response)
        return response

    return submit(
        request,
        ApiKeyForm(request.POST or None),
        lambda name: keys.create_key(name=name, acting_user=request.user),
        message=None,
        success=shown_once,
        template="supervision/apikey_form.html",
    )


@require_POST
def apikey_revoke(request, pk):
    require_perm(request.user, PERM)
    key = get_object_or_404(ApiKey.objects.all(), pk=pk)
    return press(
        request,
        lambda: keys.revoke_key(key, acting_user=request.user),
        message=_("The key of %(name)s was revoked: its requests are refused from now on.")
        % {"name": key.name},
        success="supervision:apikey-list",
    )
