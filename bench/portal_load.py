"""Portal load and feedback loss benchmark: the production server (gunicorn, 2 workers) on
PostgreSQL, the public project list and project page against a trivial view as the ceiling,
then 5,000 QR feedback items submitted concurrently and checked exactly once in the database.

    .venv/bin/python bench/portal_load.py [--database-url postgres://…] [--skip-load]

It migrates the database and loads the demo city there (`jiebang demo --no-serve`; skipped
when the demo is already loaded, or with --skip-load), starts `gunicorn -w 2` on 127.0.0.1
with DEBUG=0 (WhiteNoise serves the static files from the app folders: no collectstatic) and
Redis as the cache when it answers (else the file cache). Workers are gthread (4 threads) by
default: they keep a client's connection alive, as a browser uses it, so neither side spends
its share of the two cores on a TCP connection per request (--worker-class sync: one request
per connection; about the same server CPU per request, four times the client's).

This process is the client: --concurrency closed-loop clients (asyncio over raw sockets, one
connection each; its CPU is measured and reported), each page for --duration seconds in
--rounds interleaved rounds, after a warm-up pass over every URL (the portal pages are
cached per language; a warm cache is their normal state). Then --feedback QR ratings, each
simulated phone with its own cookies (csrftoken, the signed jb_device) and at most
--per-phone submissions of a unique text; every tracking number of a 302 is compared with
supervision_ticket and every text with needs_feedbackitem.

The last line is one JSON object with portal_rps, ceiling_rps, portal_share, p99_ms,
feedback_lost and feedback_duplicated (targets: portal_share ≥ 0.5 and p99_ms < 100 at 32
clients; nothing lost or duplicated), and the CPU each side used: on a shared machine the
server's CPU milliseconds per request (portal_share_cpu) are the steadier comparison.
"""

import sys
from pathlib import Path

# bench/queue.py is named like the standard library's `queue` (which psycopg imports): take
# this folder off sys.path before anything imports it.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402

import psycopg  # noqa: E402
from tqdm import tqdm  # noqa: E402

ROOT = HERE.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jiebang_bench"
REDIS_DB = 13  # a Redis database of the bench's own (the portal's version key, the counters)
CLK_TCK = os.sysconf("SC_CLK_TCK")

COMPLAINTS = [
    "挂号窗口排队太久，等了一个多小时才轮到",
    "检查报告出得太慢，希望能在手机上直接查询",
    "收费处只开了一个窗口，老人排队很辛苦",
    "医生讲解得很耐心，护士态度也好，点赞",
    "停车太难，希望医院增加停车位和引导",
    "自助机经常出故障，旁边也没有人指导",
    "住院部卫生间不够干净，希望加强保洁",
    "夜间急诊候诊时间太长，孩子发烧等了很久",
    "预约的时间到了还要重新排队，预约没有意义",
    "药房取药排队时间长，希望增加发药窗口",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="A PostgreSQL URL.")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10, help="Seconds per page.")
    parser.add_argument("--rounds", type=int, default=3, help="Interleaved rounds of pages.")
    parser.add_argument("--warmup", type=float, default=2, help="Seconds of load before each.")
    parser.add_argument("--feedback", type=int, default=5000)
    parser.add_argument("--per-phone", type=int, default=2, help="Submissions per device.")
    parser.add_argument("--port", type=int, default=0, help="0: a free port.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--worker-class",
        choices=["gthread", "sync"],
        default="gthread",
        help="gthread (default): keeps client connections alive; sync closes after each answer.",
    )
    parser.add_argument("--threads", type=int, default=4, help="Threads of a gthread worker.")
    parser.add_argument("--tasks", choices=["db", "immediate"], default="db")
    parser.add_argument("--skip-load", action="store_true", help="No migrate, no demo load.")
    parser.add_argument("--keep-log", action="store_true", help="Keep the server's log.")
    return parser.parse_args()


