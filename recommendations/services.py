"""Changes to recommendations. Each is one function: views and commands call these."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tracker.access import Verb, can
from tracker.audit import acting_as

from .models import Recommendation, Review, TranscriptionCorrection


def correct_transcription(
    *, recommendation: Recommendation, by, field: str, text: str, reason: str
) -> TranscriptionCorrection:
    """Correct how the peer team's words were typed up (title or wording).

    Side effects, in order: refuses anyone but an administrator of the council; records
    the correction with the words before and after; changes the recommendation. Both in one
    transaction.
    """
    if not can(by, Verb.CORRECT_TRANSCRIPTION, recommendation):
        raise PermissionDenied("Only an administrator of the council may correct a transcription.")
    if field not in {"title", "text"}:
        raise ValidationError("Only the title or the wording can be corrected.")
    with transaction.atomic(), acting_as(by):
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        before = getattr(locked, field)
        if before == text:
            raise ValidationError("The corrected words are the same as the current ones.")
        correction = TranscriptionCorrection.objects.create(
            recommendation=locked,
            field=field,
            before=before,
            after=text,
            reason=reason,
            corrected_by=by,
        )
        setattr(locked, field, text)
        locked.save(update_fields=[field])
    return correction


def publish_review(*, review: Review, by, published: bool) -> Review:
    """Publish (or withdraw) a review's action plan on its public page.

    Side effects: refuses anyone who may not manage the council's plan; records who
    published it and when.
    """
    if not can(by, Verb.MANAGE_PLAN, review):
        raise PermissionDenied("Only the council's programme office may publish its action plan.")
    with transaction.atomic(), acting_as(by):
        locked = Review.objects.select_for_update().get(pk=review.pk)
        locked.is_published = published
        locked.published_at = timezone.now() if published else None
        locked.published_by = by if published else None
        locked.save(update_fields=["is_published", "published_at", "published_by"])
    return locked
