"""The one id parser (planning_cycle/ids.py) and its use in web forms and query strings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planning_cycle.api.ids import parse_id as api_parse_id
from planning_cycle.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("42", 42),
        ("007", 7),
        (str(MAX_ID), MAX_ID),
        (12, 12),
        ("0", None),
        (0, None),
        (-3, None),
        ("-3", None),
        ("+3", None),
        (" 3", None),
        ("3 ", None),
        ("3\n", None),
        ("1_000", None),
        ("²", None),  # str.isdigit() says yes, int() says no
        ("٣", None),  # int() reads it as 3: an Arabic-Indic digit
        ("\uff13", None),  # a full-width digit 3, likewise
        ("3.0", None),
        ("", None),
        ("x", None),
        (str(MAX_ID + 1), None),
        ("9" * 100, None),
        (MAX_ID + 1, None),
        (None, None),
        (True, None),
        (3.0, None),
        (["3"], None),
    ],
)
def test_parse_id(value: object, expected: int | None) -> None:
    assert parse_id(value) == expected


def test_the_api_uses_the_same_parser() -> None:
    assert api_parse_id is parse_id


@given(st.text(max_size=30))
def test_any_text_is_an_id_in_range_or_none(text: str) -> None:
    parsed = parse_id(text)
    assert parsed is None or (1 <= parsed <= MAX_ID and str(parsed) == text.lstrip("0"))
