"""The OpenAPI schema in the repository (docs/openapi.yaml) is valid and up to date."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The schema as `make schema` writes it (validated; a warning is an error)."""
    target = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    call_command("spectacular", validate=True, fail_on_warn=True, lang="de", file=str(target))
    return target.read_text(encoding="utf-8")


def test_the_committed_schema_is_up_to_date(generated: str) -> None:
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    if committed != generated:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                generated.splitlines(keepends=True),
                "docs/openapi.yaml (committed)",
                "generated from the code",
                n=2,
            )
        )
        pytest.fail(
            "The API changed but docs/openapi.yaml was not regenerated: run `make schema` "
            f"and commit docs/openapi.yaml.\n{diff[:6000]}",
            pytrace=False,
        )


def test_the_schema_is_valid_openapi(generated: str) -> None:
    schema = yaml.safe_load(generated)
    validate_schema(schema)  # the validator behind --validate (openapi-spec-validator)
    assert schema["openapi"].startswith("3.")


def test_every_operation_declares_its_problem_details(generated: str) -> None:
    schema = yaml.safe_load(generated)
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert operations
    for path, method, operation in operations:
        assert operation.get("operationId"), (path, method)
        for status in ("400", "401", "403", "404", "429"):
            content = operation["responses"][status]["content"]
            assert PROBLEM in content, (path, method, status)
        if method != "get":
            assert "409" in operation["responses"], (path, method)
    assert schema["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
        "detail",
    ]
