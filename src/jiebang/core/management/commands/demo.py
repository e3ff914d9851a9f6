import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string
from rich.console import Console

from jiebang.orgs.demo import DEMO_PASSWORD, DEMO_USERS
from jiebang.workbench import services as workbench
from jiebang.workbench.signals import muted

# The worker command of each tasks backend (settings.JIEBANG_TASKS).
WORKER = {
    "db": ["db_worker"],
    "rq": ["rqworker", "--job-class", "django_tasks_rq.Job", "default"],
    "immediate": ["expire-imports"],  # jobs run in the request; nothing to wait for
}


class Command(BaseCommand):
    help = (
        "Migrate the database, load the Liaocheng demo city (idempotent: a second run changes "
        "nothing) and serve it on 127.0.0.1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Load only; do not serve.")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on.")

    def handle(self, *args, no_serve, port, **options):
        console = Console(file=self.stdout, highlight=False)
        with console.status("migrating the database…"):
            call_command("migrate", interactive=False, verbosity=0)
        counts = {}
        # Loading announces nothing (thousands of saves); the day's reminders follow it.
        with muted():
            for dotted in settings.JIEBANG_DEMO_LOADERS:
                loader = import_string(dotted)
                with console.status(f"loading {dotted}…") as status:
                    counts.update(loader(progress=lambda m, s=status: s.update(f"loading {m}…")))
        with console.status("today's reminders…"):
            counts.update(workbench.daily_run())
        console.print("Demo city loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        console.print(f"Demo users (password {DEMO_PASSWORD}, demo only):")
        for username, full_name, role, *_rest in DEMO_USERS:
            console.print(f"  {username:<16} {role.label} · {full_name}")
        if not no_serve:
            # The background jobs (big imports) run in a worker process beside the server.
            worker = subprocess.Popen(
                [sys.executable, "-m", "jiebang", *WORKER[settings.JIEBANG_TASKS]]
            )
            console.print(f"Background worker started (pid {worker.pid}).")
            console.print(f"Serving http://127.0.0.1:{port}/  (Ctrl-C to stop)")
            try:
                call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
            finally:
                worker.terminate()
                worker.wait(timeout=30)
