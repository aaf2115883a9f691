"""Peer-challenge material: who was reviewed, by whom, and what the peers recommended.

Words written by the peer team are stored verbatim: councils quote them back to scrutiny,
and the next peer team compares its findings against them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.urls import reverse

from tracker.access import RestrictedQuerySet, Role
from tracker.audit import AuditedQuerySet, AuditedRestrictedQuerySet


def choices_check(field: str, choices: type[models.TextChoices], *, blank: bool = False) -> Q:
    """A check constraint that keeps an enumerated column inside its choices."""
    allowed = Q(**{f"{field}__in": choices.values})
    return allowed | Q(**{field: ""}) if blank else allowed


class Organisation(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)

    organisation_path = ""
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReviewKind(models.TextChoices):
    CORPORATE_PEER_CHALLENGE = "corporate-peer-challenge", "Corporate peer challenge"
    PROGRESS_REVIEW = "progress-review", "Progress review"
    FOLLOW_UP_VISIT = "follow-up-visit", "Follow-up visit"
    FINANCE_PEER_REVIEW = "finance-peer-review", "Finance peer review"
    EXTERNAL_REVIEW = "external-review", "External review"
    INTERNAL_REVIEW = "internal-review", "Internal review"


class ReviewQuerySet(AuditedQuerySet, RestrictedQuerySet):
    def published(self) -> "ReviewQuerySet":
        """The reviews whose action plans have a public page: the one deliberate way to a
        council's data without signing in (actions.views.reports.public_action_plan)."""
        return self.filter(is_published=True)

    def in_load_order(self) -> "ReviewQuerySet":
        """Oldest first, as they were loaded: a review file can only link to reviews loaded
        before it, so this order loads back without a dangling link."""
        return self.select_related("organisation").order_by("pk")

    def for_organisation(self, organisation: Organisation) -> "ReviewQuerySet":
        return self.filter(organisation=organisation)

    def with_counts(self) -> "ReviewQuerySet":
        """Annotate the numbered recommendations (parts not counted) and the actions.

        Correlated subqueries, not joins: two joined counts multiply rows on large reviews.
        """
        return self.annotate(
            recommendation_count=self._count_per_review(
                Count("recommendations", filter=Q(recommendations__parent__isnull=True))
            ),
            # By lookup name: the actions app builds on this one, so it is not imported here.
            action_count=self._count_per_review(Count("actions")),
        )

    def _count_per_review(self, count: Count) -> Subquery:
        per_review = Review.objects.filter(pk=OuterRef("pk")).annotate(total=count)
        return Subquery(per_review.values("total"), output_field=IntegerField())


class Review(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reviews")
    slug = models.SlugField(max_length=100)
    kind = models.CharField(max_length=40, choices=ReviewKind.choices)
    title = models.CharField(max_length=300, blank=True)
    conducted_by = models.CharField(max_length=300, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(
        null=True, blank=True, help_text="When the review's report was published, if known."
    )
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_reviews"
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="The document this review was transcribed from."
    )
    summary = models.TextField(blank=True)
    # The LGA asks councils to publish the recommendations and their action plan. A published
    # review has a public page (no sign-in) without internal notes or evidence.
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    organisation_path = "organisation"
    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "started_on", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="review_slug_unique_per_organisation"
            ),
            models.CheckConstraint(
                condition=choices_check("kind", ReviewKind), name="review_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="review_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.title or self.slug}"

    def get_absolute_url(self) -> str:
        return reverse(
            "recommendations:review-detail",
            kwargs={"organisation_slug": self.organisation.slug, "review_slug": self.slug},
        )


