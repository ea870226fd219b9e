from django import forms
from django.utils.translation import gettext_lazy as _

from channelhub.files import DOCUMENT_TYPES, IMAGE_TYPES, LABELS, validate_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (phone photos); each checked by size and content."""

    widget = MultipleFileInput

    def __init__(self, *args, allowed=DOCUMENT_TYPES, max_mb=10, max_files=10, **kwargs):
        self.allowed, self.max_mb, self.max_files = allowed, max_mb, max_files
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("%(types)s, at most %(limit)s MB each.")
            % {"types": ", ".join(LABELS[t] for t in allowed), "limit": max_mb},
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if self.required and not uploads:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > self.max_files:
            raise forms.ValidationError(_("At most %(n)s files at once.") % {"n": self.max_files})
        errors = []
        for upload in uploads:
            try:
                upload.sniffed_type = validate_upload(upload, max_mb=self.max_mb, allowed=self.allowed)
            except forms.ValidationError as error:
                errors.append(forms.ValidationError(f"{upload.name}: {error.messages[0]}"))
        if errors:
            raise forms.ValidationError(errors)
        return uploads


class PhotoField(MultipleFileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allowed", IMAGE_TYPES)
        super().__init__(*args, **kwargs)
        # Phones offer the camera for this input.
        self.widget.attrs.update({"accept": "image/jpeg,image/png", "capture": "environment"})
