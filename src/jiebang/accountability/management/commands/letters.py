from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from jiebang.accountability import services
from jiebang.accountability.models import ResponsibilityLetter
from jiebang.projects.models import Project


class Command(BaseCommand):
    help = (
        "Write responsibility letters (责任书) as PDF into --output DIR, one file <CODE>.pdf per "
        "contracted project: its confirmed letter, for every project that has one. With "
        "--project CODE only that project's letter: the confirmed one, else the latest draft "
        "(to print before a signing ceremony). Existing files of the same name are replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Directory to write the PDFs into.")
        parser.add_argument("--project", help="Only this project code, e.g. JB2026-001.")

    def handle(self, *args, output, project=None, verbosity=1, **options):
        if project:
            found = Project.objects.filter(code=project).first()
            if found is None:
                raise CommandError(f"No project with code {project}.")
            letter = services.current_letter(found)
            if letter is None:
                raise CommandError(f"Project {project} has no letter yet.")
            letters = [letter]
        else:
            letters = list(
                ResponsibilityLetter.objects.filter(status=ResponsibilityLetter.Status.CONFIRMED)
                .select_related("project", "confirmed_by")
                .order_by("project__code")
            )
        directory = Path(output)
        directory.mkdir(parents=True, exist_ok=True)
        with Progress(disable=verbosity == 0, transient=True) as progress:
            task = progress.add_task("letters", total=len(letters))
            for letter in letters:
                path = directory / f"{letter.project.code}.pdf"
                path.write_bytes(services.letter_pdf(letter))
                progress.advance(task)
        self.stdout.write(f"{len(letters)} letter(s) written to {directory}")
