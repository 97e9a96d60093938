"""The one policy for free text that people type: line breaks, length, control characters.

Comments, reasons and the content of reviews, plans and agreements all pass through
`text_clean`: surrounding blanks are dropped, a text over its limit is refused with both
numbers, and so is any control character but tab and line breaks (PostgreSQL cannot store
NUL at all, and no other belongs in a text people read). `breaks_normalise` turns the
browser's CR LF into LF first, for texts that are shown and edited again.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _


class TextRefused(ValueError):
    """A text was refused; the message names what is wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def breaks_normalise(value: str | None) -> str:
    """Return the text with CR LF and CR turned into LF."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def text_clean(value: str | None, *, what: str, limit: int) -> str:
    """Return the text without surrounding blanks, or refuse it naming what is wrong."""
    text = (value or "").strip()
    if len(text) > limit:
        raise TextRefused(
            _("%(what)s ist zu lang: höchstens %(limit)s Zeichen, eingegeben %(length)s.")
            % {"what": what, "limit": _number(limit), "length": _number(len(text))}
        )
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r":
            raise TextRefused(
                _("%(what)s enthält das unzulässige Steuerzeichen U+%(code)04X.")
                % {"what": what, "code": ord(char)}
            )
    return text
