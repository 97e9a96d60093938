"""The one policy for free text that people type: line breaks, length, control characters.

Comments, reasons and the content of reviews, plans and agreements all pass through
`text_clean`: line breaks are normalised, surrounding blanks dropped, a text over its limit
is refused with both numbers, and so is any control character but tab and line break
(PostgreSQL cannot store NUL at all, and no other belongs in a text people read).
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


def text_clean(value: str | None, *, what: str, limit: int) -> str:
    """Return the text normalised, or refuse it naming what is wrong (`what` names the text)."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > limit:
        raise TextRefused(
            _("%(what)s ist zu lang: höchstens %(limit)s Zeichen, eingegeben %(length)s.")
            % {"what": what, "limit": _number(limit), "length": _number(len(text))}
        )
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\t\n":
            raise TextRefused(
                _("%(what)s enthält das unzulässige Steuerzeichen U+%(code)04X.")
                % {"what": what, "code": ord(char)}
            )
    return text
