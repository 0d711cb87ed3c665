"""LINE's Messaging API contract (line/line-openapi's messaging-api.yml): find an operation, check a body."""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from jsonschema import ValidationError, validators
from openapi_schema_validator import OAS30Validator, oas30_format_checker

SPEC_DIR = Path(__file__).resolve().parent / "channels" / "line_openapi"
DATA_HOST = "https://api-data.line.me"
SCHEMA_PREFIX = "#/components/schemas/"

# Limits LINE documents in prose (developers.line.biz, Messaging API reference) but not in the
# spec; written out here on their own, so that the fake does not trust the code it checks.
LIMITS = {"text": 5000, "quickReply.items": 13, "label": 20, "data": 300, "displayText": 300, "altText": 1500}
# A buttons template: at most four actions; its text 160 characters (60 with a title or an image),
# its title 40, the message's altText 400.
TEMPLATE_LIMITS = {"actions": 4, "text": 160, "text.with_title": 60, "title": 40, "altText": 400}


@dataclass(frozen=True)
class Operation:
    """One documented endpoint."""

    method: str
    template: str
    pattern: re.Pattern
    operation_id: str
    body_schema: str | None  # the component name of its JSON body
    data_host: bool  # served by api-data.line.me


def _dispatch(validator, dispatch: dict, instance, schema: dict):
    """OpenAPI's discriminator: check the instance against the schema its type names."""
    if not validator.is_type(instance, "object"):
        return
    kind = instance.get(dispatch["propertyName"])
    target = dispatch["mapping"].get(kind)
    if target is None:
        yield ValidationError(f"unknown {dispatch['propertyName']} {kind!r}")
        return
    yield from validator.descend(instance, {"$ref": target})


SpecValidator = validators.extend(OAS30Validator, {"x-dispatch": _dispatch})


def _with_discriminators(schemas: dict) -> dict:
    """Make discriminators checkable: subtypes extend a copy of the base without its dispatch."""
    bases = [name for name, s in schemas.items() if "mapping" in s.get("discriminator", {})]
    schemas = copy.deepcopy(schemas)
    for name in bases:
        schemas[name + "__base"] = {k: v for k, v in schemas[name].items() if k != "discriminator"}
        schemas[name]["x-dispatch"] = schemas[name].pop("discriminator")
    for schema in schemas.values():
        for part in schema.get("allOf", ()):
            ref = part.get("$ref", "")
            if ref.startswith(SCHEMA_PREFIX) and ref[len(SCHEMA_PREFIX) :] in bases:
                part["$ref"] = ref + "__base"
    return schemas


@functools.cache
def spec() -> dict:
    """The Messaging API spec, loaded once."""
    loaded = yaml.safe_load((SPEC_DIR / "messaging-api.yml").read_text())
    loaded["components"]["schemas"] = _with_discriminators(loaded["components"]["schemas"])
    return loaded


@functools.cache
def operations() -> list[Operation]:
    """Every operation, those with fewer path parameters first (`/richmenu/list` before `/{id}`)."""
    found = []
    for template, item in spec()["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "delete"):
                continue
            schema = (
                op.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
                .get("$ref", "")
            )
            regex = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
            servers = [s["url"] for s in op.get("servers", ())]
            found.append(
                Operation(
                    method.upper(),
                    template,
                    re.compile(regex),
                    op["operationId"],
                    schema.removeprefix(SCHEMA_PREFIX) or None,
                    DATA_HOST in servers,
                )
            )
    return sorted(found, key=lambda o: o.template.count("{"))


def find(method: str, path: str) -> Operation | None:
    """The documented operation for a request, if any."""
    return next((o for o in operations() if o.method == method and o.pattern.match(path)), None)


@functools.cache
def _validator(schema_name: str) -> SpecValidator:
    root = {"components": spec()["components"], "$ref": SCHEMA_PREFIX + schema_name}
    return SpecValidator(root, format_checker=oas30_format_checker)


def problems(schema_name: str, body) -> list[str]:
    """What is wrong with a request body, by the spec and LINE's documented limits."""
    found = [f"{'/'.join(map(str, e.absolute_path))}: {_short(e)}" for e in _validator(schema_name).iter_errors(body)]
    if isinstance(body, dict):
        for message in body.get("messages") or ():
            found.extend(_message_limits(message))
    return found


def _short(error: ValidationError) -> str:
    if len(error.message) <= 200:
        return error.message
    return f"fails {error.validator} {str(error.validator_value)[:80]}"


def _message_limits(message: dict) -> list[str]:
    found = []
    for key in ("text", "altText"):
        if len(message.get(key) or "") > LIMITS[key]:
            found.append(f"{key} longer than {LIMITS[key]}")
    items = (message.get("quickReply") or {}).get("items") or []
    if len(items) > LIMITS["quickReply.items"]:
        found.append(f"more than {LIMITS['quickReply.items']} quick reply items")
    for action in [item.get("action", {}) for item in items] + list(_flex_actions(message)):
        found.extend(_action_limits(action))
    if message.get("type") == "template":
        found.extend(_template_limits(message))
    return found


def _template_limits(message: dict) -> list[str]:
    found = []
    if len(message.get("altText") or "") > TEMPLATE_LIMITS["altText"]:
        found.append(f"template altText longer than {TEMPLATE_LIMITS['altText']}")
    template = message.get("template") or {}
    for action in template.get("actions") or ():
        found.extend(_action_limits(action))
    if template.get("type") != "buttons":
        return found
    titled = bool(template.get("title") or template.get("thumbnailImageUrl"))
    text_max = TEMPLATE_LIMITS["text.with_title" if titled else "text"]
    if len(template.get("text") or "") > text_max:
        found.append(f"buttons template text longer than {text_max}")
    if len(template.get("title") or "") > TEMPLATE_LIMITS["title"]:
        found.append(f"buttons template title longer than {TEMPLATE_LIMITS['title']}")
    if len(template.get("actions") or ()) > TEMPLATE_LIMITS["actions"]:
        found.append(f"more than {TEMPLATE_LIMITS['actions']} actions in a buttons template")
    return found


def _action_limits(action: dict) -> list[str]:
    found = []
    for key in ("label", "data", "displayText"):
        if len(action.get(key) or "") > LIMITS[key]:
            found.append(f"action {key} longer than {LIMITS[key]}: {action[key][:40]!r}...")
    return found


def _flex_actions(node):
    """Every action inside a flex message."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "action" and isinstance(value, dict):
                yield value
            elif key != "quickReply":
                yield from _flex_actions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _flex_actions(value)
