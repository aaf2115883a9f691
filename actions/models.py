"""Action plans: who will do what by when, and the dated history of progress.

Progress updates are append-only. An action's status and RAG at the time of the plan are kept
on the action; its current position is always that of its latest update, so nothing that was
reported to scrutiny can be rewritten later.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Organisation, Recommendation, Review, choices_check
from tracker.access import RestrictedQuerySet
from tracker.audit import AuditedQuerySet, AuditedRestrictedQuerySet
from tracker.models import AppendOnlyError


class LeadKind(models.TextChoices):
    PERSON = "person", "Person"
    BODY = "body", "Body"


class Lead(models.Model):
    """A person or a body (Cabinet, CMT) named as leading actions in an organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="leads")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=LeadKind.choices, default=LeadKind.PERSON)
    role = models.CharField(max_length=300, blank=True)
    # Linking a lead to a sign-in is what makes "my actions" computed rather than typed.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        help_text="The user account of this person, if they sign in to the tracker.",
    )

    organisation_path = "organisation"
    objects = AuditedRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="lead_name_unique_per_organisation"
            ),
            models.CheckConstraint(
                condition=choices_check("kind", LeadKind), name="lead_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not-started", "Not started"
    IN_PROGRESS = "in-progress", "In progress"
    COMPLETE = "complete", "Complete"
    ONGOING = "ongoing", "Ongoing"
    DEFERRED = "deferred", "Deferred"
    DROPPED = "dropped", "Dropped"


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


# Finished actions are never overdue.
CLOSED_STATUSES = ("complete", "dropped")


DUE_SOON_DAYS = 30
STALE_AFTER_DAYS = 90


# Conditions on the annotations of ActionQuerySet.as_at(day). Written once, used both to
# filter the action list and to count for the dashboard, so every figure is its list.
def open_at() -> Q:
    return ~Q(status_at__in=CLOSED_STATUSES)


def overdue_at(day: datetime.date) -> Q:
    return open_at() & Q(due_at__lt=day)


def due_soon_at(day: datetime.date) -> Q:
    return open_at() & Q(due_at__gte=day, due_at__lte=day + datetime.timedelta(DUE_SOON_DAYS))


def stale_at(day: datetime.date) -> Q:
    """Open, and no update for 90 days (never updated: counted from the review's start)."""
    cutoff = day - datetime.timedelta(days=STALE_AFTER_DAYS)
    return open_at() & (
        Q(last_update_at__lt=cutoff) | Q(last_update_at__isnull=True, review__started_on__lt=cutoff)
    )


def status_label(status: str) -> str:
    return ActionStatus(status).label if status else "Not recorded"


def rag_label(rag: str) -> str:
    return Rag(rag).label if rag else ""


def not_smart() -> Q:
    """No due date, or no single accountable owner."""
    return Q(due_at__isnull=True) | Q(owner__isnull=True)


class ActionQuerySet(AuditedQuerySet, RestrictedQuerySet):
    def led_by(self, user) -> "ActionQuerySet":
        """Actions the user leads or owns, through the leads linked to their account."""
        return self.filter(Q(action_leads__lead__user=user) | Q(owner__user=user)).distinct()

    def overdue(self, *, on: datetime.date) -> "ActionQuerySet":
        return self.open().filter(due__lt=on)

    def due_within(self, *, on: datetime.date, days: int) -> "ActionQuerySet":
        return self.open().filter(due__gte=on, due__lte=on + datetime.timedelta(days=days))

    def open(self) -> "ActionQuerySet":
        """Not finished: neither complete nor dropped."""
        return self.exclude(current_status__in=CLOSED_STATUSES)

    def as_at(self, day: datetime.date) -> "ActionQuerySet":
        """Annotate each action's position as at `day`: `status_at`, `rag_at`, `due_at` and
        `last_update_at`, computed from the dated history (so a past date shows what a
        report written on that date would have said). Today and later read the stored
        current position instead, which the services keep equal to the history."""
        if day >= timezone.localdate():
            return self.annotate(
                status_at=F("current_status"),
                rag_at=F("current_rag"),
                due_at=F("due"),
                last_update_at=F("last_update_on"),
            )
        history = ProgressUpdate.objects.filter(action=OuterRef("pk"), on__lte=day).order_by(
            "-on", "-recorded_at", "-pk"
        )
        first_revision = (
            ProgressUpdate.objects.filter(action=OuterRef("pk"), due_after__isnull=False)
            .order_by("on", "recorded_at", "pk")
            .values("due_before")[:1]
        )
        return self.annotate(
            status_at=Coalesce(
                Subquery(history.exclude(status="").values("status")[:1]), F("status"), Value("")
            ),
            rag_at=Coalesce(
                Subquery(history.exclude(rag="").values("rag")[:1]), F("rag"), Value("")
            ),
            # The latest revision made by then; before any, the date the first one replaced.
            due_at=Coalesce(
                Subquery(history.filter(due_after__isnull=False).values("due_after")[:1]),
                Subquery(first_revision),
                F("due"),
            ),
            last_update_at=Subquery(history.values("on")[:1]),
        )

    # The filters below need as_at() first, with the same day.
    def open_at(self) -> "ActionQuerySet":
        return self.filter(open_at())

    def overdue_at(self, day: datetime.date) -> "ActionQuerySet":
        return self.filter(overdue_at(day))

    def due_soon_at(self, day: datetime.date) -> "ActionQuerySet":
        return self.filter(due_soon_at(day))

    def stale_at(self, day: datetime.date) -> "ActionQuerySet":
        return self.filter(stale_at(day))

    def not_smart(self) -> "ActionQuerySet":
        return self.filter(not_smart())

    def for_review(self, review: Review) -> "ActionQuerySet":
        return self.filter(review=review)

    def with_position_from_history(self) -> "ActionQuerySet":
        """Annotate `status_from_history` and `rag_from_history`: the latest update's, else
        the plan's. The stored `current_status` and `current_rag` must always equal these.

        An update may leave status or RAG unrecorded; the latest update that records one wins.
        """
        history = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by(
            "-on", "-recorded_at", "-pk"
        )
        latest_status = history.exclude(status="").values("status")[:1]
        latest_rag = history.exclude(rag="").values("rag")[:1]
        return self.annotate(
            status_from_history=Coalesce(Subquery(latest_status), F("status"), Value("")),
            rag_from_history=Coalesce(Subquery(latest_rag), F("rag"), Value("")),
        )


class Action(models.Model):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="actions")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="actions"
    )
    position = models.PositiveIntegerField()
    ref = models.CharField(max_length=40, help_text="The action's stable identity in its review.")
    text = models.TextField()
    leads = models.ManyToManyField(Lead, through="ActionLead", related_name="actions", blank=True)
    owner = models.ForeignKey(
        Lead,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
        help_text="The single person or body accountable for the action.",
    )
    # Kept exactly as the plan wrote it ("Oct/Nov", "Has started"): councils quote it back.
    timescale = models.TextField(blank=True)
    due = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20,
        choices=ActionStatus.choices,
        blank=True,
        help_text="The status when the plan was written.",
    )
    rag = models.CharField(
        max_length=10,
        choices=Rag.choices,
        blank=True,
        help_text="The RAG when the plan was written.",
    )
    support = models.TextField(blank=True, help_text="Support offered, e.g. the plan's LGA input.")
    # The position of the latest progress update (else the plan's), stored so that lists and
    # counts need no subquery. Written only by services.refresh_current_position, in the same
    # transaction as the update that changes it.
    current_status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    current_rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    last_update_on = models.DateField(null=True, blank=True)
    # Bumped by every recorded update: a form carries the version its user saw, so that two
    # people editing at once cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=0)

    organisation_path = "review__organisation"
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "ref"], name="action_ref_unique_per_review"),
            models.CheckConstraint(
                condition=choices_check("status", ActionStatus, blank=True),
                name="action_status_valid",
            ),
            models.CheckConstraint(
                condition=choices_check("rag", Rag, blank=True), name="action_rag_valid"
            ),
            models.CheckConstraint(
                condition=choices_check("current_status", ActionStatus, blank=True),
                name="action_current_status_valid",
            ),
            models.CheckConstraint(
                condition=choices_check("current_rag", Rag, blank=True),
                name="action_current_rag_valid",
            ),
        ]
        indexes = [models.Index(fields=["review", "current_status"], name="action_review_status")]

    def __str__(self) -> str:
        return f"{self.ref}: {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return reverse(
            "actions:action-detail",
            kwargs={
                "organisation_slug": self.review.organisation.slug,
                "review_slug": self.review.slug,
                "ref": self.ref,
            },
        )

    @property
    def status_at_label(self) -> str:
        """The label of `status_at` (annotated by ActionQuerySet.as_at)."""
        return status_label(self.status_at)

    @property
    def rag_at_label(self) -> str:
        return rag_label(self.rag_at)

    def is_overdue_as_at(self, day: datetime.date) -> bool:
        """For actions annotated by as_at(day)."""
        return bool(self.due_at and self.due_at < day and self.status_at not in CLOSED_STATUSES)

    def is_overdue(self, on: datetime.date) -> bool:
        return bool(self.due and self.due < on and self.current_status not in CLOSED_STATUSES)

    def is_led_or_owned_by(self, user) -> bool:
        """Whether the user is linked to one of the action's leads or to its owner (what
        lets an officer record progress; tracker.access asks). Reads the prefetched
        `action_leads__lead` and `owner` when the selector provided them."""
        if not user.is_authenticated:
            return False
        if self.owner_id and self.owner.user_id == user.pk:
            return True
        return any(link.lead.user_id == user.pk for link in self.action_leads.all())


