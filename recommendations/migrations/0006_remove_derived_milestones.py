"""Remove the milestones the old loader derived and stored as if a review file had said them.

Until now, loading a peer challenge's review file added the LGA's expected milestones that the
file did not give by the same title, due a number of months after the review's last day on
site. They were then exported as if the file had said them. The tracker now works them out
where it shows them (recommendations.milestones), labelled as expected, so the rows go: each
is shown again with the same title and date, and nothing visible is lost.

A row is one the old loader derived when its title is one of the old defaults, its due date is
the one the old rule gives for its review, it has no date done, and it sits where the old
loader put it: after the file's own milestones, in the defaults' order. That last test keeps a
file's milestone that happens to match the rule: Southampton's 2017 file gives "Follow-up
visit" due 14 September 2019, exactly two years after the last day on site, as its first
milestone, before the three rows the loader added.

The rule and the dates are copied here, not imported: a migration must mean the same thing
whatever today's code says.
"""

import calendar
import datetime
from itertools import groupby

from django.db import migrations

# The old loader's defaults, in the order it appended them: title, months after the last day.
OLD_DEFAULTS = [
    ("Report and action plan published", 3),
    ("Report and action plan published at the latest", 5),
    ("Progress review", 10),
    ("Follow-up visit", 24),
]
OLD_KINDS = ["corporate-peer-challenge", "finance-peer-review"]
# Keeps each DELETE's list of ids well inside every database's limit on parameters.
BATCH = 500


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def old_dues(review) -> dict[str, datetime.date]:
    last_day = review.ended_on or review.started_on
    return {title: add_months(last_day, months) for title, months in OLD_DEFAULTS}


def derived_rows(review, rows) -> list:
    """The rows of one review (in position order) that the old loader appended: the longest
    run at the end whose rows match the old rule, in the defaults' order."""
    dues, order = old_dues(review), [title for title, _ in OLD_DEFAULTS]
    derived, before = [], len(order)
    for row in reversed(rows):
        index = order.index(row.title) if row.title in dues else None
        if index is None or index >= before or row.done_on or row.due != dues[row.title]:
            break
        derived.append(row)
        before = index
    return derived


def remove_derived_milestones(apps, schema_editor):
    Milestone = apps.get_model("recommendations", "Milestone")
    database = schema_editor.connection.alias
    candidates = (
        Milestone.objects.using(database)
        .filter(review__kind__in=OLD_KINDS)
        .select_related("review")
        .order_by("review_id", "position", "pk")
    )
    doomed = []
    for _, group in groupby(candidates, key=lambda row: row.review_id):
        rows = list(group)
        doomed += [row.pk for row in derived_rows(rows[0].review, rows)]
    for start in range(0, len(doomed), BATCH):
        Milestone.objects.using(database).filter(pk__in=doomed[start : start + BATCH]).delete()


def restore_derived_milestones(apps, schema_editor):
    """Going back to the code that read them from the table: put back, after a review's
    own milestones, each default it does not have by that title, as the old loader did."""
    Review = apps.get_model("recommendations", "Review")
    Milestone = apps.get_model("recommendations", "Milestone")
    database = schema_editor.connection.alias
    reviews = (
        Review.objects.using(database).filter(kind__in=OLD_KINDS).prefetch_related("milestones")
    )
    restored = []
    for review in reviews:
        given = list(review.milestones.all())
        titles = {row.title for row in given}
        position = max((row.position for row in given), default=-1) + 1
        for title, due in old_dues(review).items():
            if title not in titles:
                restored.append(Milestone(review=review, title=title, due=due, position=position))
                position += 1
    Milestone.objects.using(database).bulk_create(restored)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0005_roles_on_memberships")]

    operations = [migrations.RunPython(remove_derived_milestones, restore_derived_milestones)]
