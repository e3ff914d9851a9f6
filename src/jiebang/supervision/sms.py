"""Text messages to citizens (the follow-up “已整改了吗？”). SMS_URL is the gateway: it
receives a JSON {"phone", "text"} by POST and answers 2xx; unset, the message goes to the log
(the demo). Sending runs in a job (tasks.send_follow_up), never in a request."""

import json
import logging
import urllib.request

from django.conf import settings

log = logging.getLogger(__name__)
TIMEOUT = 10


def send(phone: str, text: str) -> None:
    """Send one message; raises on failure (the follow-up is marked failed)."""
    if not settings.SMS_URL:
        log.info("SMS to %s: %s", phone, text)
        return
    request = urllib.request.Request(
        settings.SMS_URL,
        data=json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (admin-set URL)
        if not 200 <= response.status < 300:
            raise OSError(f"SMS gateway answered {response.status}")
