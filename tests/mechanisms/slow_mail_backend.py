"""An e-mail backend standing in for a slow SMTP server, for a real worker started by a test
(tests/mechanisms/test_outbox_worker.py): each message takes a while, and its Message-ID is
written to a log file — synced to disk — the moment it counts as delivered."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        delay = float(os.environ.get("CHANNELHUB_TEST_MAIL_DELAY", "0.2"))
        with open(os.environ["CHANNELHUB_TEST_MAIL_LOG"], "a") as log:
            for message in email_messages:
                time.sleep(delay)
                log.write(message.extra_headers["Message-ID"] + "\n")
                log.flush()
                os.fsync(log.fileno())
        return len(email_messages)
