"""Factories for deadlines and notifications."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.models import (
    Audience,
    Deadline,
    Notification,
    NotificationKind,
    ReminderPolicy,
    TaskKind,
)
from workflows.models import DepartmentReview


class DeadlineFactory(factory.django.DjangoModelFactory):
    """An open review-submission deadline of a review (pass `review=`)."""

    class Meta:
        model = Deadline
        exclude = ("review",)

    review: DepartmentReview = None  # type: ignore[assignment]
    body = factory.LazyAttribute(lambda o: o.review.body)
    cycle = factory.LazyAttribute(lambda o: o.review.cycle)
    department = factory.LazyAttribute(lambda o: o.review.department)
    kind = TaskKind.REVIEW_SUBMIT
    audience = Audience.DEPARTMENT
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.review))
    object_id = factory.LazyAttribute(lambda o: o.review.pk)
    url_path = factory.LazyAttribute(lambda o: f"/zielbilanzierungen/{o.review.pk}/")
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    next_check_at = factory.LazyFunction(timezone.now)


class ReminderPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderPolicy
        django_get_or_create = ("body",)


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread reminder in the inbox of `recipient` about `deadline` (pass both)."""

    class Meta:
        model = Notification

    recipient = None
    deadline = None
    body = factory.LazyAttribute(lambda o: o.recipient.body)
    kind = NotificationKind.REMINDER
    source_key = factory.Sequence(lambda n: f"test:{n}")
    data = factory.LazyFunction(lambda: {"offset_days": 7})
