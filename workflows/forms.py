"""Forms of the workflow pages: they only shape the input; the services validate it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django import forms

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class ContentForm(forms.Form):
    """A text edit with the `updated_at` stamp the user saw (optimistic concurrency)."""

    expected_updated_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def expected(self) -> dt.datetime | None:
        """Return the stamp the user saw, or None (then no conflict check)."""
        raw = self.cleaned_data.get("expected_updated_at") or ""
        try:
            return dt.datetime.fromisoformat(raw) if raw else None
        except ValueError:
            return None


def content_text_field(label: str | StrPromise, hint: str | StrPromise = "") -> forms.CharField:
    """A text area of a content field (no max_length: the service refuses with its message)."""
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class SubmitForm(forms.Form):
    """What the edit form sends besides the text when it saves and submits at once."""

    comment = forms.CharField(required=False, strip=False)
    expected_state = forms.CharField(required=False, max_length=30)
    # The user read the submit's warnings (a plan over its budget ceiling) and goes on.
    confirm_warnings = forms.BooleanField(required=False)
