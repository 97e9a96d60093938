"""The OParl 1.1 JSON schemas of ../shared/oparl/schema, as validators of our output.

The schemas name embedded objects with a non-standard `"schema": "File.json"` and keep
their descriptions as `{{ … }}` placeholders in strings.yml. Here each embedding becomes a
`$ref` resolved through a `referencing` registry of all schemas, every placeholder is
resolved from strings.yml (a missing one fails), and the formats are checked strictly as
the specification writes them (date-time with offset, date, absolute URL).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.conf import settings
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_BASE = "https://schema.oparl.org/1.1/"
TYPE_PREFIX = "https://schema.oparl.org/1.1/"
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://[^\s/]+/\S*$")
PLACEHOLDER = re.compile(r"^\{\{\s*(\S+)\s*\}\}$")
STUB_KEYS = {"id", "type", "deleted", "created", "modified"}


def schema_dir() -> Path:
    """Return ../shared/oparl/schema next to the repository, or fail saying where it looked."""
    path = Path(settings.BASE_DIR).parent / "shared" / "oparl" / "schema"
    if not (path / "System.json").is_file():
        raise AssertionError(
            f"The OParl schemas are missing: expected {path}/System.json "
            "(the shared directory ../shared/oparl/ next to the repository)."
        )
    return path


def _prepare(node: Any, strings: dict[str, str], where: str) -> Any:
    if isinstance(node, list):
        return [_prepare(n, strings, where) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _prepare(v, strings, where) for k, v in node.items()}
    description = out.get("description")
    if isinstance(description, str) and (m := PLACEHOLDER.match(description)):
        if m.group(1) not in strings:
            raise AssertionError(f"{where}: {m.group(1)} is not in strings.yml")
        out["description"] = strings[m.group(1)]
    embedded = out.get("schema")
    if isinstance(embedded, str) and embedded.endswith(".json") and out.get("type") == "object":
        out["$ref"] = embedded
    return out


@functools.cache
def _validators() -> dict[str, jsonschema.protocols.Validator]:
    path = schema_dir()
    strings = yaml.safe_load((path / "strings.yml").read_text(encoding="utf-8"))["de"]
    schemas: dict[str, dict[str, Any]] = {}
    for file in sorted(path.glob("*.json")):
        schema = _prepare(json.loads(file.read_text(encoding="utf-8")), strings, file.name)
        schema["$id"] = f"{SCHEMA_BASE}{file.name}"
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schemas[file.stem] = schema
    registry: Registry[Any] = Registry().with_resources(
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT202012))
        for s in schemas.values()
    )
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date-time")(lambda v: not isinstance(v, str) or bool(DATE_TIME.match(v)))
    checker.checks("date")(lambda v: not isinstance(v, str) or bool(DATE.match(v)))
    checker.checks("url")(lambda v: not isinstance(v, str) or bool(URL.match(v)))
    return {
        name: jsonschema.Draft202012Validator(schema, registry=registry, format_checker=checker)
        for name, schema in schemas.items()
    }


def type_name(obj: dict[str, Any]) -> str:
    """Return the short type name of an OParl object ("Paper")."""
    value = obj.get("type", "")
    assert isinstance(value, str) and value.startswith(TYPE_PREFIX), obj
    return value.removeprefix(TYPE_PREFIX)


def validate(obj: dict[str, Any]) -> str:
    """Validate an object against its type's schema (a deleted one as a stub); return its type."""
    name = type_name(obj)
    validators = _validators()
    assert name in validators, f"unknown OParl type {name}"
    if obj.get("deleted"):
        assert set(obj) == STUB_KEYS, f"deleted object with content: {obj}"
        assert DATE_TIME.match(obj["created"]) and DATE_TIME.match(obj["modified"]), obj
        assert URL.match(obj["id"]), obj
        return name
    errors = sorted(validators[name].iter_errors(obj), key=lambda e: list(e.path))
    assert not errors, f"{obj.get('id')}: " + "; ".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors
    )
    for key in ("created", "modified"):
        assert key in obj, f"{obj['id']} has no {key}"
    return name
