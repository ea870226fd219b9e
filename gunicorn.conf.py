"""Gunicorn's configuration (read from the working directory, and named by the Dockerfile and
docker-compose.yml): the command line still sets the bind address and the log files.

Its logger keeps the tokens of sign-in-free links (approval, invitation, applicant status,
password reset) out of the access and error logs: see channelhub/logging.py.
"""

from gunicorn.glogging import Logger

# Gunicorn puts its working directory (--chdir, the current one by default) on sys.path
# before it reads this file.
from channelhub.logging import add_redaction


class RedactingLogger(Logger):
    """Gunicorn's own logger, with the token redaction on its access and error logs."""

    def setup(self, cfg):
        super().setup(cfg)
        add_redaction(self.access_log)
        add_redaction(self.error_log)


logger_class = RedactingLogger
