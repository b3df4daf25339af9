"""The /alerts page's forms for rules and receivers created in the browser, as the API's blocks:
a rule field by field (matchers one per line), a receiver as its integrations in YAML (the
*_configs lists of alertmanager.yml, pasted as they are). A form shown to edit one holds its
shown block, so a secret reads "set", which the scraper takes as "keep the stored one"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from model.rule_keys import FORM_KEYS
from web.http.errors import BadParameter

MAX_YAML = 64 * 1024


def rule_block(form: Mapping[str, str]) -> dict[str, Any]:
    """The rule the form describes; a field left empty is left out (its default applies)."""
    block: dict[str, Any] = {}
    for key in FORM_KEYS:
        value = form.get(key, "").strip()
        if key == "matchers":
            lines = [line.strip() for line in value.splitlines() if line.strip()]
            block.update({key: lines} if lines else {})
        elif value:
            block[key] = _number(value) if key == "threshold" else value
    return block


def rule_form(block: Mapping[str, Any]) -> dict[str, str]:
    """The form's fields for a stored rule's block."""
    fields = {key: str(block.get(key, "")) for key in FORM_KEYS}
    fields["matchers"] = "\n".join(block.get("matchers", []))
    if isinstance(block.get("threshold"), float):
        fields["threshold"] = f"{block['threshold']:g}"
    return fields


def receiver_block(form: Mapping[str, str]) -> dict[str, Any]:
    """The receiver the form describes: its name and the integrations' YAML (or JSON)."""
    text = form.get("integrations", "")
    if len(text) > MAX_YAML:
        raise BadParameter("integrations", f"is over {MAX_YAML:,} characters")
    try:
        found = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as error:
        raise BadParameter("integrations", f"is not YAML: {error}") from None
    if not isinstance(found, dict):
        raise BadParameter("integrations", "expected keys like slack_configs: with a list each")
    return {"name": form.get("name", "").strip(), **found}


def receiver_form(block: Mapping[str, Any]) -> str:
    """A stored receiver's integrations as YAML, its secrets reading "set"."""
    integrations = {key: value for key, value in block.items() if key != "name"}
    return yaml.safe_dump(integrations, sort_keys=False, allow_unicode=True)


def _number(text: str) -> float | str:
    """A number as such; anything else as typed, for the scraper to refuse in its words."""
    try:
        return float(text)
    except ValueError:
        return text
