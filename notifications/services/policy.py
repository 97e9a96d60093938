"""Change a body's reminder policy; open deadlines are rescheduled by the next sweep."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planning_cycle.models import User

from ..models import Deadline, DeadlineState, ReminderPolicy


class PolicyNotPermitted(Exception):
    """The user may not change this body's reminder policy."""


def reminder_policy_save(*, acting_user: User, policy: ReminderPolicy) -> ReminderPolicy:
    """Validate and save a reminder policy and have every open deadline rescheduled."""
    if not acting_user.is_superuser and acting_user.body_id != policy.body_id:
        raise PolicyNotPermitted(_("Sie dürfen nur die Erinnerungsregel Ihrer Kommune ändern."))
    policy.full_clean()
    with transaction.atomic():
        policy.save()
        # The sweep recomputes the schedule of each open deadline it looks at; reminders
        # already sent stay sent (the unique constraint keys them by due time).
        Deadline.objects.filter(body_id=policy.body_id, state=DeadlineState.OPEN).update(
            next_check_at=timezone.now()
        )
    return policy
