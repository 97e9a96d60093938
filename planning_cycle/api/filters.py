"""Query parameters shared by every list: strict parsing, bounded ids and `ordering`."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import django_filters
from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.fields import BaseCSVField
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema_field

from .ids import MAX_ID

ORDERING_PARAM = "ordering"
BOOLEAN_VALUES = ("true", "false")


class QueryForm(forms.Form):
    """A list's query as the schema declares it, else a 400 naming the parameter.

    Django's fields ignore what the schema forbids: a repeated parameter (the last one
    counts), an empty value (no filter) and a boolean that is neither `true` nor `false`
    (no filter either).
    """

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, field in self.fields.items():
            if name in self.errors:
                continue
            if isinstance(self.data, QueryDict):
                values = self.data.getlist(name)
            else:
                values = [self.data[name]] if name in self.data else []
            if len(values) > 1:
                self.add_error(name, _("Bitte diesen Parameter höchstens einmal angeben."))
            elif not values:
                continue
            elif isinstance(field, forms.NullBooleanField) and values[0] not in BOOLEAN_VALUES:
                self.add_error(name, _("Bitte „true“ oder „false“ angeben."))
            elif values[0] == "" and not isinstance(field, forms.CharField):
                self.add_error(name, _("Bitte einen Wert angeben oder den Parameter weglassen."))
        return cleaned


class ApiFilterSet(FilterSet):
    """The filters of a list, validated by `QueryForm`."""

    def get_form_class(self) -> type[forms.Form]:
        fields = OrderedDict((name, filter_.field) for name, filter_ in self.filters.items())
        return type(f"{type(self).__name__}Form", (QueryForm,), fields)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """An id; anything else (or one out of range) is a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class SortFieldsField(BaseCSVField):
    """The list of `ordering`: given, it names at least one field and no empty one."""

    default_error_messages = {
        "empty": _("Bitte mindestens ein Feld angeben, nach dem sortiert wird."),
    }

    def clean(self, value: Any) -> Any:
        if value is not None and (not value or any(not item for item in value)):
            raise forms.ValidationError(self.error_messages["empty"], code="empty")
        return super().clean(value)


class SortFilter(django_filters.OrderingFilter):
    """`ordering=a,-b`: sort by the named fields, a leading minus for descending.

    The pagination reads the same parameter through `sort_terms` and pages by a key of
    these fields plus the id, so equal values never make a row repeat or go missing.
    Unknown names are a 400 that names the parameter and the value; so is an empty value
    (`ordering=`, or an empty name as in `ordering=year,`).
    """

    base_field_class = SortFieldsField

    def __init__(self, *args: Any, model: type[models.Model], **kwargs: Any) -> None:
        fields = self.normalize_fields(kwargs.get("fields", {}))
        # Each choice is labelled with its field's name (a relation's: "Organisationseinheit").
        kwargs.setdefault(
            "field_labels",
            {path: _verbose_name(model, path) for path in fields},
        )
        names = ", ".join(fields.values())
        kwargs.setdefault(
            "help_text",
            format_lazy(
                _(
                    "Sortierung: ein oder mehrere Felder, durch Komma getrennt, ein Minus davor "
                    "sortiert absteigend (z. B. „{example}“); bei gleichen Werten entscheidet "
                    "die ID. Mögliche Felder: {names}."
                ),
                example=f"-{next(iter(fields.values()))}",
                names=names,
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": format_lazy(
                    _(
                        "Nach „%(value)s“ kann nicht sortiert werden; möglich sind {names} "
                        "(mit einem Minus davor absteigend)."
                    ),
                    names=names,
                )
            },
        )
        super().__init__(*args, **kwargs)

    def sort_terms(self, value: str) -> list[str]:
        """Return the model paths of a validated `ordering` value, each field once."""
        terms: list[str] = []
        seen: set[str] = set()
        for param in value.split(","):
            param = param.strip()
            if not param:
                continue
            term = self.get_ordering_value(param)
            path = term.lstrip("-")
            if path not in seen:  # "code,-code": the first one decides
                seen.add(path)
                terms.append(term)
        return terms


def _verbose_name(model: type[models.Model], path: str) -> Any:
    """Return the name of the model field a sort path starts with."""
    return getattr(model._meta.get_field(path.split("__")[0]), "verbose_name", path)
