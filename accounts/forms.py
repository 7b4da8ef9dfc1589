"""Sign-up and sign-in forms: an email stands in for the username."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.utils.functional import lazy

EMAIL_WIDGET = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})


def _password_help() -> str:
    """What the configured password validators ask for, in their own words."""
    return " ".join(password_validation.password_validators_help_texts())


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=150,
        widget=EMAIL_WIDGET,
        error_messages={"required": "Enter your email address."},
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=lazy(_password_help, str)(),
        error_messages={"required": "Choose a password."},
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password again."},
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            email = data.get("email", "")
            try:
                password_validation.validate_password(first, User(username=email, email=email))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SignInForm(AuthenticationForm):
    """Django's sign-in form asking for the email; accounts store it lower-cased."""

    username = forms.CharField(label="Email", max_length=254, widget=EMAIL_WIDGET)
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account.",
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()
