"""Cursor pagination for every list: stable under inserts, constant cost per page."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    """Pages of 50 (up to 100 with `page_size`), newest first unless a view says otherwise."""

    page_size = 50
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = "-id"
