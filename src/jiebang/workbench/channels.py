"""Ways out of the app for notifications. settings.NOTIFY_CHANNELS lists the channel classes in
use (dotted paths); each is tried for every outbound notification.

A channel for an SMS gateway or another messenger is a class with a `name`, an
`address(user)` (None when the user cannot be reached that way, e.g. no phone number) and a
`send(user, subject, body)` that raises on failure; add its path to NOTIFY_CHANNELS (see the
README). Sending happens in a job (tasks.deliver), never in a request.
"""

import json
import urllib.request
from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class Channel:
    name = ""  # stored with each delivery
    label = ""  # what people read

    def address(self, user) -> str | None:
        raise NotImplementedError

    def send(self, user, subject: str, body: str) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    """E-mail through Django's mail backend (EMAIL_BACKEND: SMTP in production, the console
    in the demo)."""

    name = "email"
    label = _("E-mail")

    def address(self, user):
        return user.email or None

    def send(self, user, subject, body):
        send_mail(subject, body, None, [user.email], fail_silently=False)


class WebhookChannel(Channel):
    """A WeChat Work (企业微信) group robot, or any gateway taking its JSON: a text message that
    mentions the user by mobile number. NOTIFY_WEBHOOK_URL is the robot's address."""

    name = "webhook"
    label = _("WeChat Work")
    timeout = 10

    def address(self, user):
        return user.phone or None

    def send(self, user, subject, body):
        message = {
            "msgtype": "text",
            "text": {"content": f"{subject}\n{body}", "mentioned_mobile_list": [user.phone]},
        }
        request = urllib.request.Request(
            settings.NOTIFY_WEBHOOK_URL,
            data=json.dumps(message, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            reply = json.loads(response.read() or b"{}")
        if reply.get("errcode", 0) != 0:
            raise RuntimeError(f"{reply.get('errcode')}: {reply.get('errmsg', '')}")


@cache
def channels() -> dict[str, Channel]:
    found = {}
    for path in settings.NOTIFY_CHANNELS:
        channel = import_string(path)()
        found[channel.name] = channel
    return found
