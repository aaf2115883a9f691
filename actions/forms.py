import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import HTML, Field, Fieldset
from django import forms
from django.core.validators import RegexValidator, URLValidator

from tracker.as_at import EARLIEST, LATEST
from tracker.forms import GovukForm

from .models import ActionStatus, Rag
from .search import KINDS
from .services import Evidence

EVIDENCE_SLOTS = (1, 2)
NO_RAG = ""


class RealDateField(DateInputField):
    """A GOV.UK date input that answers every impossible date (31 February, a 30-digit day,
    year 20181) with the design system's wording instead of Python's, and never with an
    overflow: `date()` raises OverflowError, not ValueError, for a number past a C int."""

    # The dates the tracker works with (tracker.as_at): no count from them overflows.
    FIRST_YEAR, LAST_YEAR = EARLIEST.year, LATEST.year

    def __init__(self, *, subject: str, **kwargs):
        super().__init__(**kwargs)
        self.subject = subject
        real = f"{subject} must be a real date"
        for field, part in zip(self.fields, ("day", "month", "year"), strict=True):
            field.validators = [RegexValidator(r"^[0-9]+$", real)]
            field.error_messages["incomplete"] = f"{subject} must include a {part}"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(year) != 4:  # GOV.UK asks for the year as 4 numbers
            raise forms.ValidationError("Year must include 4 numbers", code="invalid")
        try:
            value = datetime.date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError) as error:
            raise forms.ValidationError(
                f"{self.subject} must be a real date", code="invalid"
            ) from error
        if not self.FIRST_YEAR <= value.year <= self.LAST_YEAR:
            raise forms.ValidationError(
                f"{self.subject} must be between {self.FIRST_YEAR} and {self.LAST_YEAR}",
                code="invalid",
            )
        return value


class RecordProgressForm(GovukForm, forms.Form):
    """An officer's update: the form carries the version of the action it was opened on."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status of the action"},
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=[*Rag.choices, (NO_RAG, "No rating")],
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label="What has happened since the last update?",
        help_text="This note is kept in the action's history and shown to CMT and scrutiny.",
        widget=forms.Textarea,
        max_length=10_000,
        error_messages={"required": "Enter a note that says what has changed"},
    )
    revised_due = RealDateField(
        subject="The new due date",
        label="New due date (optional)",
        help_text="Only if the due date is changing. For example, 31 3 2019",
        required=False,
        require_all_fields=False,
    )
    due_change_reason = forms.CharField(
        label="Why is the due date changing?",
        widget=forms.Textarea,
        required=False,
        max_length=2_000,
    )
    evidence_title_1 = forms.CharField(label="Evidence 1: title", required=False, max_length=200)
    evidence_url_1 = forms.CharField(
        label="Evidence 1: web address", required=False, max_length=2000
    )
    evidence_title_2 = forms.CharField(label="Evidence 2: title", required=False, max_length=200)
    evidence_url_2 = forms.CharField(
        label="Evidence 2: web address", required=False, max_length=2000
    )

    # seen_version is hidden: the template writes it with {{ form.seen_version }}.
    layout = (
        Field.radios("status", legend_size="s", small=True),
        Field.radios("rag", legend_size="s", small=True, inline=True),
        Field.textarea("note", rows=5),
        Fieldset(
            Field("revised_due"),
            Field.textarea("due_change_reason", rows=2),
            legend="Due date",
            legend_size="s",
        ),
        Fieldset(
            HTML('<p class="govuk-hint">Links to documents or pages that show the progress.</p>'),
            Field.text("evidence_title_1"),
            Field.text("evidence_url_1", spellcheck="false"),
            Field.text("evidence_title_2"),
            Field.text("evidence_url_2", spellcheck="false"),
            legend="Evidence (optional)",
            legend_size="s",
        ),
    )

    def __init__(self, *args, review_started_on: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.review_started_on = review_started_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ActionStatus.COMPLETE and not cleaned.get("note"):
            self.add_error("note", "Enter what was delivered to complete the action")
        revised_due = cleaned.get("revised_due")
        reason = cleaned.get("due_change_reason", "").strip()
        if revised_due and not reason:
            self.add_error("due_change_reason", "Enter why the due date is changing")
        if reason and not revised_due and "revised_due" not in self.errors:
            self.add_error("revised_due", "Enter the new due date, or remove the reason")
        if revised_due and self.review_started_on and revised_due < self.review_started_on:
            self.add_error("revised_due", "The due date must be after the review started")
        for slot in EVIDENCE_SLOTS:
            self._clean_evidence(slot)
        return cleaned

    def _clean_evidence(self, slot: int) -> None:
        title = self.cleaned_data.get(f"evidence_title_{slot}", "").strip()
        url = self.cleaned_data.get(f"evidence_url_{slot}", "").strip()
        if url and not title:
            self.add_error(f"evidence_title_{slot}", "Enter a title for the evidence link")
        if title and not url:
            self.add_error(f"evidence_url_{slot}", "Enter the web address of the evidence")
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError:
                self.add_error(
                    f"evidence_url_{slot}",
                    "Enter a web address that starts with http:// or https://",
                )

    def evidence(self) -> list[Evidence]:
        items = []
        for slot in EVIDENCE_SLOTS:
            title = self.cleaned_data.get(f"evidence_title_{slot}", "").strip()
            url = self.cleaned_data.get(f"evidence_url_{slot}", "").strip()
            if title and url:
                items.append(Evidence(title=title, url=url))
        return items


class SearchForm(GovukForm, forms.Form):
    """What to search for, and (for "see all") which kind of result."""

    q = forms.CharField(
        label="Search recommendations, actions and progress updates",
        help_text=(
            'Every word must appear. Put "quotation marks" round a phrase, "or" between '
            "words that may each match, and a minus sign before a word to leave it out."
        ),
        max_length=200,
        required=False,
        error_messages={"max_length": "Search for 200 characters or fewer"},
    )
    kind = forms.ChoiceField(
        choices=[("", "All")] + [(kind.key, kind.label) for kind in KINDS],
        required=False,
        widget=forms.HiddenInput,
    )
    layout = (Field.text("q", spellcheck="false"),)

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())
