"""One way to read an id from a form, a query string or a path: ASCII digits, positive, bounded."""

from __future__ import annotations

import re

# Up to 18 digits: below the largest bigint on PostgreSQL and integer on SQLite, so no id
# read here can overflow a database integer.
MAX_ID = 10**18 - 1
ID_PATTERN = "[0-9]{1,18}"
_ID = re.compile(ID_PATTERN)


def parse_id(value: object) -> int | None:
    """Return value as an id (1 … MAX_ID from ASCII digits only), or None if it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        # str.isdigit() and int() accept "²", "٣", " 7", "+7" and "1_0"; an id is none of them.
        return None
    number = int(value)
    return number if number >= 1 else None
