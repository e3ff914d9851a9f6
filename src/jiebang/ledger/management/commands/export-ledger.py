import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jiebang.ledger.excel import export_tasks
from jiebang.ledger.models import Task
from jiebang.projects.models import Project


class Command(BaseCommand):
    help = (
        "Write the task ledger (台账) of one project or of all projects as a formatted Excel "
        "workbook: one row per task with project code, task, department, owner, deadline, "
        "confirmed progress and an overdue flag (as of today in Asia/Shanghai)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The .xlsx file to write.")
        parser.add_argument("--project", help="Only this project (its code, e.g. JB2026-001).")

    def handle(self, *args, output, project, **options):
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"输出文件应为 .xlsx：{path}")
        if not path.parent.exists():
            raise CommandError(f"找不到目录 {path.parent}")
        tasks = Task.objects.all()
        scope = "全部项目"
        if project:
            found = Project.objects.filter(code__iexact=project.strip()).first()
            if found is None:
                raise CommandError(f"找不到项目编号 {project}")
            tasks = tasks.filter(project=found)
            scope = str(found)
        bar = tqdm(total=tasks.count(), unit="task", file=sys.stderr, desc="台账")

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        path.write_bytes(export_tasks(tasks, scope=scope, progress=progress))
        bar.close()
        overdue = tasks.overdue().count()
        projects = tasks.values("project").distinct().count()
        self.stdout.write(
            f"{path}: {projects} 个项目，{bar.total} 项任务，其中逾期 {overdue} 项（范围：{scope}）"
        )
