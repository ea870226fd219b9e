"""A WSGI application that answers every request with 200: gunicorn's logging, tested alone
(tests/mechanisms/test_log_redaction.py)."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
