"""What the benchmarks share: Django on a scratch database, the timing loop, the BENCH lines.

Not a benchmark itself: `make bench` runs the files in benchmarks/ whose names do not start
with `_`. The benchmarks run as scripts, so Python puts benchmarks/ first on sys.path and
they import this module as `_common`; they call `setup_django()` before importing models.
"""

from __future__ import annotations

import cProfile
import gc
import io
import os
import pstats
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import django
from django.db import connection

if TYPE_CHECKING:
    from planning_cycle.models import Body, Department, User

ROOT = Path(__file__).resolve().parent.parent
PROFILE = os.environ.get("BENCH_PROFILE", "") not in ("", "0")


def setup_django() -> None:
    """Put the project on sys.path and set Django up with the test settings."""
    # Run as a script, Python has only benchmarks/ on the path, not the project's packages.
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planning_cycle.settings.test")
    django.setup()


def env_int(name: str, default: int) -> int:
    """Return the whole number in the environment variable `name`, or `default`."""
    return int(os.environ.get(name, str(default)))


def log(message: str) -> None:
    """Print a detail to stderr at once, so that stdout carries only the BENCH lines."""
    print(message, file=sys.stderr, flush=True)


def bench(name: str, value: float, unit: str, spec: str = "") -> None:
    """Print one result line, `BENCH <name> <value> <unit>`, with `value` formatted by `spec`."""
    print(f"BENCH {name} {value:{spec}} {unit}")


def database_label() -> str:
    """Return the database vendor and name, for the first line of details."""
    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


@contextmanager
def scratch_database(label: str = "") -> Iterator[None]:
    """Create and migrate `planning_cycle_bench[_<label>]_<pid>`, and drop it on the way out."""
    settings_dict = connection.settings_dict
    settings_dict.setdefault("TEST", {})
    # SQLite keeps its in-memory test database; a name there would make it a file.
    if connection.vendor != "sqlite":
        # Per process, so that two runs at once (CI, a colleague) never drop each other's
        # database.
        parts = ["planning_cycle_bench", *([label] if label else []), str(os.getpid())]
        settings_dict["TEST"]["NAME"] = "_".join(parts)
    # The test runner's utilities run every migration, so triggers and constraints are there
    # as in production.
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=False
    )
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


def best_of_interleaved(
    runs: int,
    sides: Mapping[str, Callable[[], float]],
    unit: str,
    spec: str,
    best: Callable[[list[float]], float],
) -> dict[str, float]:
    """Run every side once a round for `runs` rounds; return each side's best result."""
    # Sides alternate rather than follow each other, so that drift on a shared machine
    # (another job, CPU throttling) hits all of them alike.
    results: dict[str, list[float]] = {name: [] for name in sides}
    for i in range(runs):
        for name, run in sides.items():
            # Start each run with no garbage left by the one before, as timeit does.
            gc.collect()
            results[name].append(run())
            log(f"  {name} run {i + 1}: {results[name][-1]:{spec}} {unit}")
    return {name: best(values) for name, values in results.items()}


class SqlTimer:
    """Add up the time spent in SQL statements, per first keyword (a Django execute wrapper)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.statements = 0

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        """Execute the statement and book its time."""
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            keyword = sql.split()[0]
            self.seconds[keyword] = self.seconds.get(keyword, 0.0) + elapsed
            self.statements += 1

    @property
    def total(self) -> float:
        """Return the seconds spent in all statements."""
        return sum(self.seconds.values())


def log_profile(run: Callable[[], object], cumulative: int = 30, tottime: int = 20) -> None:
    """Profile one call of `run`; log its top functions by cumulative and by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(cumulative)
    if tottime:
        stats.sort_stats("tottime").print_stats(tottime)
    log(out.getvalue())


def create_body(state: str) -> Body:
    """Create the benchmark's body, a Landkreis in `state`."""
    from planning_cycle.models import Body, BodyKind

    return Body.objects.create(
        key="bench", name="Landkreis Benchmark", kind=BodyKind.LANDKREIS, state=state
    )


def create_departments(body: Body, count: int, digits: int = 3) -> list[Department]:
    """Create `count` departments `FD 000`, `FD 001`, … with `digits` digits each."""
    from planning_cycle.models import Department

    return Department.objects.bulk_create(
        Department(body=body, code=f"FD {i:0{digits}d}", name=f"Fachdienst {i}")
        for i in range(count)
    )


def create_management(body: Body) -> User:
    """Create the body's management user (who may see and do everything in it)."""
    from planning_cycle.models import Role, User
    from planning_cycle.services.audit import SYSTEM
    from planning_cycle.services.roles import role_assign

    management = User.objects.create(
        username="landrat", first_name="Erika", last_name="Muster", body=body
    )
    role_assign(acting_user=SYSTEM, user=management, role=Role.MANAGEMENT)
    return management
