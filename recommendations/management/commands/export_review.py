from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommendations.models import Review
from recommendations.review_files.exporting import export_review


class Command(BaseCommand):
    help = "Write one review out in the review file format (docs/review-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("organisation_slug")
        parser.add_argument("review_slug")
        parser.add_argument("-o", "--output", type=Path, help="write to this file, not stdout")

    def handle(
        self, *args, organisation_slug: str, review_slug: str, output: Path | None, **options
    ):
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
