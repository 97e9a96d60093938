"""Delivery for real: a Celery worker and beat in their own processes, Redis, an SMTP sink.

The worker and beat run the product's code against the test database (the same
PostgreSQL database this test writes to) and send e-mail over SMTP to a sink in this
process, which records each Message-ID. Three scenarios:

- integration: transitions and a sweep; every e-mail arrives exactly once;
- Redis outage: the broker (a redis-server of the test) is killed while transitions
  commit and restarted empty; every e-mail still arrives exactly once;
- killed worker: the worker's whole process group is killed while it waits for the mail
  server to accept a message; a new worker delivers it, and nothing twice.

They need PostgreSQL and Redis (REDIS_URL; `make test` sets it when Redis answers at
127.0.0.1:6379) and the redis-server program; they are skipped without, and fail in CI.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import connection
from django.utils import timezone

from notifications.models import EmailState, Notification
from notifications.services.notify import EMAIL_TOPIC
from notifications.services.sweep import deadline_sweep
from tests.support.world import World
from workflows.models import DepartmentReview, OutboxMessage
from workflows.services.transitions import transition_fire

# Each takes 10 to 25 s: `-m "not slow"` leaves them out locally; CI runs them.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
# Short intervals, so that a lost task is queued again within seconds.
LEASE_SECONDS = 3
TIMEOUT = 30.0
# The separate Redis database of these tests on the shared server; every run uses its own
# key prefix in it and deletes only its own keys, so concurrent runs do not collide.
LIVE_REDIS_DB = 15


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _missing(*, own_redis: bool = False) -> str | None:
    """Say what these tests need and do not find here, or None."""
    if connection.vendor != "postgresql":
        return (
            f"needs PostgreSQL shared with worker processes, but the database is "
            f"{connection.vendor}; run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/"
            "planning_cycle"
        )
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "needs Redis: set REDIS_URL (make test does when Redis answers at 127.0.0.1:6379)"
    if not _redis_answers(url):
        return f"needs Redis, but REDIS_URL={_redacted(url)} does not answer"
    if own_redis and _redis_server() is None:
        return "needs the redis-server program (Debian: apt-get install redis-server)"
    return None


def _require(*, own_redis: bool = False) -> None:
    """Skip without PostgreSQL and Redis; in CI (CI=true) fail instead."""
    reason = _missing(own_redis=own_redis)
    if reason is None:
        return
    if _in_ci():
        pytest.fail(f"CI=true: this test must run. It {reason}", pytrace=False)
    pytest.skip(reason)


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _redis_server() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(what: str, condition: Callable[[], bool], timeout: float = TIMEOUT) -> float:
    """Poll until condition() holds; return the seconds it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - start


# --- the SMTP sink ------------------------------------------------------------------------


@dataclass
class MailSink:
    """Accepts e-mail and records Message-IDs; can hold the first message until released."""

    stall_first: bool = False
    received: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        message_id = str(email.message_from_bytes(content)["Message-ID"])
        if self.stall_first and not self.stalled.is_set():
            self.stalled.set()
            try:
                # The sender waits for our answer to DATA; it has not been accepted yet.
                while not self.release.is_set():
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                # The client went away before we answered: the message was never accepted.
                with self.lock:
                    self.cancelled.append(message_id)
                raise
        with self.lock:
            self.received.append(message_id)
        return "250 Message accepted for delivery"

    def counts(self) -> Counter[str]:
        with self.lock:
            return Counter(self.received)


@pytest.fixture(autouse=True)
def _live_requirements() -> None:
    """Skip (or fail in CI) before anything is built when PostgreSQL or Redis is missing."""
    _require()


@pytest.fixture
def sink() -> Iterator[tuple[MailSink, int]]:
    # aiosmtpd logs every SMTP command at INFO; the test's own assertions say enough.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = MailSink()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        handler.release.set()
        controller.stop()


# --- processes ------------------------------------------------------------------------------


@dataclass
class Processes:
    """Subprocesses of one test, each in its own process group, with its log file."""

    directory: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.directory / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - fixed program, arguments of the test
            args,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL the process and everything it started (its process group)."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def kill_all(self) -> None:
        for name in list(self.running):
            self.kill(name)

    def log(self, name: str) -> str:
        path = self.directory / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        """The end of every log, for a failing assertion's message."""
        return "\n".join(
            f"--- {p.stem} ---\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.directory.glob("*.log"))
        )


@pytest.fixture
def processes(transactional_db: None, tmp_path: Path) -> Iterator[Processes]:
    """Started processes, killed when the test ends (before its database is flushed)."""
    procs = Processes(directory=tmp_path)
    try:
        yield procs
    finally:
        procs.kill_all()


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(str(db['NAME']), safe='')}"


