import json

from django.core.management.base import BaseCommand
from tqdm import tqdm

from jiebang.workbench import services


class Command(BaseCommand):
    help = (
        "Once a day (cron or a systemd timer): remind every user of what is overdue or due "
        "within 3 days in their queue, send the daily digests, and retry failed messages. "
        "Idempotent: a second run the same day tells nobody twice."
    )

    def handle(self, *args, **options):
        users = services.active_users()

        def progress(rows):
            return tqdm(rows.iterator(), total=users.count(), desc="提醒", unit="人")

        figures = services.daily_run(progress=progress)
        self.stdout.write(
            f"已发出 {figures['reminders']} 条提醒，{figures['digests']} 份每日汇总，"
            f"重试 {figures['retried']} 条发送失败的消息。"
        )
        self.stdout.write(json.dumps(figures))
