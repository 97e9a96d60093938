"""The memo: draft -> signed, by a holder of `memo_sign` on its department or body."""

from __future__ import annotations

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from planning_cycle.models import Body, Department
from workflows.conditions import Condition


class MemoState(models.TextChoices):
    DRAFT = "draft", "Entwurf"
    SIGNED = "signed", "abgezeichnet"


HAS_TEXT = Condition(lambda memo: bool(memo.text.strip()), lambda memo: "Das Memo ist leer.")


class Memo(ConcurrentTransitionMixin, models.Model):
    body = models.ForeignKey(Body, verbose_name="Kommune", on_delete=models.CASCADE)
    department = models.ForeignKey(
        Department, verbose_name="Organisationseinheit", on_delete=models.CASCADE
    )
    text = models.TextField("Text", blank=True)
    state = FSMField("Status", default=MemoState.DRAFT, choices=MemoState.choices, protected=True)
    updated_at = models.DateTimeField("geändert am", auto_now=True)

    class Meta:
        verbose_name = "Memo"
        verbose_name_plural = "Memos"

    def __str__(self) -> str:
        return f"Memo {self.pk}"

    @transition(
        field=state,
        source=MemoState.DRAFT,
        target=MemoState.SIGNED,
        permission="planning_cycle.memo_sign",
        conditions=[HAS_TEXT],
        custom={"label": "Abzeichnen"},
    )
    def sign(self) -> None:
        """Sign the memo."""
