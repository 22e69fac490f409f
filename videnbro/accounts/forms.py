"""Sign-up and password reset forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from videnbro.core.tasks import enqueue, send_email


class SignUpForm(forms.Form):
    """Who is asking: no password here. The password is chosen on the activation page, by
    whoever opens the link mailed to the address (finding 1 of issue 12)."""

    name = forms.CharField(label=_("Navn"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Bruges til at logge ind og til beskeder om dine ansøgninger."),
    )
    stated_organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_(
            "Hvor du arbejder, fx et universitet eller en virksomhed. Vises i registret "
            "over godkendte anvendelser, hvis du får adgang til data."
        ),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class ActivationForm(forms.Form):
    """The activation page: the person who controls the address confirms name and
    organisation and chooses the password."""

    name = forms.CharField(label=_("Navn"), max_length=150)
    stated_organisation = SignUpForm.base_fields["stated_organisation"]
    password1 = forms.CharField(
        label=_("Adgangskode"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Gentag adgangskoden"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean() returns (the stubs allow None)
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("De to adgangskoder er ikke ens."))
        elif first and self.user is not None:
            from .models import User

            probe = User(
                username=self.user.username, email=self.user.email, first_name=cleaned.get("name", "")
            )
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class OtpTokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Kode fra din godkender-app"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9]*",
            }
        ),
    )

    def clean_otp_token(self) -> str:
        return "".join(self.cleaned_data["otp_token"].split())


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the mail sent by the task queue instead of in the request."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template import loader

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        enqueue(send_email, to_email, subject, body)
