"""Forms shared by the whole service: the GOV.UK form base and the sign-in forms."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.contrib.auth import forms as auth_forms

from tracker import audit


class GovukForm:
    """Renders with crispy-forms-gds inside a <form> the template writes itself (so the
    template controls the button and the CSRF token). Subclasses list their layout."""

    layout: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        if self.layout:
            self.helper.layout = Layout(*self.layout)


class SignInForm(GovukForm, auth_forms.AuthenticationForm):
    layout = (
        Field.text("username", autocomplete="username", spellcheck="false"),
        Field.text("password", autocomplete="current-password"),
    )
    error_messages = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "This account has been deactivated",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget = forms.PasswordInput(render_value=False)


class ChangePasswordForm(GovukForm, auth_forms.PasswordChangeForm):
    layout = (
        Field.text("old_password", autocomplete="current-password"),
        Field.text("new_password1", autocomplete="new-password"),
        Field.text("new_password2", autocomplete="new-password"),
    )


class ResetPasswordForm(GovukForm, auth_forms.PasswordResetForm):
    layout = (Field.text("email", autocomplete="email", spellcheck="false"),)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )


class NewPasswordForm(GovukForm, auth_forms.SetPasswordForm):
    """The new password from an emailed reset link. The visitor is signed out; the link
    proves who they are, so the audit log records them as making the change."""

    layout = (
        Field.text("new_password1", autocomplete="new-password"),
        Field.text("new_password2", autocomplete="new-password"),
    )

    def save(self, commit=True):
        with audit.resetting_password(self.user):
            return super().save(commit=commit)


class OneTimeCodeForm(GovukForm, forms.Form):
    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
    )
    layout = (
        Field.text(
            "code",
            field_width=10,
            autocomplete="one-time-code",
            inputmode="text",
            spellcheck="false",
        ),
    )
