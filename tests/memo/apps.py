"""The memo's app: its one workflow declaration, made in ready() like every workflow's."""

from django.apps import AppConfig


class MemoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tests.memo"
    label = "memo"
    verbose_name = "Memo (tests only)"

    def ready(self) -> None:
        from workflows.registry import Task, Workflow, workflow_register

        from .models import Memo, MemoState

        workflow_register(
            Workflow(
                model=Memo,
                slug="memo",
                display_related=("department",),
                draft_states=frozenset({MemoState.DRAFT}),
                tasks=(
                    Task(
                        kind="memo_sign",
                        audience="department",
                        states=frozenset({MemoState.DRAFT}),
                        label="Memo abzeichnen",
                    ),
                ),
                api_prefix="memos",
                documented=False,
            )
        )
