from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from jiebang.needs.classifier.engine import MODEL_FILE, load_corpus, train


class Command(BaseCommand):
    help = (
        "Train the complaint classifier on the shipped corpus plus the staff corrections stored "
        "in the database, print the held-out evaluation and save the versioned model file."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(MODEL_FILE), help="Model file to write.")
        parser.add_argument(
            "--no-corrections", action="store_true", help="Ignore staff corrections."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Evaluate only; write no model file."
        )

    def handle(self, *args, output, no_corrections, dry_run, **options):
        examples = load_corpus()
        corrections = [] if no_corrections else self._corrections()
        self.stdout.write(
            f"corpus: {len(examples)} examples; staff corrections: {len(corrections)}"
        )
        report = train(
            examples,
            corrections,
            output=None if dry_run else Path(output),
            progress=lambda m: self.stdout.write(m),
        )
        self.stdout.write(report.render())
        if not dry_run:
            self.stdout.write(f"model saved to {output}")

    def _corrections(self):
        from jiebang.needs.services import correction_examples

        try:
            return correction_examples()
        except DatabaseError:
            self.stderr.write("database unavailable: training without staff corrections")
            return []
