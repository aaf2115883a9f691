from crispy_forms_gds.layout import Field
from django import forms

from tracker.forms import GovukForm


class LeadChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, lead) -> str:
        # Say when choosing this lead would take it from someone else.
        if lead.user_id and lead.user_id != self.for_user_id:
            holder = lead.user.get_full_name() or lead.user.get_username()
            return f"{lead.name} (now linked to {holder})"
        return lead.name


class LinkLeadsForm(GovukForm, forms.Form):
    leads = LeadChoiceField(
        label="Which leads in the action plans are this person?",
        help_text="Select every name or body they answer for. Their My actions page lists "
        "the actions of these leads.",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select leads from the list"},
    )
    layout = (Field.checkboxes("leads", legend_size="s", small=True),)

    def __init__(self, *args, leads, for_user_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leads"].queryset = leads
        self.fields["leads"].for_user_id = for_user_id
