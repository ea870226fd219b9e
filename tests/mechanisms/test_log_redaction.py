"""The tokens of sign-in-free links never reach a log: Django's request and server logs,
gunicorn's access and error logs (channelhub/logging.py, gunicorn.conf.py)."""

import copy
import io
import logging
import logging.config
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.log import configure_logging

from channelhub.approvals import Approver
from channelhub.logging import REDACTED, RedactTokens, redact
from channelhub.roles import Role
from tests.factories import PartnerFactory
from tests.mechanisms.test_approvals import link_tokens, open_request

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Zq3vX9kLm2Pw8RtY5uBn7Hc4Jd6Fg1Se0Aa-_xyzQWE"  # token_urlsafe(32)-shaped

REDACTION_LOGGERS = ("django.request", "django.server", "django.security.csrf")


def proposed_logging() -> dict:
    """settings.LOGGING, which wires the redaction in (a copy, for dictConfig in a test)."""
    assert "redact_tokens" in settings.LOGGING["filters"], "settings.LOGGING lost the token filter"
    return copy.deepcopy(settings.LOGGING)


@pytest.fixture
def redacting_logging():
    logging.config.dictConfig(proposed_logging())
    yield
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    for name in REDACTION_LOGGERS:
        logger = logging.getLogger(name)
        for existing in [f for f in logger.filters if isinstance(f, RedactTokens)]:
            logger.removeFilter(existing)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"/approve/{TOKEN}/", f"/approve/{REDACTED}/"),
        (f"/approve/{TOKEN}/files/12/?inline=1", f"/approve/{REDACTED}/files/12/?inline=1"),
        (f"/invite/{TOKEN}/", f"/invite/{REDACTED}/"),
        (f"/join/acme-charging/status/{TOKEN}/", f"/join/acme-charging/status/{REDACTED}/"),
        (f"/join/acme/status/{TOKEN}/withdraw/", f"/join/acme/status/{REDACTED}/withdraw/"),
        (f"/join/acme/status/{TOKEN}/contract.pdf", f"/join/acme/status/{REDACTED}/contract.pdf"),
        ("/accounts/password-reset/MTI/cbj1x4-0d6c5b3a2f1e/", f"/accounts/password-reset/MTI/{REDACTED}/"),
        (f"https://portal.example.com/approve/{TOKEN}/", f"https://portal.example.com/approve/{REDACTED}/"),
        (f"/accounts/login/?next=%2Finvite%2F{TOKEN}%2F", f"/accounts/login/?next=%2Finvite%2F{REDACTED}%2F"),
        (
            f"/accounts/login/?next=%2fapprove%2f{TOKEN}%2f",
            f"/accounts/login/?next=%2fapprove%2f{REDACTED}%2f",
        ),
    ],
)
def test_it_redacts_the_token_of_every_sign_in_free_link(path, expected):
    assert redact(f'"GET {path} HTTP/1.1" 400 12') == f'"GET {expected} HTTP/1.1" 400 12'


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password-reset/",
        "/accounts/password-reset/sent/",
        "/accounts/password-reset/complete/",
        "/accounts/password-reset/MTI/set-password/",
        "/join/acme/",
        "/join/acme/spring-2026/apply/",
        "/t/alpha/approvals/12/",
        "/t/alpha/partners/?q=approve",
    ],
)
def test_it_leaves_other_paths_alone(path):
    assert redact(f"GET {path}") == f"GET {path}"


def test_the_filter_rewrites_a_records_message_and_keeps_every_record():
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s "%(f)s"',
        ({"h": "10.0.0.1", "r": f"GET /invite/{TOKEN}/ HTTP/1.1", "s": "200",
          "f": f"https://portal.example.com/approve/{TOKEN}/"},), None,
    )  # fmt: skip
    assert RedactTokens().filter(record) is True
    assert TOKEN not in record.getMessage()
    assert record.getMessage().count(REDACTED) == 2
    untouched = logging.LogRecord("x", logging.INFO, __file__, 1, "%s%%", ("100",), None)
    assert RedactTokens().filter(untouched) is True
    assert untouched.getMessage() == "100%"


@pytest.fixture
def approval_token(alpha, member, django_capture_on_commit_callbacks):
    member(Role.EXECUTIVE)
    partner = PartnerFactory(tenant=alpha)
    open_request(
        partner,
        member(Role.CHANNEL_MANAGER),
        [Approver(role=Role.EXECUTIVE)],
        django_capture_on_commit_callbacks,
    )
    return link_tokens()[0]


@pytest.mark.django_db
def test_a_decision_posted_without_its_comment_logs_no_token(approval_token, redacting_logging, caplog):
    caplog.set_level(logging.INFO)
    response = Client().post(f"/approve/{approval_token}/", {"decision": "reject", "comment": ""})
    assert response.status_code == 400
    [bad_request] = [r for r in caplog.records if r.name == "django.request"]
    assert bad_request.getMessage() == f"Bad Request: /approve/{REDACTED}/"
    assert all(approval_token not in record.getMessage() for record in caplog.records)
    assert approval_token not in caplog.text


@pytest.mark.django_db
def test_a_link_post_refused_for_csrf_logs_no_token(approval_token, redacting_logging, caplog):
    response = Client(enforce_csrf_checks=True).post(f"/approve/{approval_token}/", {"decision": "approve"})
    assert response.status_code == 403
    assert any(r.name == "django.security.csrf" for r in caplog.records)
    assert approval_token not in caplog.text


def test_the_development_server_log_carries_no_token(redacting_logging):
    logger = logging.getLogger("django.server")
    written = io.StringIO()
    # Django's own django.server handler (ServerFormatter), as runserver writes with it.
    handler = next(h for h in logger.handlers if type(h) is logging.StreamHandler)
    handler.setStream(written)
    # What runserver's request handler logs for every request.
    logger.info('"%s" %s %s', f"GET /invite/{TOKEN}/ HTTP/1.1", "200", "512")
    assert f'"GET /invite/{REDACTED}/ HTTP/1.1" 200 512' in written.getvalue()
    assert TOKEN not in written.getvalue()


# --- gunicorn, for real ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_logs_no_token_with_the_projects_config(tmp_path):
    """gunicorn.conf.py (as the Dockerfile and docker-compose.yml start it): the access log shows
    the request line and the Referer of a link page without their tokens."""
    port = _free_port()
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    command = [
        sys.executable, "-m", "gunicorn", "tests.mechanisms.hello_wsgi:application",
        "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1",
        "--access-logfile", str(access), "--error-logfile", str(errors), "--log-level", "debug",
    ]  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"gunicorn did not start: {errors.read_text() if errors.exists() else ''}")
                time.sleep(0.2)
        for path, referer in [
            (f"/approve/{TOKEN}/", f"http://127.0.0.1:{port}/invite/{TOKEN}/"),
            (f"/join/acme/status/{TOKEN}/", f"http://127.0.0.1:{port}/approve/{TOKEN}/"),
            ("/static/css/app.css", f"http://127.0.0.1:{port}/accounts/password-reset/MTI/{TOKEN}/"),
        ]:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Referer": referer})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
        deadline = time.monotonic() + 10
        while access.read_text().count("\n") < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    logged = access.read_text()
    assert logged.count("\n") == 3, logged
    assert f"/approve/{REDACTED}/" in logged and f"/join/acme/status/{REDACTED}/" in logged
    assert f"/invite/{REDACTED}/" in logged  # the Referer too
    assert TOKEN not in logged
    assert TOKEN not in errors.read_text()
