"""Hotline ingest benchmark: generate N rows, import + classify + store them through the real
import path, then time the heatmap query over everything stored.

    .venv/bin/python bench/ingest.py --rows 1000000 --db sqlite
    .venv/bin/python bench/ingest.py --rows 1000000 --db postgres [--database-url URL]

Without --database-url it works in a throwaway database of its own (a temporary SQLite file, or
a new database on the PostgreSQL at 127.0.0.1:5432 that it drops afterwards). The last line
printed is one JSON object with rows_per_s, peak_rss_mb, heatmap_ms and the CPU-seconds of
each process (main, workers, PostgreSQL), which stay comparable on a busy machine.
"""

import argparse
import csv
import json
import os
import random
import re
import resource
import shutil
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


# Endings an operator adds to a recorded order; with the edits below almost every text of a
# generated file is distinct, as in a real 12345 export (a cache keyed on the text gains little).
TAILS = [
    "来电人要求{n}个工作日内回复。",
    "来电时间：{m}月{d}日{h}时{mi}分。",
    "来电人系{county}居民，已多次反映。",
    "请{unit}核实处理并回复来电人。",
    "来电人称此前已拨打{n}次电话未解决。",
    "（工单{i}）",
    "来电人情绪激动，{m}月{d}日前请回复。",
    "来电人希望相关部门{n}日内联系。",
]


def _vary(rng: random.Random, text: str, named: list[str], i: int, counties, units) -> str:
    """A corpus order as another caller would have it recorded: another unit named, other
    numbers, a typo, an operator's ending. `named`: the units the order mentions."""
    if named and rng.random() < 0.5:
        text = text.replace(named[0], rng.choice(units))
    if rng.random() < 0.5:
        text = re.sub(r"\d+", lambda m: str(rng.randint(1, 3 * 10 ** len(m.group()))), text)
    if rng.random() < 0.5 and len(text) > 10:
        k = rng.randrange(len(text) - 1)
        text = text[:k] + (text[k + 1] if rng.random() < 0.5 else "") + text[k:]
    tail = rng.choice(TAILS).format(
        n=rng.randint(1, 9),
        m=rng.randint(1, 12),
        d=rng.randint(1, 28),
        h=rng.randint(8, 20),
        mi=rng.randint(0, 59),
        county=rng.choice(counties),
        unit=rng.choice(units),
        i=i,
    )
    return text + tail


def generate(path: Path, rows: int, texts: list[str], counties: list[str], units: list[str]):
    """N hotline rows; about 8% re-file an earlier complaint word for word."""
    rng = random.Random(42)
    mentions = {t: [u for u in units if u in t] for t in texts}
    recent: list[str] = []
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["工单编号", "受理时间", "所属区县", "涉及单位", "诉求内容", "来电人", "联系电话"]
        )
        for i in range(rows):
            day = 1 + i % 28
            if recent and rng.random() < 0.08:
                text = rng.choice(recent)
            else:
                text = rng.choice(texts)
                text = _vary(rng, text, mentions[text], i, counties, units)
                if len(recent) < 2000:
                    recent.append(text)
                else:
                    recent[rng.randrange(2000)] = text
            writer.writerow(
                [
                    f"B{i:09d}",
                    f"2025-{1 + i % 12:02d}-{day:02d} {8 + i % 10:02d}:{i % 60:02d}:00",
                    rng.choice(counties),
                    rng.choice(units) if rng.random() < 0.7 else "",
                    text,
                    "张先生",
                    f"13{rng.randint(100000000, 999999999)}",
                ]
            )


def _distinct_share(path: Path, sample: int = 200_000) -> float:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        texts = [row[4] for _, row in zip(range(sample), reader, strict=False)]
    return len(set(texts)) / max(1, len(texts))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process on this machine (from /proc), 0 when unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_cpu(backend_pid: int | None) -> dict[str, float]:
    """CPU of our PostgreSQL backend and of the server's own writers (WAL, checkpoints)."""
    if backend_pid is None:
        return {}
    figures = {"backend": _cpu_seconds(backend_pid), "writers": 0.0}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if cmdline.startswith("postgres: ") and any(
            w in cmdline for w in ("walwriter", "checkpointer", "background writer")
        ):
            figures["writers"] += _cpu_seconds(int(proc.name))
    return figures


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
        print(
            f"generated {args.rows} rows in {took:.1f} s"
            f" ({_distinct_share(source):.0%} of the texts distinct)",
            file=sys.stderr,
        )

        from jiebang.needs.classifier import load_model

        load_model()  # loading scikit-learn and the model once is start-up, not throughput
        bar = tqdm(total=args.rows, unit="row", file=sys.stderr)

        def progress(done, total):
            bar.update(done - bar.n)

        from django.db import connection

        backend_pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend_pid = cursor.fetchone()[0]
        pg_before = _postgres_cpu(backend_pid)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_started = time.process_time()
        started = time.perf_counter()
        result = import_table(
            read_table(source, source.name), progress=progress, parallel=True, bulk_load=True
        )
        elapsed = time.perf_counter() - started
        cpu_main = time.process_time() - cpu_started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, reaped by now
        cpu_workers = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        pg_cpu = {k: v - pg_before[k] for k, v in _postgres_cpu(backend_pid).items()}
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
            # CPU-seconds, so that runs on a busy machine can still be compared.
            "cpu_s": {
                "main": round(cpu_main, 1),
                "workers": round(cpu_workers, 1),
                **{f"postgres_{k}": round(v, 1) for k, v in pg_cpu.items()},
                "total": round(cpu_main + cpu_workers + sum(pg_cpu.values()), 1),
            },
        }
        print(
            f"imported {stored} rows in {elapsed:.1f} s: {figures['rows_per_s']} rows/s; "
            f"heatmap {figures['heatmap_ms']} ms (median of 5)"
        )
        print(json.dumps(figures))
    finally:
        cleanup()
        shutil.rmtree(workdir, ignore_errors=True)  # the generated file and SQLite database


if __name__ == "__main__":
    main()
