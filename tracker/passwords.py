"""Password rules beyond Django's own validators."""

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Refuse absurdly long passwords: hashing megabytes of "password" on every sign-in is
    a cheap way to tie up the server. The limit sits well above the 64 characters a
    passphrase or password manager needs."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(self.get_error_message(), code="password_too_long")

    def get_error_message(self) -> str:
        return f"Password must be {self.max_length} characters or fewer"

    def get_help_text(self) -> str:
        return f"Your password must be {self.max_length} characters or fewer."
