"""Keep the tokens of sign-in-free links out of the logs.

Whoever holds such a link acts without signing in: an approval link decides a request, an
invitation link creates an account, an applicant's status link shows, withdraws and signs
the application, and a password-reset link sets a password. Their paths appear in Django's
request and development-server logs ("Bad Request: /approve/<token>/") and in gunicorn's
access log (the request line, and the ``Referer`` of every asset a link page loads), so a
log reader would hold live links.

``RedactTokens`` is a logging filter that rewrites a record's message with the token of
each such path replaced by ``[redacted]`` (the rest of the path stays, for reading the logs);
``redact()`` is the rewriting itself. It knows the paths as written and URL-encoded (a
``?next=%2Finvite%2F…`` in a query string). It is attached:

- in Django, to the ``django.request`` and ``django.server`` loggers (settings ``LOGGING``);
- in gunicorn, to ``gunicorn.access`` and ``gunicorn.error`` by the logger class of
  ``gunicorn.conf.py``, which keeps every command-line logging option.

Only the standard library is imported here: the module is loaded while logging is configured,
in every process (web, worker, beat, manage.py).
"""

import logging
import re

REDACTED = "[redacted]"

_SLASH = r"(?:/|%2F)"  # a path as written, or URL-encoded inside a query string
_TOKEN = r"(?:(?!%2F)[^/\s?#&\"'<>])+"  # one path segment
_KEEP = r"(?:(?!%2F)[^/\s?#&\"'<>])+"  # a segment that is not secret (an org slug, a uidb64)

# (prefix kept, token) for each sign-in-free link (channelhub/urls.py, onboarding/public_urls.py).
_LINKS = [
    rf"{_SLASH}approve{_SLASH}",  # approval links (and their attachments)
    rf"{_SLASH}invite{_SLASH}",  # invitations
    rf"{_SLASH}join{_SLASH}{_KEEP}{_SLASH}status{_SLASH}",  # an applicant's status link
    # Django's password reset; "set-password" is the step after the token moved to the session.
    rf"{_SLASH}password-reset{_SLASH}{_KEEP}{_SLASH}(?!set-password(?:/|%2F|$))",
]
_PATTERN = re.compile(rf"(?P<keep>{'|'.join(_LINKS)})(?P<token>{_TOKEN})", re.IGNORECASE)
_HINTS = ("approve", "invite", "status", "password-reset")


def redact(text: str) -> str:
    """``text`` with the token of every sign-in-free link path replaced by ``[redacted]``."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _HINTS):
        return text
    return _PATTERN.sub(lambda match: match.group("keep") + REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrite the message of each record it sees (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format: leave it for logging to report
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def add_redaction(logger: logging.Logger) -> None:
    """Attach one RedactTokens to ``logger`` (again is a no-op)."""
    if not any(isinstance(existing, RedactTokens) for existing in logger.filters):
        logger.addFilter(RedactTokens())
