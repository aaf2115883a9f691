from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommendations.models import Review
from recommendations.review_files.exporting import export_review


class Command(BaseCommand):
    help = (
        "Write a review out in the review file format (docs/review-format.md), or with --all, "
        "every review into a folder: a backup that any database engine can load back "
        "(`load_review FOLDER`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("organisation_slug", nargs="?")
        parser.add_argument("review_slug", nargs="?")
        parser.add_argument("-o", "--output", type=Path, help="write to this file, not stdout")
        parser.add_argument(
            "--all",
            type=Path,
            metavar="FOLDER",
            help="write every review into FOLDER, one numbered file each",
        )

    def handle(
        self,
        *args,
        organisation_slug: str | None,
        review_slug: str | None,
        output: Path | None,
        all: Path | None,
        **options,
    ):
        if all is not None:
            if organisation_slug or review_slug or output:
                raise CommandError("Give either --all FOLDER or one review, not both.")
            self.export_everything(all)
            return
        if not (organisation_slug and review_slug):
            raise CommandError("Give an organisation and a review, or --all FOLDER.")
        review = Review.objects.filter(
            organisation__slug=organisation_slug, slug=review_slug
        ).first()
        if review is None:
            raise CommandError(f"There is no review '{review_slug}' of '{organisation_slug}'.")
        content = export_review(review)
        if output:
            output.write_text(content, encoding="utf-8")
        else:
            self.stdout.write(content, ending="")

    def export_everything(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if any(folder.glob("*.yaml")):
            raise CommandError(f"{folder} already holds review files: use an empty folder.")
        reviews = Review.objects.in_load_order()
        for number, review in enumerate(reviews, start=1):
            name = f"{number:04d}-{review.organisation.slug}-{review.slug}.yaml"
            (folder / name).write_text(export_review(review), encoding="utf-8")
        self.stdout.write(f"Exported {len(reviews)} reviews to {folder}")