# --- the machine: CPU of each side, from /proc --------------------------------------------


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _children(pid: int) -> list[int]:
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(proc.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _pids_by_cmdline(test) -> list[int]:
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if test(cmdline):
            found.append(int(proc.name))
    return found


def _machine_busy() -> tuple[float, float]:
    """(busy, total) core-seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])
    return (total - idle) / CLK_TCK, total / CLK_TCK


class CpuMeter:
    """Core-seconds used by the server (gunicorn's master and workers), this client, the
    PostgreSQL backends of our database, Redis, and everything else on the machine.

    A backend's CPU vanishes from /proc when it exits (Django closes a connection older than
    CONN_MAX_AGE after a request), so a thread samples our database's backends twice a second
    and keeps the last figure of each."""

    def __init__(self, master_pid: int, dbname: str):
        self.master, self.dbname = master_pid, dbname
        self.backends: dict[int, float] = {}
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self):
        while not self.stopped.wait(0.5):
            self._backends()

    def _backends(self) -> dict[int, float]:
        found = _pids_by_cmdline(lambda c: c.startswith("postgres: ") and f" {self.dbname} " in c)
        figures = {pid: _proc_cpu(pid) for pid in found}
        with self.lock:
            for pid, cpu in figures.items():
                self.backends[pid] = max(cpu, self.backends.get(pid, 0.0))
            return dict(self.backends)

    def stop(self):
        self.stopped.set()

    def snapshot(self) -> dict:
        workers = _children(self.master)
        usage = os.times()
        busy, total = _machine_busy()
        return {
            "workers": tuple(sorted(workers)),
            "server": _proc_cpu(self.master) + sum(_proc_cpu(p) for p in workers),
            "client": usage.user + usage.system,
            "backends": self._backends(),
            "redis": sum(
                _proc_cpu(p) for p in _pids_by_cmdline(lambda c: c.startswith("redis-server"))
            ),
            "busy": busy,
            "total": total,
            "wall": time.perf_counter(),
        }

    @staticmethod
    def used(before: dict, after: dict) -> Counter:
        keys = ("server", "client", "redis", "busy", "total", "wall")
        used = Counter({k: after[k] - before[k] for k in keys})
        was = before["backends"]
        used["db"] = sum(cpu - was.get(pid, 0.0) for pid, cpu in after["backends"].items())
        used["restarts"] = len(set(after["workers"]) - set(before["workers"]))
        return used

    @staticmethod
    def report(used: Counter, requests: int) -> dict:
        wall = used["wall"]
        ours = used["server"] + used["client"] + used["db"] + used["redis"]
        per = max(1, requests)
        return {
            "server_ms_per_req": round(1000 * used["server"] / per, 2),
            "client_ms_per_req": round(1000 * used["client"] / per, 2),
            "db_ms_per_req": round(1000 * used["db"] / per, 2),
            "server_cores": round(used["server"] / wall, 2),
            "client_cores": round(used["client"] / wall, 2),
            "db_redis_cores": round((used["db"] + used["redis"]) / wall, 2),
            # Other processes (other people's work on the shared machine) and the kernel.
            "other_cores": round(max(0.0, used["busy"] - ours) / wall, 2),
            "idle_cores": round(max(0.0, used["total"] - used["busy"]) / wall, 2),
            "worker_restarts": used["restarts"],
        }


# --- a small HTTP/1.1 client over asyncio streams ----------------------------------------


class Http:
    """One client connection, kept alive when the server allows it (gunicorn's sync workers
    close after every answer; gthread keeps it)."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None
        self.cookies: dict[str, str] = {}

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(self, method: str, path: str, form: dict | None = None, retry=True):
        body = urllib.parse.urlencode(form).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "User-Agent: bench"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        while True:
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            try:
                self.writer.write(data)
                status, headers, content, keep = await self._read()
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                # A kept-alive connection the server closed meanwhile: the request was not
                # read, send it again (GET only: a POST's fate is unknown, the caller counts it).
                if fresh or not retry:
                    raise
                continue
            if not keep:
                await self.close()
            for name, value in headers:
                if name == "set-cookie":
                    key, _eq, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return status, dict(headers), content

    async def _read(self):
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        version, status = lines[0].split(" ", 2)[:2]
        headers = []
        for line in lines[1:]:
            if line:
                name, _colon, value = line.partition(":")
                headers.append((name.strip().lower(), value.strip()))
        fields = dict(headers)
        keep = version == "HTTP/1.1" and fields.get("connection", "").lower() != "close"
        if "content-length" in fields:
            content = await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    while (await self.reader.readuntil(b"\r\n")) != b"\r\n":
                        pass
                    break
                parts.append((await self.reader.readexactly(size + 2))[:-2])
            content = b"".join(parts)
        else:
            content, keep = await self.reader.read(), False
        return int(status), headers, content, keep


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _fetch(port: int, path: str) -> tuple[int, dict, bytes]:
    http = Http(port)
    try:
        return await http.request("GET", path)
    finally:
        await http.close()


async def _load(port, urls, concurrency, seconds):
    """Closed loop: `concurrency` clients each GET the next URL as soon as the last answered,
    for `seconds`. Latencies (connect included) of the answers completed in time."""
    latencies, errors = [], Counter()
    start = time.perf_counter()
    deadline = start + seconds

    async def client(n):
        http, i = Http(port), n
        while time.perf_counter() < deadline:
            url = urls[i % len(urls)]
            i += concurrency
            sent = time.perf_counter()
            try:
                status, _headers, _content = await http.request("GET", url)
            except (OSError, asyncio.IncompleteReadError) as error:
                errors[type(error).__name__] += 1
                await asyncio.sleep(0.01)
                continue
            done = time.perf_counter()
            if done <= deadline:
                if status == 200:
                    latencies.append(done - sent)
                else:
                    errors[f"HTTP {status}"] += 1
        await http.close()

    await asyncio.gather(*(client(n) for n in range(concurrency)))
    return latencies, errors


def warm(name, port, urls, args) -> None:
    """Every URL once (a miss renders and stores the page), then --warmup seconds of load."""

    async def run():
        for url in urls:
            status, _h, _c = await _fetch(port, url)
            if status != 200:
                raise SystemExit(f"{name}: GET {url} answered {status}")
        await _load(port, urls, args.concurrency, args.warmup)

    asyncio.run(run())


def measure_pages(pages: dict[str, list[str]], port, args, meter) -> dict:
    """Each page for --duration seconds, in --rounds interleaved rounds (whatever else the
    shared machine does then weighs on every page alike); figures over all rounds."""
    for name, urls in pages.items():
        warm(name, port, urls, args)
    latencies = {name: [] for name in pages}
    errors = {name: Counter() for name in pages}
    used = {name: Counter() for name in pages}
    total = args.rounds * len(pages) * args.duration
    with tqdm(total=round(total), desc="pages", unit="s", file=sys.stderr) as bar:
        for _round in range(args.rounds):
            for name, urls in pages.items():
                bar.set_postfix_str(name)
                before = meter.snapshot()
                done, failed = asyncio.run(_load(port, urls, args.concurrency, args.duration))
                used[name] += CpuMeter.used(before, meter.snapshot())
                latencies[name] += done
                errors[name] += failed
                bar.update(round(args.duration))
    figures = {}
    for name, urls in pages.items():
        done = latencies[name]
        figures[name] = {
            "rps": round(len(done) / (args.rounds * args.duration), 1),
            "p50_ms": round(1000 * _percentile(done, 0.50), 1),
            "p99_ms": round(1000 * _percentile(done, 0.99), 1),
            "max_ms": round(1000 * max(done, default=0), 1),
            "requests": len(done),
            "urls": len(urls),
            "errors": dict(errors[name]),
            "cpu": CpuMeter.report(used[name], len(done)),
        }
        print(f"{name}: {json.dumps(figures[name])}", file=sys.stderr)
    return figures


# --- the QR feedback ---------------------------------------------------------------------

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TRACK = re.compile(r"/feedback/track/([^/]+)/")
ERRORS = re.compile(rb'(?s)<div class="(?:alert alert-danger|text-danger small)"[^>]*>(.*?)</div>')


def _reason(content: bytes) -> str:
    found = ERRORS.search(content)
    if not found:
        return "a 200 page without an error message"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1).decode())).strip()


