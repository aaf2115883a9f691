from crispy_forms_gds.layout import Field, Layout
from django import forms

from recommendations.models import Organisation
from tracker.access import Role
from tracker.forms import GovukForm


def role_field() -> forms.ChoiceField:
    """The role question, the same wherever an admin chooses one."""
    return forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a role",
            "invalid_choice": "Select a role from the list",
        },
    )


class InviteForm(GovukForm, forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name"},
    )
    email = forms.EmailField(
        label="Email address",
        help_text="The invitation is sent here. It is also their username.",
        max_length=150,
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    organisation = forms.ModelChoiceField(
        label="Council",
        queryset=Organisation.objects.none(),
        empty_label="Select a council",
        error_messages={
            "required": "Select the council they work for",
            "invalid_choice": "Select the council they work for",
        },
    )
    role = role_field()

    def __init__(self, *args, councils, **kwargs):
        """`councils`: those the admin may invite to. A council admin has one, so the
        question is not asked and whatever council a request names is ignored."""
        super().__init__(*args, **kwargs)
        self.only_council = councils[0] if len(councils) == 1 else None
        if self.only_council is not None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = councils
        self.helper.layout = Layout(
            Field.text("name", autocomplete="off", spellcheck="false"),
            Field.text("email", autocomplete="off", spellcheck="false"),
            *([] if self.only_council else [Field.select("organisation")]),
            Field.radios("role", legend_size="s"),
        )

    def clean(self):
        cleaned = super().clean()
        if self.only_council is not None:
            cleaned["organisation"] = self.only_council
        return cleaned


class RoleForm(GovukForm, forms.Form):
    role = role_field()
    layout = (Field.radios("role", legend_size="s"),)


class CouncilForm(GovukForm, forms.Form):
    name = forms.CharField(
        label="Council name",
        help_text="For example, Southampton City Council",
        max_length=200,
        error_messages={"required": "Enter the council's name"},
    )
    slug = forms.SlugField(
        label="Short name",
        help_text="Lower-case letters, numbers and hyphens, for example southampton. "
        "Review files name the council by it.",
        max_length=100,
        error_messages={
            "required": "Enter a short name for the council, for example southampton",
            "invalid": "Enter a short name of lower-case letters, numbers and hyphens only",
        },
    )
    layout = (
        Field.text("name"),
        Field.text("slug", field_width=20, spellcheck="false"),
    )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug != slug.lower():
            raise forms.ValidationError(
                "Enter a short name of lower-case letters, numbers and hyphens only"
            )
        return slug
