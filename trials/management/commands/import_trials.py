from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trials.models import is_nct_id
from trials.registry import TrialImportError, studies_from_json
from trials.services import trials_import


class Command(BaseCommand):
    help = (
        "Import trials from the ClinicalTrials.gov API v2: by NCT number, or from saved "
        "responses with --file. Creates new trials as drafts, updates existing ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("nct_ids", nargs="*", help="NCT numbers, e.g. NCT03281889")
        parser.add_argument("--file", action="append", default=[], metavar="PATH",
                            help="a saved API v2 response: one study or {\"studies\": [...]}")

    def handle(self, *args, nct_ids, file, **options):
        if not nct_ids and not file:
            raise CommandError("Give NCT numbers or --file PATH.")
        wrong = [n for n in nct_ids if not is_nct_id(n.upper())]
        if wrong:
            raise CommandError(f"Not an NCT number: {', '.join(wrong)} (NCT + 8 digits).")
        studies = []
        for path in file:
            try:
                studies += studies_from_json(Path(path).read_bytes())
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
            except TrialImportError as error:
                raise CommandError(f"{path}: {error}") from error

        result = trials_import(studies=studies, nct_ids=[n.upper() for n in nct_ids],
                               progress=self.progress)
        self.stdout.write(result.summary)
        if result.failed:
            raise CommandError("\n".join(result.failure_lines()))

    def progress(self, index, total, label, outcome):
        self.stdout.write(f"[{index}/{total}] {label}: {outcome}")
