"""Strict parsers for settings read from the environment.

Every value may also come from a file named by ``<NAME>_FILE`` (Docker/Kubernetes
secrets). A malformed value stops start-up with a message naming the variable,
instead of silently falling back to a default.
"""

import os
from pathlib import Path


class ImproperEnv(Exception):
    pass


def raw(name: str, default: str | None = None) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value


def string(name: str, default: str = "") -> str:
    return raw(name, default) or ""


def boolean(name: str, default: bool = False) -> bool:
    value = raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperEnv(f"{name} must be a boolean (true/false), got {value!r}")


def integer(name: str, default: int) -> int:
    value = raw(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperEnv(f"{name} must be an integer, got {value!r}") from exc


def csv(name: str, default: str = "") -> list[str]:
    value = raw(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = raw(name, default) or default
    if value not in choices:
        raise ImproperEnv(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value
