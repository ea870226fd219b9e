"""Password rules in the reader's language.

Django 5.2 changed the wording of the minimum-length error, and its Chinese catalogue has no
translation of the new one yet: Chinese pages showed "This password is too short…" in English.
The rule is Django's; only its message is ours (translated in locale/)."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short: it needs at least %(min_length)d character.",
            "This password is too short: it needs at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