def submit_feedback(port, targets, args, run) -> dict:
    """Phones (own cookies, a fresh connection each) rate a target: GET the form, POST
    --per-phone unique comments. Every outcome kept by sequence number."""
    total = args.feedback
    outcomes: dict[int, dict] = {}
    step = args.per_phone
    phones = [list(range(s, min(s + step, total))) for s in range(0, total, step)]
    rng = random.Random(run)

    async def phone(sequence, target, bar):
        http = Http(port)
        try:
            status, _headers, content = await http.request("GET", target)
            token = TOKEN.search(content)
            if status != 200 or token is None or "jb_device" not in http.cookies:
                for seq in sequence:
                    outcomes[seq] = {"outcome": "error", "reason": f"form answered {status}"}
                return
            for seq in sequence:
                text = (
                    f"第{seq}条：{COMPLAINTS[seq % len(COMPLAINTS)]}。"
                    f"（压测 {run}-{seq:05d} {uuid.uuid4().hex[:8]}）"
                )
                form = {
                    "csrfmiddlewaretoken": token.group(1).decode(),
                    "rating": str(rng.randint(1, 5)),
                    "comment": text,
                    "phone": "",
                    "website": "",
                }
                sent = time.perf_counter()
                try:
                    status, headers, content = await http.request("POST", target, form, retry=False)
                except (OSError, asyncio.IncompleteReadError) as error:
                    outcomes[seq] = {"outcome": "error", "reason": type(error).__name__}
                    bar.update(1)
                    continue
                took = time.perf_counter() - sent
                found = TRACK.search(headers.get("location", "")) if status == 302 else None
                if found:
                    outcomes[seq] = {"outcome": "accepted", "number": found.group(1), "ms": took}
                elif status == 200:
                    outcomes[seq] = {"outcome": "refused", "reason": _reason(content), "ms": took}
                else:
                    outcomes[seq] = {"outcome": "error", "reason": f"HTTP {status}", "ms": took}
                bar.update(1)
        except (OSError, asyncio.IncompleteReadError) as error:
            for seq in sequence:
                outcomes.setdefault(seq, {"outcome": "error", "reason": type(error).__name__})
        finally:
            await http.close()

    async def run_all(bar):
        queue = asyncio.Queue()
        for sequence, target in zip(phones, targets, strict=True):
            queue.put_nowait((sequence, target))

        async def worker():
            while not queue.empty():
                sequence, target = queue.get_nowait()
                await phone(sequence, target, bar)

        await asyncio.gather(*(worker() for _ in range(args.concurrency)))

    with tqdm(total=total, desc="feedback", unit="item", file=sys.stderr, mininterval=1) as bar:
        started = time.perf_counter()
        asyncio.run(run_all(bar))
        seconds = time.perf_counter() - started
    return {"outcomes": outcomes, "seconds": seconds}


