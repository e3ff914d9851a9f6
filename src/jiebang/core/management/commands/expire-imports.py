from django.core.management.base import BaseCommand

from jiebang.core.jobs import expire_stale_imports


class Command(BaseCommand):
    help = (
        "Mark failed, with the reason, every import or export whose background job is gone: "
        "running without progress for JOB_HEARTBEAT_TIMEOUT seconds, queued without starting for "
        "JOB_QUEUE_TIMEOUT seconds, a hotline import left at its column mapping for 24 hours, or "
        "a job that ended or vanished before its work was done. Their uploader can then retry "
        "them. Safe to run at any time (cron: every 10 minutes)."
    )

    def handle(self, *args, **options):
        marked = expire_stale_imports()
        self.stdout.write(f"已将 {marked} 个中断或过期的后台任务标记为失败。")