class PeerTeamMember(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="peer_team")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=300, blank=True)

    organisation_path = "review__organisation"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "name"], name="peer_team_member_unique_per_review"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """One heading of a review's framework, e.g. one of the five core questions."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="themes")
    position = models.PositiveIntegerField()
    key = models.SlugField(max_length=100)
    title = models.CharField(max_length=300)
    question = models.TextField(blank=True)

    organisation_path = "review__organisation"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "key"], name="theme_key_unique_per_review")
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A dated step that a review's documents name. The LGA's expected milestones are not
    rows: they are worked out for display (recommendations.milestones), so that a file
    exported from the tracker holds only what the documents said."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    due = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    organisation_path = "review__organisation"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "title"], name="milestone_title_unique_per_review"
            )
        ]

    def __str__(self) -> str:
        return self.title


class RiskLevel(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Risk(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="risks")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    likelihood = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    impact = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    mitigation = models.TextField(blank=True)

    organisation_path = "review__organisation"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "title"], name="risk_title_unique_per_review"
            ),
            models.CheckConstraint(
                condition=choices_check("likelihood", RiskLevel, blank=True),
                name="risk_likelihood_valid",
            ),
            models.CheckConstraint(
                condition=choices_check("impact", RiskLevel, blank=True),
                name="risk_impact_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RecommendationQuerySet(RestrictedQuerySet):
    def top_level(self) -> "RecommendationQuerySet":
        return self.filter(parent__isnull=True)


class Recommendation(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="parts"
    )
    position = models.PositiveIntegerField()
    number = models.CharField(max_length=20)
    title = models.TextField(blank=True)
    text = models.TextField(blank=True, help_text="The peer team's wording, verbatim.")
    themes = models.ManyToManyField(Theme, blank=True, related_name="recommendations")

    organisation_path = "review__organisation"
    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"], name="recommendation_number_unique_per_review"
            )
        ]

    def __str__(self) -> str:
        label = self.title or self.text
        return f"{self.number}. {label[:80]}"

    def get_absolute_url(self) -> str:
        return self._detail_url(self.number)

    @property
    def page_url(self) -> str:
        """The page that shows this recommendation: a part is shown on its parent's.
        Needs only the parent's number, not the parent's review (it is this one's)."""
        return self._detail_url(self.parent.number if self.parent_id else self.number)

    def _detail_url(self, number: str) -> str:
        return reverse(
            "recommendations:recommendation-detail",
            kwargs={
                "organisation_slug": self.review.organisation.slug,
                "review_slug": self.review.slug,
                "number": number,
            },
        )


class Stance(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PARTLY_ACCEPTED = "partly-accepted", "Partly accepted"
    NOT_ACCEPTED = "not-accepted", "Not accepted"
    NOTED = "noted", "Noted"


class Response(models.Model):
    """The organisation's published response to one recommendation."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="response"
    )
    stance = models.CharField(max_length=20, choices=Stance.choices, blank=True)
    text = models.TextField(blank=True)
    incorporated = models.TextField(blank=True, help_text="How this has been incorporated.")
    responded_on = models.DateField(null=True, blank=True)

    organisation_path = "recommendation__review__organisation"
    objects = AuditedRestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=choices_check("stance", Stance, blank=True),
                name="response_stance_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Response to {self.recommendation.number}"


class Relation(models.TextChoices):
    RECURS = "recurs", "Recurs"
    BUILDS_ON = "builds-on", "Builds on"
    ADDRESSES = "addresses", "Addresses"


class RecommendationLink(models.Model):
    """What a later review said about a recommendation of an earlier one."""

    later = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="follows")
    earlier = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="followed_by"
    )
    position = models.PositiveIntegerField()
    relation = models.CharField(max_length=20, choices=Relation.choices)
    assessment = models.TextField(blank=True)
    quote = models.TextField(blank=True, help_text="A verbatim sentence from the later report.")

    organisation_path = "later__review__organisation"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["later", "position"]
        constraints = [
            models.UniqueConstraint(fields=["later", "earlier"], name="link_unique_per_pair"),
            models.CheckConstraint(
                condition=choices_check("relation", Relation), name="link_relation_valid"
            ),
            models.CheckConstraint(
                condition=~Q(later=models.F("earlier")), name="link_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.later} {self.get_relation_display().lower()} {self.earlier}"


class Membership(models.Model):
    """Which organisation a user works for. No organisation: an LGA-wide user, who sees all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="Leave empty for an LGA-wide user who may see every organisation.",
    )
    # What the user may do there: tracker.access.ROLE_VERBS says what each role allows.
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)

    organisation_path = "organisation"
    objects = AuditedRestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=choices_check("role", Role), name="membership_role_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation or 'all organisations'}"


class CorrectedField(models.TextChoices):
    TITLE = "title", "Title"
    TEXT = "text", "Wording"


class TranscriptionCorrection(models.Model):
    """A correction of how a peer team's words were typed up. Kept forever, never edited."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="corrections"
    )
    field = models.CharField(max_length=10, choices=CorrectedField.choices)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "recommendation__review__organisation"
    objects = AuditedRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "-corrected_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("field", CorrectedField), name="correction_field_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Correction to {self.recommendation.number} ({self.field})"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed"
    APPLIED = "applied", "Applied"


class ReviewImport(models.Model):
    """An uploaded review file or spreadsheet: kept whole, with what it changed.

    The file is stored in the database, not on the app server's disk, so that any instance
    can preview or apply it and the original can be downloaded again.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    file_kind = models.CharField(max_length=20)
    content = models.BinaryField()
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the file's bytes.")
    # For a spreadsheet, the review details the upload form gave.
    details = models.JSONField(default=dict, blank=True)
    use_suggested_dates = models.BooleanField(default=False)
    preview = models.JSONField(default=list, help_text="The changes the preview showed.")
    warnings = models.JSONField(default=list, blank=True)
    suggestions = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    review = models.ForeignKey(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )
    # The council the file is for, once it exists: an LGA-wide admin's upload for a council
    # new to the tracker has none until it is loaded, and only LGA-wide users see it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="imports"
    )

    organisation_path = "organisation"
    objects = AuditedRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("status", ImportStatus), name="import_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display().lower()})"
