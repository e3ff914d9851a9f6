"""Stage 5's jobs on Django's tasks API: the follow-up message to a citizen."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from . import sms
from .models import FollowUp

FOLLOW_UP_SALT = "jiebang.follow-up"


def follow_up_link(ticket) -> str:
    """The tracking page with a signed key: the citizen answers without typing digits."""
    key = signing.dumps(ticket.number, salt=FOLLOW_UP_SALT)
    return f"{settings.SITE_URL}{reverse('feedback:track-detail', args=[ticket.number])}?k={key}"


def key_matches(ticket, key: str) -> bool:
    try:
        return signing.loads(key or "", salt=FOLLOW_UP_SALT, max_age=90 * 24 * 3600) == (
            ticket.number
        )
    except signing.BadSignature:
        return False


@task()
def send_follow_up(follow_up_pk: int) -> str:
    follow_up = FollowUp.objects.select_related("ticket__item").filter(pk=follow_up_pk).first()
    if follow_up is None or follow_up.status == FollowUp.Status.SENT:
        return "nothing"
    ticket = follow_up.ticket
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Liaocheng Health Commission: your opinion %(number)s has been answered. Is it "
            "rectified? Tell us here: %(link)s"
        ) % {"number": ticket.number, "link": follow_up_link(ticket)}
    try:
        sms.send(ticket.phone, text)
    except Exception as error:  # noqa: BLE001 (any gateway failure is recorded, not raised)
        follow_up.status = FollowUp.Status.FAILED
        follow_up.error = str(error)[:300]
    else:
        follow_up.status = FollowUp.Status.SENT
        follow_up.sent_at = timezone.now()
        from .services import record_follow_up

        record_follow_up(ticket)
    follow_up.save(update_fields=["status", "error", "sent_at"])
    return follow_up.status