class ActionLead(models.Model):
    """Links an action to a lead, keeping the order in which the plan named them."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="action_leads")
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="action_leads")
    position = models.PositiveIntegerField()

    organisation_path = "action__review__organisation"
    objects = AuditedRestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["action", "position"]
        constraints = [
            models.UniqueConstraint(fields=["action", "lead"], name="action_lead_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lead} leads {self.action.ref}"


class ProgressUpdateQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Progress updates are append-only; record a new one instead.")

    def delete(self):
        raise AppendOnlyError("Progress updates are append-only and cannot be deleted.")

    def newest_first(self) -> "ProgressUpdateQuerySet":
        return self.order_by("-on", "-recorded_at", "-pk")


class ProgressUpdate(models.Model):
    """One dated statement of an action's progress. Never edited, never deleted."""

    # PROTECT: deleting an action must not take its history with it.
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    on = models.DateField(help_text="The date the update describes.")
    status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    note = models.TextField(blank=True)
    author = models.CharField(max_length=200, blank=True, help_text="Who wrote the update.")
    source = models.CharField(
        max_length=300, blank=True, help_text="The document the update came from, if any."
    )
    # What the update changed, so the timeline can say "In progress → Complete".
    status_before = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    rag_before = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    due_before = models.DateField(null=True, blank=True)
    due_after = models.DateField(
        null=True, blank=True, help_text="A revised due date, if this update set one."
    )
    due_change_reason = models.TextField(blank=True)
    # The action's version once this update was recorded: a form that saw an older version
    # is shown the updates with a higher one as "what changed since you opened the page".
    action_version = models.PositiveIntegerField(default=0)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
    )

    organisation_path = "action__review__organisation"
    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", "on", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("status", ActionStatus, blank=True),
                name="progress_update_status_valid",
            ),
            models.CheckConstraint(
                condition=choices_check("rag", Rag, blank=True), name="progress_update_rag_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["action", "-on"], name="progress_update_latest"),
            # Search reads the newest matches a date window at a time (actions/search.py).
            models.Index(fields=["on"], name="progress_update_on"),
        ]

    def __str__(self) -> str:
        return f"{self.action.ref} on {self.on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        # A guard, not a business rule: history that has been reported must never change.
        if not self._state.adding:
            raise AppendOnlyError("Progress updates are append-only; record a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Progress updates are append-only and cannot be deleted.")

    @property
    def author_name(self) -> str:
        if self.recorded_by_id:
            return self.recorded_by.get_full_name() or self.recorded_by.get_username()
        return self.author

    @property
    def status_changed(self) -> bool:
        return bool(self.status) and self.status != self.status_before

    @property
    def rag_changed(self) -> bool:
        return bool(self.rag) and self.rag != self.rag_before


class EvidenceLink(models.Model):
    """A link to evidence of progress, given with an update and kept with it."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.PROTECT, related_name="evidence")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=2000)

    organisation_path = "update__action__review__organisation"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["update", "position"]
        constraints = [
            # Only web links: never javascript:, data: or file: URLs.
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="evidence_url_is_web",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ReminderSent(models.Model):
    """One reminder digest per person per day: what makes send_reminders safe to rerun."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    sent_on = models.DateField()
    overdue_count = models.PositiveIntegerField()
    due_soon_count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.user} on {self.sent_on:%Y-%m-%d}"
