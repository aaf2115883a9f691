"""Reminder emails: each lead with an account gets one digest a day of their overdue
actions and those due in the next fortnight."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from .models import Action, ReminderSent

REMINDER_WINDOW_DAYS = 14


@dataclass
class Digest:
    user: object
    overdue: list[Action]
    due_soon: list[Action]


def digests_for(today: datetime.date) -> list[Digest]:
    """Who needs a reminder today, and about which actions (two queries in all)."""
    people = get_user_model().objects.filter(is_active=True, leads__isnull=False).exclude(email="")
    actions = (
        Action.objects.open()
        .filter(due__lte=today + datetime.timedelta(days=REMINDER_WINDOW_DAYS))
        .select_related("review__organisation", "owner")
        .prefetch_related("action_leads__lead")
        .order_by("due", "ref")
    )
    digests = {user.pk: Digest(user, [], []) for user in people.distinct()}
    for action in actions:
        linked = {link.lead.user_id for link in action.action_leads.all()}
        if action.owner_id:
            linked.add(action.owner.user_id)
        for user_id in linked & digests.keys():
            bucket = digests[user_id].overdue if action.due < today else digests[user_id].due_soon
            bucket.append(action)
    return [digest for digest in digests.values() if digest.overdue or digest.due_soon]


def send_reminders(today: datetime.date) -> int:
    """Email each digest not already sent today. Returns how many were sent.

    Side effects, per person: records the reminder, then sends the email, in one
    transaction: if sending fails, the record is rolled back and a rerun tries again.
    """
    sent = 0
    for digest in digests_for(today):
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    user=digest.user,
                    sent_on=today,
                    overdue_count=len(digest.overdue),
                    due_soon_count=len(digest.due_soon),
                )
                _email(digest, today).send()
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent


def _email(digest: Digest, today: datetime.date) -> EmailMultiAlternatives:
    context = {"digest": digest, "today": today, "site_url": settings.SITE_URL}
    parts = []
    if digest.overdue:
        parts.append(f"{len(digest.overdue)} overdue")
    if digest.due_soon:
        parts.append(f"{len(digest.due_soon)} due soon")
    message = EmailMultiAlternatives(
        subject=f"Your peer challenge actions: {' and '.join(parts)}",
        body=render_to_string("actions/email/reminder.txt", context),
        to=[digest.user.email],
    )
    message.attach_alternative(
        render_to_string("actions/email/reminder.html", context), "text/html"
    )
    return message
