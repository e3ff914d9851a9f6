import csv
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jiebang.needs.classifier import classify

BATCH = 5000


class Command(BaseCommand):
    help = (
        "Classify complaints in a CSV with a `text` column: writes the same rows plus "
        "`category` and `confidence`. Needs no database."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="CSV file with a `text` column.")
        parser.add_argument("--output", required=True, help="CSV file to write.")

    def handle(self, *args, input, output, **options):
        source = Path(input)
        if not source.exists():
            raise CommandError(f"找不到输入文件 {source}")
        with open(source, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = reader.fieldnames or []
            if "text" not in fields:
                raise CommandError(f"{source}: 缺少 text 列（现有列：{', '.join(fields)}）")
            rows = list(reader)
        out_fields = fields + [c for c in ("category", "confidence") if c not in fields]
        with open(output, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=out_fields)
            writer.writeheader()
            bar = tqdm(total=len(rows), unit="row", file=sys.stderr, disable=len(rows) < BATCH)
            for start in range(0, len(rows), BATCH):
                chunk = rows[start : start + BATCH]
                for row, (category, confidence) in zip(
                    chunk, classify([r["text"] or "" for r in chunk]), strict=True
                ):
                    row["category"] = category
                    row["confidence"] = f"{confidence:.4f}"
                    writer.writerow(row)
                bar.update(len(chunk))
            bar.close()
        self.stdout.write(f"classified {len(rows)} rows → {output}")
