"""Request bodies of the consultation API (each refuses fields it does not know)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from planning_cycle.api.fields import choice_field
from planning_cycle.api.ids import MAX_ID
from planning_cycle.api.input import InputSerializer
from workflows.api.serializers import ContentUpdateSerializer, state_choice_field
from workflows.services.content import TEXT_MAX_LENGTH

from ..models import Invitation
from ..states import Disposition, Position, SubjectKind

TITLE_MAX = 200
# Ids in one list of a body: the lists of one request stay below Django's limit of fields
# in a form body (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000), so a form is refused as JSON is.
INVITEES_MAX = 400
STATEMENTS_MAX = 500


def id_field(label: Any, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, label=label, **kwargs)


def optional_id(label: Any) -> serializers.IntegerField:
    return id_field(label, required=False, allow_null=True)


def id_list(label: Any, *, max_length: int = INVITEES_MAX) -> serializers.ListField:
    return serializers.ListField(
        child=id_field(label), required=False, max_length=max_length, label=label
    )


def text_field(label: Any, *, limit: int = TEXT_MAX_LENGTH, **kwargs: Any) -> serializers.CharField:
    kwargs.setdefault("allow_blank", True)
    return serializers.CharField(trim_whitespace=False, max_length=limit, label=label, **kwargs)


class RoundWriteSerializer(InputSerializer):
    """A round's draft: what it is about, on what, until when."""

    title = text_field(gettext_lazy("Titel"), limit=TITLE_MAX, allow_blank=False)
    subject_kind = choice_field(SubjectKind.choices, "round-subject-kind", required=False)
    description = text_field(gettext_lazy("Beschreibung"), required=False)
    deadline = serializers.DateField(label=gettext_lazy("Frist für Stellungnahmen"))
    cycle = optional_id(gettext_lazy("Planungszyklus"))


class RoundCreateSerializer(RoundWriteSerializer):
    previous_round = optional_id(gettext_lazy("vorheriges Verfahren"))


class RoundUpdateSerializer(RoundWriteSerializer):
    """Any of the draft's fields; those left out stay as they are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class InvitationsAddSerializer(InputSerializer):
    departments = id_list(gettext_lazy("Organisationseinheiten"))
    organisations = id_list(gettext_lazy("Beteiligte Organisationen"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("departments") and not attrs.get("organisations"):
            raise serializers.ValidationError(
                {
                    "departments": [
                        _(
                            "Bitte wählen Sie mindestens eine Organisationseinheit oder "
                            "Organisation aus."
                        )
                    ]
                }
            )
        return attrs


class ExtensionRequestSerializer(InputSerializer):
    until = serializers.DateField(label=gettext_lazy("Verlängerung bis"))
    reason = text_field(gettext_lazy("Begründung"), limit=10_000, allow_blank=False)
    expected_state = state_choice_field(
        Invitation,
        "extension-request-expected-state",
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy(
            "Der Status, den Sie gesehen haben; steht die Einladung inzwischen anders, "
            "wird nichts beantragt (409)."
        ),
    )


class StatementWriteSerializer(ContentUpdateSerializer):
    """A statement's draft; on an edit, fields left out stay as they are."""

    position = serializers.ChoiceField(choices=Position.choices, required=False, allow_blank=True)
    text = text_field(gettext_lazy("Stellungnahme"), required=False)
    section = optional_id(gettext_lazy("Abschnitt"))
    co_signers = id_list(gettext_lazy("gemeinsam mit (Einladungen)"), max_length=100)


class StatementCreateSerializer(StatementWriteSerializer):
    """A new draft statement for an invitation."""

    invitation = id_field(gettext_lazy("Einladung"))
    expected_updated_at = None  # type: ignore[assignment]


class DispositionAssignSerializer(InputSerializer):
    """Released statements of a round, to one evaluating department (none: ourselves)."""

    round = id_field(gettext_lazy("Beteiligungsverfahren"))
    statements = serializers.ListField(
        child=id_field(gettext_lazy("Stellungnahme")),
        min_length=1,
        max_length=STATEMENTS_MAX,
        label=gettext_lazy("Stellungnahmen"),
    )
    department = optional_id(gettext_lazy("abwägende Organisationseinheit"))


class DispositionUpdateSerializer(ContentUpdateSerializer):
    disposition = serializers.ChoiceField(
        choices=Disposition.choices, required=False, allow_blank=True
    )
    reason = text_field(gettext_lazy("Begründung der Abwägung"), required=False)


def not_found(field: str) -> serializers.ValidationError:
    """A body naming an object the user's body does not have (or they may not see)."""
    return serializers.ValidationError({field: [_("Gibt es in Ihrer Kommune nicht.")]})


def one(queryset: models.QuerySet[Any], pk: int | None, field: str) -> Any:
    """Return the object `pk` of `queryset` (None for no id), else a 400 naming the field."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise not_found(field)
    return found
