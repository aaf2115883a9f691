from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import HTML, Field, Fieldset
from django import forms

from recommendations.models import ReviewKind
from tracker.forms import GovukForm

SPREADSHEET_FIELDS = (
    "organisation_slug",
    "organisation_name",
    "review_slug",
    "title",
    "started_on",
)


class UploadForm(GovukForm, forms.Form):
    file = forms.FileField(
        label="File",
        help_text="A review file (.yaml) or an action plan spreadsheet (.xlsx or .csv), "
        "5 MB at most",
        error_messages={"required": "Choose a file to upload"},
    )
    organisation_slug = forms.SlugField(label="Organisation short name", required=False)
    organisation_name = forms.CharField(label="Organisation name", required=False, max_length=200)
    review_slug = forms.SlugField(
        label="Review short name", help_text="For example, cpc-2019", required=False
    )
    kind = forms.ChoiceField(label="Kind of review", choices=ReviewKind.choices, required=False)
    title = forms.CharField(label="Title of the review", required=False, max_length=300)
    conducted_by = forms.CharField(label="Conducted by", required=False, max_length=300)
    started_on = DateInputField(
        label="Start date",
        help_text="For example, 11 9 2017",
        required=False,
        require_all_fields=False,
    )
    ended_on = DateInputField(label="End date (optional)", required=False, require_all_fields=False)
    use_suggested_dates = forms.BooleanField(
        label="Where a row has no due date, use the date its timescale names",
        required=False,
    )

    layout = (
        Field("file"),
        Fieldset(
            HTML('<p class="govuk-body">Only for spreadsheets: a review file says it itself.</p>'),
            Field.text("organisation_slug"),
            Field.text("organisation_name"),
            Field.text("review_slug"),
            Field.select("kind"),
            Field.text("title"),
            Field.text("conducted_by"),
            Field("started_on"),
            Field("ended_on"),
            Field.checkbox("use_suggested_dates"),
            legend="About the review",
            legend_size="m",
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload and upload.name.lower().endswith((".xlsx", ".csv")):
            messages = {
                "organisation_slug": "Enter the organisation's short name, for example southampton",
                "organisation_name": "Enter the organisation's name",
                "review_slug": "Enter a short name for the review, for example cpc-2019",
                "title": "Enter the title of the review",
                "started_on": "Enter the date the review started",
            }
            for name in SPREADSHEET_FIELDS:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, messages[name])
            if not cleaned.get("kind"):
                self.add_error("kind", "Select the kind of review")
        return cleaned

    def review_details(self) -> dict | None:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            return None
        names = (*SPREADSHEET_FIELDS, "kind", "ended_on", "conducted_by")
        details = {name: self.cleaned_data.get(name) for name in names}
        return details
