import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="channelhub.ping")
def ping(value: str = "ping") -> str:
    """A health task: the worker answers, proving the broker and worker are alive."""
    return f"pong:{value}"


@shared_task(
    name="channelhub.send_outgoing_email",
    bind=True,
    # Acknowledged only after the run: a killed worker's message goes back to the broker
    # (and the sweep finds its rows anyway). Rows sent before the kill are not sent again.
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
)
def send_outgoing_email(self, *, ids: list[int]) -> int:
    """Send the outbox rows ``ids`` (channelhub/mail.py); a row that fails is retried alone."""
    from channelhub.mail import PermanentFailure, deliver

    sent, failed = 0, []
    for pk in ids:
        try:
            sent += deliver(pk)
        except PermanentFailure as error:
            log.warning("E-mail %s refused by the server for every recipient; not retried", error)
        except OSError:  # smtplib's errors are OSErrors; so are refused connections
            log.warning("E-mail row %s not sent; retrying", pk, exc_info=True)
            failed.append(pk)
    if failed:
        raise self.retry(kwargs={"ids": failed}, countdown=min(600, 30 * 2**self.request.retries))
    return sent


@shared_task(name="channelhub.send_unsent_email")
def send_unsent_email(older_than_seconds: int = 120, batch: int = 50) -> int:
    """Beat sweep: hand out again the rows no worker sent — the broker was down at commit time,
    or the worker that held them died. Idempotent: each send claims its row first."""
    from datetime import timedelta

    from channelhub.mail import dispatch, unsent

    ids = list(unsent(older_than=timedelta(seconds=older_than_seconds)).values_list("pk", flat=True)[:5000])
    for start in range(0, len(ids), batch):
        dispatch(ids[start : start + batch])
    return len(ids)
