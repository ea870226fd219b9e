"""Production settings: the deploy checks pass, and bad or missing environment stops start-up."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from channelhub import env

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOSTS = "portal.example.com,www.portal.example.com"


def run(*args, tmp_path, **variables):
    """``manage.py <args>`` in a fresh interpreter with only the given ChannelHub/Django variables."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "CHANNELHUB_")) or name == "DJANGO_SETTINGS_MODULE"
    }
    environment.update(DJANGO_SETTINGS_MODULE="channelhub.settings", CHANNELHUB_VAR_DIR=str(tmp_path / "var"))
    environment.update({name: value for name, value in variables.items() if value is not None})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**variables):
    return {
        "CHANNELHUB_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOSTS,
        "DATABASE_URL": "postgres://channelhub@db.internal:5432/channelhub",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "SITE_URL": "https://portal.example.com",
        **variables,
    }


DEPLOY_CHECK = ("check", "--deploy", "--fail-level", "WARNING")


def test_it_passes_the_deploy_checks_in_production(tmp_path):
    result = run(*DEPLOY_CHECK, tmp_path=tmp_path, **production())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in output
    assert "security." not in output


def test_it_fails_the_deploy_checks_when_production_runs_with_debug(tmp_path):
    # The check above can fail: turning DEBUG on is reported (security.W018).
    result = run(*DEPLOY_CHECK, tmp_path=tmp_path, **production(DJANGO_DEBUG="true"))
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    result = run("check", tmp_path=tmp_path, **production(DJANGO_SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperEnv" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr.strip().splitlines()[-1]


def test_it_refuses_to_start_in_production_without_allowed_hosts(tmp_path):
    result = run("check", tmp_path=tmp_path, **production(DJANGO_ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("missing", "value"),
    [
        ("DATABASE_URL", None),
        ("REDIS_URL", None),
        ("SITE_URL", None),
        ("SITE_URL", "http://portal.example.com"),
    ],
)
def test_it_refuses_to_fall_back_to_embedded_defaults_in_production(tmp_path, missing, value):
    variables = production()
    variables[missing] = value
    environment_without = {k: v for k, v in variables.items() if v is not None}
    result = run("check", tmp_path=tmp_path, **environment_without, **({} if value else {missing: ""}))
    assert result.returncode != 0
    assert missing in result.stderr.strip().splitlines()[-1]


def test_it_reads_the_secret_key_from_a_file(tmp_path):
    key = secrets.token_urlsafe(50)
    key_file = tmp_path / "secret_key"
    key_file.write_text(key + "\n", encoding="utf-8")
    show = f"from django.conf import settings; print(settings.SECRET_KEY == {key!r}, settings.ALLOWED_HOSTS)"
    variables = production(DJANGO_SECRET_KEY=None, DJANGO_SECRET_KEY_FILE=str(key_file))
    result = run("shell", "-c", show, tmp_path=tmp_path, **variables)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True ['portal.example.com', 'www.portal.example.com']"
    checked = run(*DEPLOY_CHECK, tmp_path=tmp_path, **variables)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_it_refuses_a_malformed_boolean_at_start_up(tmp_path):
    result = run("check", tmp_path=tmp_path, **production(DJANGO_DEBUG="maybe"))
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean (true/false), got 'maybe'" in result.stderr


# --- the parsers themselves (in-process) -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" ON ", True),
        ("0", False),
        ("false", False),
        ("off", False),
    ],
)
def test_it_parses_booleans(text, expected, monkeypatch):
    monkeypatch.setenv("CH_TEST_FLAG", text)
    assert env.boolean("CH_TEST_FLAG", default=not expected) is expected


@pytest.mark.parametrize("text", ["maybe", "2", "tru", "y e s"])
def test_it_refuses_a_malformed_boolean(text, monkeypatch):
    monkeypatch.setenv("CH_TEST_FLAG", text)
    with pytest.raises(env.ImproperEnv, match="CH_TEST_FLAG must be a boolean"):
        env.boolean("CH_TEST_FLAG")


def test_it_uses_defaults_for_unset_or_empty_values(monkeypatch):
    monkeypatch.delenv("CH_TEST_VALUE", raising=False)
    assert env.boolean("CH_TEST_VALUE", default=True) is True
    assert env.integer("CH_TEST_VALUE", 7) == 7
    monkeypatch.setenv("CH_TEST_VALUE", "")
    assert env.string("CH_TEST_VALUE", "fallback") == "fallback"
    assert env.csv("CH_TEST_VALUE", "a, b,,c ") == ["a", "b", "c"]


def test_it_refuses_malformed_integers_and_choices(monkeypatch):
    monkeypatch.setenv("CH_TEST_VALUE", "five")
    with pytest.raises(env.ImproperEnv, match="CH_TEST_VALUE must be an integer, got 'five'"):
        env.integer("CH_TEST_VALUE", 5)
    monkeypatch.setenv("CH_TEST_VALUE", "staging")
    with pytest.raises(env.ImproperEnv, match="CH_TEST_VALUE must be one of development, production"):
        env.choice("CH_TEST_VALUE", ("development", "production"), "development")


def test_it_prefers_a_value_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("  from-the-file\n", encoding="utf-8")
    monkeypatch.setenv("CH_TEST_VALUE", "from-the-variable")
    monkeypatch.setenv("CH_TEST_VALUE_FILE", str(secret))
    assert env.string("CH_TEST_VALUE") == "from-the-file"
    secret.write_text("no\n", encoding="utf-8")
    assert env.boolean("CH_TEST_VALUE", default=True) is False
