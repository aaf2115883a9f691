"""The action list's filters. Each dashboard figure links here with the filters that make
it up, and the conditions are the same ones the dashboard counts with."""

import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from recommendations.models import Recommendation, Review, Theme

from .dashboard import NONE_VALUE, RAG_LABELS, STATUS_LABELS
from .models import Lead, due_soon_at, not_smart, overdue_at, stale_at
from .search import matching_action_ids

SORTS = {
    "ref": ("review__started_on", "position"),
    "due": ("due_at", "review__started_on", "position"),
    "status": ("status_at", "review__started_on", "position"),
    "updated": ("last_update_at", "review__started_on", "position"),
}


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(value or NONE_VALUE, label) for value, label in labels.items()]


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    review = django_filters.ModelChoiceFilter(queryset=Review.objects.none(), empty_label="Any")
    recommendation = django_filters.ModelChoiceFilter(
        queryset=Recommendation.objects.none(), empty_label="Any"
    )
    theme = django_filters.ModelChoiceFilter(
        field_name="recommendation__themes", queryset=Theme.objects.none(), empty_label="Any"
    )
    status = django_filters.ChoiceFilter(
        choices=_choices(STATUS_LABELS), method="by_status", empty_label="Any"
    )
    rag = django_filters.ChoiceFilter(
        label="RAG", choices=_choices(RAG_LABELS), method="by_rag", empty_label="Any"
    )
    lead = django_filters.ModelChoiceFilter(
        label="Lead or owner", queryset=Lead.objects.none(), method="by_lead", empty_label="Anyone"
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue", widget=forms.CheckboxInput, method="when_checked"
    )
    due_soon = django_filters.BooleanFilter(
        label="Due in the next 30 days", widget=forms.CheckboxInput, method="when_checked"
    )
    stale = django_filters.BooleanFilter(
        label="No update for 90 days", widget=forms.CheckboxInput, method="when_checked"
    )
    not_smart = django_filters.BooleanFilter(
        label="Not SMART (no due date or no single owner)",
        widget=forms.CheckboxInput,
        method="when_checked",
    )

    def __init__(self, data, queryset: QuerySet, *, user, day: datetime.date):
        super().__init__(data, queryset=queryset)
        self.day = day
        reviews = Review.objects.visible_to(user).select_related("organisation")
        self.filters["review"].queryset = reviews
        self.filters["recommendation"].queryset = Recommendation.objects.visible_to(user)
        self.filters["theme"].queryset = Theme.objects.visible_to(user)
        self.filters["lead"].queryset = Lead.objects.visible_to(user)

    def search(self, queryset, name, value):
        words = " ".join(value.split())
        if not words:
            return queryset
        return queryset.filter(matching_action_ids(words))

    def by_status(self, queryset, name, value):
        return queryset.filter(status_at="" if value == NONE_VALUE else value)

    def by_rag(self, queryset, name, value):
        return queryset.filter(rag_at="" if value == NONE_VALUE else value)

    def by_lead(self, queryset, name, value):
        return queryset.filter(Q(action_leads__lead=value) | Q(owner=value)).distinct()

    def when_checked(self, queryset, name, value):
        if not value:
            return queryset
        condition = {
            "overdue": lambda: overdue_at(self.day),
            "due_soon": lambda: due_soon_at(self.day),
            "stale": lambda: stale_at(self.day),
            "not_smart": not_smart,
        }[name]()
        return queryset.filter(condition)
