from crispy_forms_gds.layout import Field
from django import forms

from tracker.forms import GovukForm

from .models import CorrectedField


class CorrectionForm(GovukForm, forms.Form):
    field = forms.ChoiceField(
        label="What needs correcting?",
        choices=CorrectedField.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the title or the wording needs correcting"},
    )
    text = forms.CharField(
        label="The peer team's words, as they appear in the report",
        widget=forms.Textarea,
        strip=False,
        error_messages={"required": "Enter the peer team's words"},
    )
    reason = forms.CharField(
        label="Why is this a correction?",
        help_text="For example: a word was missed when the report was typed up.",
        widget=forms.Textarea,
        error_messages={"required": "Enter why the transcription is being corrected"},
    )
    layout = (
        Field.radios("field", legend_size="s", inline=True),
        Field.textarea("text", rows=8),
        Field.textarea("reason", rows=3),
    )
