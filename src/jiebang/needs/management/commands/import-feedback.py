import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from jiebang.core.errors import DomainError
from jiebang.needs import services
from jiebang.needs.clustering import cluster_items
from jiebang.needs.importing import failure_message, import_table, read_table
from jiebang.needs.maintenance import BIG_IMPORT, refresh_statistics
from jiebang.needs.models import Channel, FeedbackItem, ImportBatch

# From this size on, rebuilding the secondary indexes once beats maintaining them per row.
BULK_LOAD_ROWS = 200_000


class Command(BaseCommand):
    help = (
        "Import a 12345 export (CSV or XLSX, UTF-8 or GBK): good rows are stored, bad rows are "
        "listed with line, column and reason; 工单编号 is the key, so re-importing adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--channel", default=Channel.HOTLINE, choices=Channel.values)
        parser.add_argument("--rejects", help="Write the rejected rows to this CSV file.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="Map a field to another header, e.g. --map text=问题描述",
        )
        parser.add_argument("--no-cluster", action="store_true", help="Skip grouping repeats.")

    def handle(self, *args, file, channel, rejects, map, no_cluster, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"找不到文件 {path}")
        mapping = dict(m.split("=", 1) for m in map if "=" in m)
        services.ensure_categories()
        batch = None
        try:
            table = read_table(path, path.name)
            batch = ImportBatch.objects.create(
                file_name=path.name, channel=channel, total_rows=table.total, mapping=mapping
            )
            bar = tqdm(total=table.total, unit="row", file=sys.stderr)

            def progress(done, total):
                bar.total = max(total, done)
                bar.update(done - bar.n)

            result = import_table(
                table,
                channel=channel,
                batch=batch,
                mapping=mapping,
                progress=progress,
                parallel=table.total > 20_000,
                bulk_load=table.total >= BULK_LOAD_ROWS,
            )
            bar.close()
        except BaseException as e:
            if batch is not None:  # not left "waiting" in the list of imports
                ImportBatch.objects.filter(pk=batch.pk).update(
                    status=ImportBatch.Status.FAILED, message=failure_message(e)
                )
            if isinstance(e, DomainError):
                raise CommandError(e.message) from e
            raise
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.DONE,
                processed_rows=result.total,
                accepted=result.accepted,
                duplicates=result.duplicates,
                rejected=result.rejected,
                rejects=[r.__dict__ for r in result.rejects],
                mapping={**mapping, "_headers": table.headers},
            )
        self.stdout.write(
            f"{path.name}: 共 {result.total} 行，导入 {result.accepted} 行，"
            f"已存在跳过 {result.duplicates} 行，拒绝 {result.rejected} 行"
        )
        for r in result.rejects[:50]:
            self.stdout.write(f"  第 {r.line} 行 [{r.column}] {r.reason}")
        if result.rejected > 50:
            self.stdout.write(f"  …… 另有 {result.rejected - 50} 行")
        if rejects and result.rejects:
            from jiebang.needs.importing import rejects_csv

            Path(rejects).write_bytes(
                rejects_csv([r.__dict__ for r in result.rejects], table.headers)
            )
            self.stdout.write(f"被拒绝的行已写入 {rejects}")
        if result.accepted >= BIG_IMPORT:
            refresh_statistics()
        if not no_cluster and result.accepted:
            cluster_items(FeedbackItem.objects.filter(batch=batch))