def check_feedback(database_url: str, run: str, outcomes: dict[int, dict]) -> dict:
    """Compare the accepted tracking numbers and texts with the database: each accepted
    submission must be one ticket with its number whose item holds its text, once."""
    marker = re.compile(rf"压测 {run}-(\d{{5}})")
    accepted = {seq: o["number"] for seq, o in outcomes.items() if o["outcome"] == "accepted"}
    with psycopg.connect(database_url) as conn:
        tickets = conn.execute(
            "SELECT t.number, t.item_id, i.text FROM supervision_ticket t"
            " LEFT JOIN needs_feedbackitem i ON i.id = t.item_id WHERE t.number = ANY(%s)",
            [list(set(accepted.values()))],
        ).fetchall()
        items = conn.execute(
            "SELECT i.id, i.text, (SELECT count(*) FROM supervision_ticket t"
            " WHERE t.item_id = i.id) FROM needs_feedbackitem i WHERE i.text LIKE %s",
            [f"%压测 {run}-%"],
        ).fetchall()
    rows_of_number = Counter(number for number, _item, _text in tickets)
    seq_of_number = {}
    for number, _item, text in tickets:
        found = marker.search(text or "")
        seq_of_number[number] = int(found.group(1)) if found else None
    items_of_seq = Counter(int(marker.search(text).group(1)) for _id, text, _n in items)
    lost = [
        seq
        for seq, number in accepted.items()
        if number not in rows_of_number or seq_of_number[number] != seq
    ]
    duplicated = (
        sum(n - 1 for n in rows_of_number.values() if n > 1)  # one number, several tickets
        + sum(n - 1 for n in items_of_seq.values() if n > 1)  # one text stored twice
        + sum(n - 1 for _id, _text, n in items if n > 1)  # one item, several tickets
        + sum(n - 1 for n in Counter(accepted.values()).values() if n > 1)  # one number given
    )
    # Stored although the client never saw it accepted (a refusal, or a lost answer).
    unconfirmed = sorted(seq for seq in items_of_seq if seq not in accepted)
    return {
        "lost": len(lost),
        "lost_first": lost[:5],
        "duplicated": duplicated,
        "stored_not_accepted": len(unconfirmed),
        "items_without_ticket": sum(1 for _id, _text, n in items if n == 0),
    }


# --- set-up: database, demo, server ------------------------------------------------------


