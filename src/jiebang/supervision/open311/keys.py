"""The keys of partner systems (the 12345 platform, a WeChat mini-program) that post Open311
service requests: the city admin makes and revokes them; a POST names its key as `api_key`.

Only the key's SHA-256 digest and its first characters are stored: the key itself is shown
once, when made. A key may post KEY_HOURLY_LIMIT requests an hour (a runaway loop in a
partner's system, not a citizen, reaches that); counts live in the shared cache in fixed
one-hour windows, as core.throttle's do."""

import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiebang.core.errors import DomainError
from jiebang.core.permissions import require_perm
from jiebang.core.text import clean_text

from ..models import ApiKey, digest

KEY_HOURLY_LIMIT = 10_000
HOUR = 3600


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    raw: str  # shown once, on the page that answers the creation; never stored


@transaction.atomic
def create_key(*, name: str, acting_user) -> IssuedKey:
    """A new key for a partner system. DomainError when the name is empty or taken (a revoked
    key keeps its name, so a partner's new key gets a new name)."""
    require_perm(acting_user, "supervision.manage_api_keys")
    name = clean_text(name or "").strip()
    if not name:
        raise DomainError(_("Please name the partner system."))
    if ApiKey.objects.filter(name=name).exists():
        raise DomainError(
            _("A key named “%(name)s” exists already (revoked keys keep their names).")
            % {"name": name}
        )
    raw = secrets.token_urlsafe(32)
    key = ApiKey(name=name, prefix=raw[:8], key_digest=digest(raw), created_by=acting_user)
    key._history_user = acting_user
    key.save()
    return IssuedKey(key=key, raw=raw)


@transaction.atomic
def revoke_key(key: ApiKey, *, acting_user) -> ApiKey:
    """From now on the key is refused (403). DomainError when it was revoked already."""
    require_perm(acting_user, "supervision.manage_api_keys")
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise DomainError(_("This key was revoked already."))
    key.revoked_at = timezone.now()
    key._history_user = acting_user
    key.save(update_fields=["revoked_at"])
    return key


def partner_for(raw: str | None) -> ApiKey | None:
    """The active key `raw` is, or None (none given, unknown or revoked). Marks it used."""
    if not raw:
        return None
    key = ApiKey.objects.filter(key_digest=digest(raw), revoked_at__isnull=True).first()
    if key is not None:
        # update(): bookkeeping, not a change anybody made (the history leaves it out too).
        key.last_used_at = timezone.now()
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=key.last_used_at)
    return key


def count_post(key: ApiKey) -> bool:
    """Count one POST of `key`; False when it is over its hourly limit (then it is refused)."""
    name = f"open311:key:{key.pk}:{int(time.time()) // HOUR}"
    cache.add(name, 0, HOUR + 60)
    try:
        count = cache.incr(name)
    except ValueError:  # evicted between add and incr
        cache.set(name, 1, HOUR + 60)
        count = 1
    return count <= KEY_HOURLY_LIMIT
