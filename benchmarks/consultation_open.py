"""How fast opening a consultation round is, compared with raw SQL writing the same rows.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planning_cycle .venv/bin/python \\
        benchmarks/consultation_open.py

Without DATABASE_URL it runs on an in-memory SQLite database (the floor needs PostgreSQL's
arrays: there only the query counts are printed). Scratch database
`planning_cycle_bench_consultation_<pid>`: one body, its strategy unit and 500 stakeholder
organisations. Each timed run takes a fresh draft round and invites the 500 organisations
and opens it:

    BENCH consultation_open_floor_ms <ms> ms   raw SQL, one transaction: lock the round,
                                               INSERT the invitations (one statement),
                                               UPDATE the round, INSERT history and outbox
                                               row of the transition, INSERT the deadlines
                                               and the invitation messages (one each)
    BENCH consultation_open_ms <ms> ms         invitations_add + round_open, one prefetched
                                               permission checker (as a request has)
    BENCH consultation_open_ratio <x> x        service / floor; target at most 3
    BENCH consultation_open_queries_50 <n>     statements of invitations_add + round_open
    BENCH consultation_open_queries_500 <n>    the same with 500 invitees: equal

Environment: BENCH_INVITEES (default 500), BENCH_RUNS (best of, default 5), BENCH_PROFILE=1
(cProfile of one service run, to stderr).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from _common import (
    PROFILE,
    bench,
    best_of_interleaved,
    create_body,
    database_label,
    env_int,
    log,
    log_profile,
    scratch_database,
    setup_django,
)

setup_django()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import IntegrityError, connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch  # noqa: E402
from django.utils import timezone  # noqa: E402

INVITEES = env_int("BENCH_INVITEES", 500)
RUNS = env_int("BENCH_RUNS", 5)
MARK = 987654321  # a pk whose digits mark where an invitation's id goes in its page path


class World:
    """One body, its strategy unit, INVITEES organisations; a fresh draft round per run."""

    def __init__(self) -> None:
        from planning_cycle.access import permission_checker
        from planning_cycle.models import Organisation, Role, User
        from planning_cycle.services.audit import SYSTEM
        from planning_cycle.services.roles import role_assign
        from workflows.consultation.models import ConsultationRound, Invitation

        self.body = create_body("NI")
        self.user = User.objects.create(
            username="steuerung", first_name="Jonas", last_name="Petersen", body=self.body
        )
        role_assign(acting_user=SYSTEM, user=self.user, role=Role.STRATEGY_UNIT)
        self.checker = permission_checker(self.user)
        self.organisations = [
            o.pk
            for o in Organisation.objects.bulk_create(
                Organisation(body=self.body, name=f"Gemeinde {n:04d}") for n in range(INVITEES)
            )
        ]
        self.round_model = ConsultationRound
        self.round_ctype = ContentType.objects.get_for_model(ConsultationRound)
        self.invitation_ctype = ContentType.objects.get_for_model(Invitation)
        self.deadlines = self._deadlines_supported()

    def draft(self) -> Any:
        """Return a new draft round (set-up, not measured)."""
        return self.round_model.objects.create(
            body=self.body,
            title="Entwurf Kreisentwicklungskonzept",
            deadline=timezone.localdate() + dt.timedelta(days=30),
            created_by=self.user,
        )

    def _deadlines_supported(self) -> bool:
        """Tell whether invitations' deadlines can be stored (invitee audience and page)."""
        try:
            with transaction.atomic():
                service_open(self, self.draft(), self.organisations[:1])
                transaction.set_rollback(True)
        except (IntegrityError, NoReverseMatch) as exc:
            log(f"  invitations' deadlines cannot be stored yet, left out on both sides: {exc}")
            from workflows import registry

            registry._CREATED_LISTENERS[:] = [
                listener
                for listener in registry._CREATED_LISTENERS
                if getattr(listener, "__name__", "")
                not in ("deadlines_open_for", "deadlines_open_for_created")
            ]
            return False
        return True


def service_open(world: World, round_: Any, organisations: list[int]) -> None:
    """Invite the organisations and open the round through the services."""
    from workflows.consultation.services.rounds import invitations_add, round_open

    invitations_add(
        acting_user=world.user,
        round=round_,
        organisation_ids=organisations,
        checker=world.checker,
    )
    round_open(acting_user=world.user, round=round_, checker=world.checker)


def service_run(world: World) -> float:
    round_ = world.draft()
    start = time.perf_counter()
    service_open(world, round_, world.organisations)
    return (time.perf_counter() - start) * 1000


def _path_parts() -> tuple[str, str]:
    from workflows.consultation.models import Invitation
    from workflows.registry import workflow_of

    path = workflow_of(Invitation).detail_path(MARK)
    before, after = path.split(str(MARK))
    return before, after


