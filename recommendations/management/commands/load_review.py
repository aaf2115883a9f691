from pathlib import Path

from django.core.management.base import CommandError

from recommendations.review_files.changes import CREATED
from recommendations.review_files.errors import ReviewFileInvalid
from recommendations.review_files.loading import ReviewFile, load_review_files
from tracker.management.actor import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Load review files (docs/review-format.md) in the order given. All or nothing: one "
        "problem in any file and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="+",
            type=Path,
            help="review files (YAML), or folders of them (loaded in file-name order)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the files and print what would be created, updated and left unchanged",
        )

    def handle(self, *args, files: list[Path], dry_run: bool, **options):
        review_files = []
        for path in expand_folders(files):
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            review_files.append(ReviewFile(name=str(path), content=path.read_bytes()))
        try:
            changes = load_review_files(review_files, dry_run=dry_run)
        except ReviewFileInvalid as invalid:
            count = len(invalid.problems)
            noun = "problem" if count == 1 else "problems"
            raise CommandError(f"Nothing was loaded: {count} {noun} found.\n{invalid}") from None
        heading = "Dry run: nothing was written. Loading would give:" if dry_run else "Loaded:"
        self.stdout.write(heading)
        for line in changes.summary_lines():
            self.stdout.write(f"  {line}")
        # Updates and rows missing from the file always deserve a look; every creation is
        # listed only when asked for (-v 2), since a first load creates hundreds of rows.
        verbose = options["verbosity"] >= 2
        for change in changes.noteworthy():
            if verbose or change.outcome != CREATED:
                self.stdout.write(f"  - {change}")
        if not changes.changed:
            self.stdout.write(self.style.SUCCESS("No changes: everything was already loaded."))


def expand_folders(paths: list[Path]) -> list[Path]:
    """Folders stand for their .yaml files in name order: `export_review --all` numbers its
    files so that this order loads each review after the earlier ones it links to."""
    expanded: list[Path] = []
    for path in paths:
        expanded.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return expanded