@dataclass
class Broker:
    url: str
    keyprefix: str = ""


def _env(broker: Broker, smtp_port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "planning_cycle.settings.test",
        # The test database of this run (NAME is test_…), shared with this process.
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker.url,
        "CELERY_BROKER_URL": broker.url,
        "CELERY_BROKER_KEYPREFIX": broker.keyprefix,
        "TEST_EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "120",
        "OUTBOX_DISPATCH_SECONDS": "1",
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        # The sweep runs in the test, at a time the test chooses.
        "DEADLINE_SWEEP_SECONDS": "3600",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_BROKER_TRANSPORT_OPTIONS", None)
    return env


def start_worker(procs: Processes, name: str, env: dict[str, str]) -> None:
    procs.start(
        name,
        [
            CELERY,
            "-A",
            "planning_cycle",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "-l",
            "INFO",
            "-n",
            f"{name}-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env,
    )


def start_beat(procs: Processes, env: dict[str, str]) -> None:
    procs.start(
        "beat",
        [
            CELERY,
            "-A",
            "planning_cycle",
            "beat",
            "-l",
            "INFO",
            "-s",
            str(procs.directory / "celerybeat-schedule"),
            "--pidfile",
            str(procs.directory / "beat.pid"),
        ],
        env,
    )


def wait_ready(procs: Processes, worker: str) -> None:
    def ready() -> bool:
        process = procs.running[worker]
        assert process.poll() is None, f"{worker} exited:\n{procs.logs()}"
        return " ready." in procs.log(worker)

    _wait_for(f"{worker} to be ready", ready)


@pytest.fixture
def shared_redis() -> Iterator[Broker]:
    """The shared Redis server, database 15, under a key prefix of its own."""
    parts = urlsplit(os.environ["REDIS_URL"])
    url = urlunsplit(parts._replace(path=f"/{LIVE_REDIS_DB}"))
    broker = Broker(url=url, keyprefix=f"live-{uuid.uuid4().hex[:12]}:")
    client = redis.Redis.from_url(url)

    def clean() -> None:
        for key in client.scan_iter(match=f"{broker.keyprefix}*", count=500):
            client.delete(key)

    clean()
    try:
        yield broker
    finally:
        clean()
        client.close()


@dataclass
class OwnRedis:
    """A redis-server of the test, without persistence: killing it loses what it held."""

    procs: Processes
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.procs.start(
            "redis",
            [
                str(_redis_server()),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            {"PATH": os.environ.get("PATH", "")},
        )
        _wait_for("redis-server to answer", lambda: _redis_answers(self.url), timeout=10)

    def kill(self) -> None:
        self.procs.kill("redis")
        assert not _redis_answers(self.url)


# --- the scenario ---------------------------------------------------------------------------


def fire_submissions(world: World) -> float:
    """Submit two departments' reviews (management gets two new tasks); return the seconds."""
    start = time.monotonic()
    for user, department in (("department_head", 0), ("other_department_head", 1)):
        review = DepartmentReview.objects.get(
            cycle=world.cycle, department=world.departments[department]
        )
        transition_fire(acting_user=world.users[user], obj=review, transition="submit")
    return time.monotonic() - start


def _outbox_id(message_id: str) -> int:
    return int(message_id.removeprefix("<outbox-").partition("@")[0])


def all_processed() -> bool:
    return not OutboxMessage.objects.filter(processed_at__isnull=True).exists()


def expected_message_ids() -> set[str]:
    """The Message-IDs of the e-mails that must have gone out: one per e-mail outbox row."""
    sent = set(
        Notification.objects.filter(
            email_state__in=[EmailState.QUEUED, EmailState.SENT]
        ).values_list("pk", flat=True)
    )
    rows = OutboxMessage.objects.filter(topic=EMAIL_TOPIC)
    ids = {row.pk for row in rows if row.payload["notification_id"] in sent}
    return {f"<outbox-{pk}@127.0.0.1>" for pk in ids}


def assert_each_delivered_once(sink: MailSink, procs: Processes) -> dict[str, Any]:
    """Wait until every outbox row is processed and its e-mail arrived; then check once."""
    took = _wait_for("all outbox messages processed", all_processed)
    expected = expected_message_ids()
    assert len(expected) >= 2, procs.logs()
    _wait_for("every e-mail at the sink", lambda: set(sink.counts()) >= expected)
    # Long enough for a lost lease to expire and the dispatcher to run twice more: a
    # duplicate would arrive now.
    time.sleep(LEASE_SECONDS + 2)
    counts = sink.counts()
    assert counts == Counter(dict.fromkeys(expected, 1)), f"{counts}\n{procs.logs()}"
    rows = OutboxMessage.objects.all()
    assert all(r.failed_at is None and r.processed_at is not None for r in rows)
    result = {"seconds": round(took, 1), "emails": len(expected), "messages": rows.count()}
    print(f"delivered: {result}")  # shown with -s: the figures of a live run
    return result


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_deliver_every_email_once(
    world: World, processes: Processes, shared_redis: Broker, sink: tuple[MailSink, int]
) -> None:
    mails, port = sink
    env = _env(shared_redis, port)
    start_beat(processes, env)
    start_worker(processes, "worker", env)
    wait_ready(processes, "worker")

    fire_submissions(world)
    deadline_sweep()  # the cycle's deadlines are overdue by now: escalations go out too

    result = assert_each_delivered_once(mails, processes)
    assert OutboxMessage.objects.filter(attempts=1).count() == result["messages"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_redis_outage_delays_but_loses_and_repeats_nothing(
    world: World, processes: Processes, sink: tuple[MailSink, int]
) -> None:
    """Redis dies with delivery tasks queued in it, while transitions commit."""
    _require(own_redis=True)
    mails, port = sink
    # The first e-mail is held at the sink, so that the worker is busy and the other
    # delivery tasks wait in Redis when it dies.
    mails.stall_first = True
    own = OwnRedis(processes, _free_port())
    own.start()
    env = _env(Broker(url=own.url), port)
    start_beat(processes, env)
    start_worker(processes, "worker", env)
    wait_ready(processes, "worker")

    fire_submissions(world)
    deadline_sweep()  # the cycle's deadlines are overdue by now: more e-mails
    _wait_for("the worker to send the first e-mail", mails.stalled.is_set)
    queued = OutboxMessage.objects.filter(
        topic=EMAIL_TOPIC, dispatched_at__isnull=False, processed_at__isnull=True
    )
    _wait_for("delivery tasks queued behind it", lambda: queued.count() >= 2)
    own.kill()  # without persistence: the queued tasks are gone
    killed_at = timezone.now()
    lost = set(queued.values_list("pk", flat=True))

    # Management returns a review meanwhile: the transition never touches the broker.
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.department)
    start = time.monotonic()
    transition_fire(
        acting_user=world.users["management"],
        obj=review,
        transition="return_",
        comment="Bitte ergänzen.",
    )
    seconds = time.monotonic() - start
    assert seconds < 1, f"a transition took {seconds:.2f} s with Redis down"

    mails.release.set()  # the held e-mail is accepted; nothing else can move
    _wait_for("the held e-mail", lambda: bool(mails.counts()))
    time.sleep(1)
    (held,) = mails.counts()
    assert mails.counts() == Counter({held: 1})
    assert OutboxMessage.objects.filter(processed_at__isnull=True).count() >= 3

    own.start()  # empty: whatever it held before is gone
    result = assert_each_delivered_once(mails, processes)
    assert result["emails"] >= 4
    # The tasks lost with Redis were queued again when their lease ran out.
    # (Some were not sent at all, rightly: their task was done meanwhile, by the return.)
    lost.discard(_outbox_id(held))
    rows = OutboxMessage.objects.filter(pk__in=lost)
    assert all(row.dispatched_at and row.dispatched_at > killed_at for row in rows)
    assert set(mails.counts()) & {f"<outbox-{pk}@127.0.0.1>" for pk in lost}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_killed_while_sending_loses_and_repeats_nothing(
    world: World, processes: Processes, shared_redis: Broker, sink: tuple[MailSink, int]
) -> None:
    mails, port = sink
    mails.stall_first = True
    env = _env(shared_redis, port)
    start_beat(processes, env)
    start_worker(processes, "worker", env)
    wait_ready(processes, "worker")

    fire_submissions(world)
    _wait_for("the worker to send the first e-mail", mails.stalled.is_set)
    processes.kill("worker")  # SIGKILL to the worker and its pool process

    # The sink saw the sender vanish before it accepted the message: not recorded.
    _wait_for("the sink to drop the unfinished message", lambda: bool(mails.cancelled))
    (unfinished,) = mails.cancelled
    assert mails.counts() == Counter()
    assert OutboxMessage.objects.get(pk=_outbox_id(unfinished)).processed_at is None

    start_worker(processes, "worker-2", env)
    mails.release.set()
    wait_ready(processes, "worker-2")
    result = assert_each_delivered_once(mails, processes)
    assert mails.counts()[unfinished] == 1
    # The killed attempt was rolled back with its transaction: no attempt counted twice.
    assert OutboxMessage.objects.filter(attempts=1).count() == result["messages"]