def floor_run(world: World) -> float:
    """Raw SQL writing the rows the service writes, one statement per kind of row."""
    from notifications.models import Deadline
    from notifications.services.deadlines import end_of_day
    from workflows.consultation.models import ConsultationRound, Invitation
    from workflows.consultation.services.rounds import INVITATION_TOPIC
    from workflows.models import OutboxMessage, TransitionLog

    round_ = world.draft()
    body_id, actor_id = world.body.pk, world.user.pk
    before, after = _path_parts() if world.deadlines else ("", "")
    due_at = end_of_day(round_.deadline)
    start = time.perf_counter()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {ConsultationRound._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
            [round_.pk],
        )
        cursor.execute(
            f"INSERT INTO {Invitation._meta.db_table} "  # noqa: S608
            "(body_id, round_id, organisation_id, state, created_at, updated_at) "
            "SELECT %s, %s, o, 'invited', %s, %s FROM unnest(%s::bigint[]) AS o RETURNING id",
            [body_id, round_.pk, now, now, world.organisations],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"UPDATE {ConsultationRound._meta.db_table} "  # noqa: S608
            "SET state = 'open', opened_at = %s, updated_at = %s WHERE id = %s",
            [now, now, round_.pk],
        )
        cursor.execute(
            f"WITH log AS (INSERT INTO {TransitionLog._meta.db_table} "  # noqa: S608
            "(body_id, content_type_id, object_id, transition, source_state, target_state, "
            "actor_id, created_at, comment, override_reason) "
            "VALUES (%s, %s, %s, 'open', 'draft', 'open', %s, %s, '', '') RETURNING id) "
            f"INSERT INTO {OutboxMessage._meta.db_table} "
            "(body_id, topic, payload, created_at, attempts, last_error) "
            "SELECT %s, 'workflow.transition', jsonb_build_object('log_id', log.id, "
            "'object_id', %s::bigint), %s, 0, '' FROM log",
            [body_id, world.round_ctype.pk, round_.pk, actor_id, now, body_id, round_.pk, now],
        )
        if world.deadlines:
            cursor.execute(
                f"INSERT INTO {Deadline._meta.db_table} "  # noqa: S608
                "(body_id, organisation_id, kind, audience, content_type_id, object_id, "
                "url_path, due_at, state, opened_at, next_check_at) "
                "SELECT %s, o, 'statement_give', 'invitee', %s, i, %s || i || %s, %s, 'open', "
                "%s, %s FROM unnest(%s::bigint[], %s::bigint[]) AS t(i, o)",
                [
                    body_id,
                    world.invitation_ctype.pk,
                    before,
                    after,
                    due_at,
                    now,
                    now,
                    ids,
                    world.organisations,
                ],
            )
        cursor.execute(
            f"INSERT INTO {OutboxMessage._meta.db_table} "  # noqa: S608
            "(body_id, topic, payload, created_at, attempts, last_error) "
            "SELECT %s, %s, jsonb_build_object('invitation_id', i), %s, 0, '' "
            "FROM unnest(%s::bigint[]) AS i",
            [body_id, INVITATION_TOPIC, now, ids],
        )
    return (time.perf_counter() - start) * 1000


def rows_of(round_id: int) -> tuple[int, int, int]:
    """Return the invitations, their deadlines and their messages of a round."""
    from notifications.models import Deadline
    from workflows.consultation.models import Invitation
    from workflows.consultation.services.rounds import INVITATION_TOPIC
    from workflows.models import OutboxMessage

    ids = list(Invitation.objects.filter(round_id=round_id).values_list("pk", flat=True))
    deadlines = Deadline.objects.filter(object_id__in=ids, kind="statement_give").count()
    messages = sum(
        1
        for p in OutboxMessage.objects.filter(topic=INVITATION_TOPIC).values_list(
            "payload", flat=True
        )
        if p.get("invitation_id") in set(ids)
    )
    return len(ids), deadlines, messages


def check_same_rows(world: World) -> None:
    """Stop if floor and service do not write the same number of rows of each kind."""
    floor_run(world)
    floor_round = world.round_model.objects.order_by("-pk").first()
    service_run(world)
    service_round = world.round_model.objects.order_by("-pk").first()
    floor_rows, service_rows = rows_of(floor_round.pk), rows_of(service_round.pk)
    log(f"  rows (invitations, deadlines, messages): floor {floor_rows}, service {service_rows}")
    if floor_rows != service_rows:
        raise SystemExit(f"floor and service differ: {floor_rows} != {service_rows}")


def queries_of(world: World, invitees: int) -> int:
    round_ = world.draft()
    with CaptureQueriesContext(connection) as ctx:
        service_open(world, round_, world.organisations[:invitees])
    return len(ctx.captured_queries)


def main() -> None:
    with scratch_database("consultation"):
        log(f"benchmark on {database_label()}, {INVITEES} invitees per round, best of {RUNS}")
        world = World()
        queries_of(world, 3)  # warm the caches (content types, compiled lock query)
        few, many = queries_of(world, 50), queries_of(world, min(500, INVITEES))
        log(f"  queries: {few} with 50 invitees, {many} with {min(500, INVITEES)}")
        floor = service = 0.0
        if connection.vendor == "postgresql":
            check_same_rows(world)
            best = best_of_interleaved(
                RUNS,
                {"floor": lambda: floor_run(world), "service": lambda: service_run(world)},
                "ms",
                ".1f",
                min,
            )
            floor, service = best["floor"], best["service"]
            if PROFILE:
                log_profile(lambda: service_run(world))
    if floor:
        bench("consultation_open_floor_ms", floor, "ms", ".1f")
        bench("consultation_open_ms", service, "ms", ".1f")
        bench("consultation_open_ratio", service / floor, "x", ".2f")
    bench("consultation_open_queries_50", few, "queries")
    bench("consultation_open_queries_500", many, "queries")


if __name__ == "__main__":
    main()
