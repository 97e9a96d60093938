"""The deadlines API documents exactly the resources its published tasks are about."""

from __future__ import annotations

from pathlib import Path

import yaml

from workflows.registry import tasks

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_every_task_kind_has_its_object_type_in_the_schema() -> None:
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    documented = set(schema["components"]["schemas"]["ObjectTypeEnum"]["enum"])
    # A workflow that exists only in the tests is not published; a cycle's calendar
    # milestones have deadlines of their own type.
    declared = {w.api_name.lower() for w, _task in tasks() if w.documented} | {"milestone"}
    assert declared == documented, declared ^ documented
