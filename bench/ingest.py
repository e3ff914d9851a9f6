"""Hotline ingest benchmark: generate N rows, import + classify + store them through the real
import path, then time the heatmap query over everything stored.

    .venv/bin/python bench/ingest.py --rows 1000000 --db sqlite
    .venv/bin/python bench/ingest.py --rows 1000000 --db postgres [--database-url URL]

Without --database-url it works in a throwaway database of its own (a temporary SQLite file, or
a new database on the PostgreSQL at 127.0.0.1:5432 that it drops afterwards). The last line
printed is one JSON object with rows_per_s, peak_rss_mb and heatmap_ms.
"""

import argparse
import csv
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", help="Use this database instead of a throwaway one.")
    return parser.parse_args()


def throwaway_database(kind: str, workdir: Path):
    """(DATABASE_URL, cleanup) for a database of the benchmark's own."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}", lambda: None
    import psycopg

    name = f"jiebang_bench_{uuid.uuid4().hex[:8]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgres://postgres@127.0.0.1:5432/{name}", drop


def generate(path: Path, rows: int, texts: list[str], counties: list[str], units: list[str]):
    rng = random.Random(42)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["工单编号", "受理时间", "所属区县", "涉及单位", "诉求内容", "来电人", "联系电话"]
        )
        for i in range(rows):
            day = 1 + i % 28
            writer.writerow(
                [
                    f"B{i:09d}",
                    f"2025-{1 + i % 12:02d}-{day:02d} {8 + i % 10:02d}:{i % 60:02d}:00",
                    rng.choice(counties),
                    rng.choice(units) if rng.random() < 0.7 else "",
                    rng.choice(texts) + ("" if rng.random() < 0.5 else f"（工单{i}）"),
                    "张先生",
                    f"13{rng.randint(100000000, 999999999)}",
                ]
            )


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="jiebang-bench-"))
    url, cleanup = (args.database_url, lambda: None)
    if not url:
        url, cleanup = throwaway_database(args.db, workdir)
    os.environ["DATABASE_URL"] = url
    os.environ["JIEBANG_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiebang.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from tqdm import tqdm

    from jiebang.needs import services
    from jiebang.needs.classifier.engine import load_corpus
    from jiebang.needs.importing import import_table, read_table
    from jiebang.needs.models import FeedbackItem
    from jiebang.needs.queries import heatmap
    from jiebang.orgs import demo
    from jiebang.orgs.models import Institution, Region

    try:
        call_command("migrate", verbosity=0)
        demo.load_institutions(demo.load_regions())
        services.ensure_categories()
        texts = [e.text for e in load_corpus() if e.style == "hotline"]
        counties = list(
            Region.objects.filter(kind__in=Region.COUNTY_LEVEL).values_list("name", flat=True)
        )
        units = list(Institution.objects.values_list("name", flat=True))
        source = workdir / "hotline.csv"
        started = time.perf_counter()
        generate(source, args.rows, texts, counties, units)
        took = time.perf_counter() - started
        print(f"generated {args.rows} rows in {took:.1f} s", file=sys.stderr)

        from jiebang.needs.classifier import load_model

        load_model()  # loading scikit-learn and the model once is start-up, not throughput
        bar = tqdm(total=args.rows, unit="row", file=sys.stderr)

        def progress(done, total):
            bar.update(done - bar.n)

        started = time.perf_counter()
        result = import_table(
            read_table(source, source.name), progress=progress, parallel=True, bulk_load=True
        )
        elapsed = time.perf_counter() - started
        bar.close()
        stored = FeedbackItem.objects.count()
        from jiebang.needs.maintenance import refresh_statistics

        refresh_statistics()  # as `jiebang import-feedback` does after a big import

        timings = []
        for _ in range(5):
            t = time.perf_counter()
            heatmap(FeedbackItem.objects.all(), "county")
            timings.append((time.perf_counter() - t) * 1000)
        figures = {
            "db": args.db if not args.database_url else url.split(":", 1)[0],
            "rows": args.rows,
            "stored": stored,
            "rejected": result.rejected,
            "seconds": round(elapsed, 2),
            "rows_per_s": round(args.rows / elapsed),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "heatmap_ms": round(statistics.median(timings), 1),
            "seconds_by_step": {k: round(v, 2) for k, v in result.seconds.items()},
        }
        print(
            f"imported {stored} rows in {elapsed:.1f} s: {figures['rows_per_s']} rows/s; "
            f"heatmap {figures['heatmap_ms']} ms (median of 5)"
        )
        print(json.dumps(figures))
    finally:
        cleanup()


if __name__ == "__main__":
    main()
