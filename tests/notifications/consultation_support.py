"""Helpers of the consultation notification tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from django.urls import NoReverseMatch, reverse

from workflows.consultation.models import ConsultationRound, Evaluation, Invitation, Statement
from workflows.registry import workflow_of, workflow_register


@pytest.fixture
def consultation_pages() -> Iterator[None]:
    """Link the consultation objects to the generic page while their own pages are missing.

    The pages are built in parallel; the deadlines store a link to them when they open.
    """
    saved = []
    for model in (ConsultationRound, Invitation, Statement, Evaluation):
        workflow = workflow_of(model)
        try:
            reverse(workflow.detail_url_name, args=[1])
        except NoReverseMatch:
            saved.append(workflow)
            workflow_register(dataclasses.replace(workflow, detail_url_name=""))
    yield
    for workflow in saved:
        workflow_register(workflow)