def _redis_answers(db: int) -> bool:
    try:
        with socket.create_connection((HOST, 6379), timeout=1) as sock:
            sock.sendall(f"SELECT {db}\r\nPING\r\n".encode())
            sock.settimeout(2)
            answer = b""
            while answer.count(b"\r\n") < 2:
                chunk = sock.recv(100)
                if not chunk:
                    break
                answer += chunk
            return answer.startswith(b"+OK\r\n+PONG")
    except OSError:
        return False


def ensure_database(url: str) -> str:
    """Create the database if it is not there (never drops anything)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit("--database-url must be a PostgreSQL URL")
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", file=sys.stderr)
    return name


def demo_loaded(url: str) -> bool:
    """The demo's last loader (the portal's briefings) has run."""
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('portal_briefing')").fetchone()[0] is None:
            return False
        return conn.execute("SELECT count(*) FROM portal_briefing").fetchone()[0] > 0


def jiebang(env, log, *command):
    started = time.perf_counter()
    print(f"jiebang {' '.join(command)} …", file=sys.stderr)
    done = subprocess.run([BIN / "jiebang", *command], env=env, stdout=log, stderr=log)
    if done.returncode:
        raise SystemExit(f"jiebang {command[0]} failed ({done.returncode}); see {log.name}")
    print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(args, env, log, port) -> subprocess.Popen:
    command = [BIN / "gunicorn", "-w", str(args.workers), "-b", f"{HOST}:{port}"]
    if args.worker_class == "gthread":
        command += ["--worker-class", "gthread", "--threads", str(args.threads)]
    command += ["--timeout", "60", "--log-level", "warning", "jiebang.wsgi:application"]
    server = subprocess.Popen(
        command, env=env, stdout=log, stderr=log, cwd=ROOT, start_new_session=True
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log.name}")
        try:
            if asyncio.run(_fetch(port, "/ping/"))[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer /ping/ in 90 s; see {log.name}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # gunicorn's graceful stop: the master stops its workers
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the session started for it above
            server.wait()


def discover(port) -> tuple[list[str], list[int], bool]:
    """The list's pages (from its count), every project linked from them, and whether the
    page's static files are served (DEBUG=0 without collectstatic)."""

    async def crawl():
        status, _h, first = await _fetch(port, "/portal/projects/")
        if status != 200:
            raise SystemExit(f"/portal/projects/ answered {status}")
        count = int(re.search(rb'id="result-count">\D*(\d+)', first).group(1))
        pages = [f"/portal/projects/?page={n}" for n in range(1, (count + 19) // 20 + 1)]
        ids = []
        for page in pages:
            _s, _h, content = await _fetch(port, page)
            for pk in re.findall(rb'href="/portal/projects/(\d+)/"', content):
                if int(pk) not in ids:
                    ids.append(int(pk))
        static = re.search(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', first)
        served = static is not None and (await _fetch(port, static.group(1).decode()))[0] == 200
        return pages, ids, served

    return asyncio.run(crawl())


def main():
    args = parse_args()
    # A SIGTERM unwinds like Ctrl-C: the `finally` below stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    dbname = ensure_database(args.database_url)
    workdir = Path(tempfile.mkdtemp(prefix="jiebang-portal-"))
    log = open(workdir / "server.log", "w")  # noqa: SIM115 (open for the whole run)
    redis = _redis_answers(REDIS_DB)
    cache = f"redis://{HOST}:6379/{REDIS_DB}" if redis else f"file ({workdir}/cache)"
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "JIEBANG_VAR_DIR": str(workdir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": f"{HOST},localhost",
        # Submissions without a phone enqueue no follow-up; the notifications of a routed
        # ticket become job rows (the production default), run by no worker here.
        "JIEBANG_TASKS": args.tasks,
        # All 5,000 submissions come from 127.0.0.1: the per-address limit (600 an hour, for
        # a hospital's Wi-Fi) would refuse the rest. The per-device limit stays at its
        # default; each simulated phone has its own device cookie and a few submissions.
        "PUBLIC_IP_LIMIT": "1000000",
    }
    env.pop("CACHE_URL", None)
    if redis:
        env["CACHE_URL"] = f"redis://{HOST}:6379/{REDIS_DB}"
    if not args.skip_load:
        jiebang({**env, "JIEBANG_TASKS": "immediate"}, log, "migrate", "--noinput", "-v", "0")
        if not demo_loaded(args.database_url):
            jiebang({**env, "JIEBANG_TASKS": "immediate"}, log, "demo", "--no-serve")
    if not demo_loaded(args.database_url):
        raise SystemExit(f"the demo is not loaded in {dbname}; run without --skip-load")

    port = args.port or free_port()
    server = start_server(args, env, log, port)
    load = os.getloadavg()
    meter = CpuMeter(server.pid, dbname)
    try:
        pages, ids, static_ok = discover(port)
        details = [f"/portal/projects/{pk}/" for pk in ids]
        measured = measure_pages(
            {"ping": ["/ping/"], "list": pages, "detail": details}, port, args, meter
        )
        ping, listing, detail = measured["ping"], measured["list"], measured["detail"]

        with psycopg.connect(args.database_url) as conn:
            windows = [
                row[0]
                for row in conn.execute(
                    "SELECT id FROM supervision_servicepoint WHERE is_active ORDER BY id"
                )
            ]
            jobs_before = conn.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult"
            ).fetchone()[0]
        # Half the phones rate a project (its QR code on the portal), half a service window.
        projects = [f"/feedback/p/{pk}/" for pk in ids]
        pools = [projects, [f"/feedback/w/{pk}/" for pk in windows] or projects]
        targets = [
            pools[n % 2][(n // 2) % len(pools[n % 2])]
            for n in range(-(-args.feedback // args.per_phone))
        ]
        run = uuid.uuid4().hex[:8]
        before = meter.snapshot()
        result = submit_feedback(port, targets, args, run)
        used = CpuMeter.used(before, meter.snapshot())
        outcomes = result["outcomes"]
        kinds = Counter(o["outcome"] for o in outcomes.values())
        refusals = Counter(o["reason"] for o in outcomes.values() if o["outcome"] == "refused")
        errors = Counter(o["reason"] for o in outcomes.values() if o["outcome"] == "error")
        check = check_feedback(args.database_url, run, outcomes)
        with psycopg.connect(args.database_url) as conn:
            jobs_after = conn.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult"
            ).fetchone()[0]
        post_ms = [1000 * o["ms"] for o in outcomes.values() if "ms" in o]
        feedback = {
            "run": run,  # in every text: 压测 <run>-<sequence>
            "submitted": len(outcomes),
            "accepted": kinds["accepted"],
            "refused": kinds["refused"],
            "first_refusal": next(iter(refusals), None),
            "refusals": dict(refusals.most_common(3)),
            "errors": dict(errors.most_common(3)),
            "seconds": round(result["seconds"], 1),
            "items_per_s": round(kinds["accepted"] / result["seconds"], 1),
            "post_p50_ms": round(_percentile(post_ms, 0.5), 1),
            "post_p99_ms": round(_percentile(post_ms, 0.99), 1),
            "phones": -(-args.feedback // args.per_phone),
            "targets": len(set(targets)),
            "jobs_enqueued": jobs_after - jobs_before,
            **check,
            "cpu": CpuMeter.report(used, len(outcomes)),
        }
        print(f"feedback: {json.dumps(feedback, ensure_ascii=False)}", file=sys.stderr)
    except BaseException:
        print(f"server log kept: {log.name}", file=sys.stderr)
        raise
    finally:
        meter.stop()
        stop_server(server)
        log.close()

    portal_rps = min(listing["rps"], detail["rps"])
    figures = {
        "portal_rps": portal_rps,
        "ceiling_rps": ping["rps"],
        "portal_share": round(portal_rps / ping["rps"], 2) if ping["rps"] else None,
        "p99_ms": max(listing["p99_ms"], detail["p99_ms"]),
        # The same share by the server's CPU per request: steadier on a busy machine.
        "portal_share_cpu": round(
            ping["cpu"]["server_ms_per_req"]
            / max(listing["cpu"]["server_ms_per_req"], detail["cpu"]["server_ms_per_req"]),
            2,
        ),
        "feedback_lost": feedback["lost"],
        "feedback_duplicated": feedback["duplicated"],
        "feedback_accepted": feedback["accepted"],
        "feedback_refused": feedback["refused"],
        "feedback_items_per_s": feedback["items_per_s"],
        "pages": {"ping": ping, "list": listing, "detail": detail},
        "feedback": feedback,
        "server": {
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads if args.worker_class == "gthread" else 1,
            "cache": cache,
            "tasks": args.tasks,
            "static_served": static_ok,
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "rounds": args.rounds,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_before": [round(x, 2) for x in load],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        },
    }
    if args.keep_log:
        print(f"server log: {workdir / 'server.log'}", file=sys.stderr)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
