"""Template tags for the file parts of the consultation pages (upload form, file list)."""

from __future__ import annotations

from django import template

from ..uploads import accept_attribute, accepted_labels, max_bytes, megabytes

register = template.Library()


@register.simple_tag
def upload_rules() -> dict[str, object]:
    """Return what the upload form tells: accepted types, `accept` attribute, size limit."""
    return {
        "types": accepted_labels(),
        "accept": accept_attribute(),
        "max_bytes": max_bytes(),
        "max_megabytes": megabytes(max_bytes()),
    }
