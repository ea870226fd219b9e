"""Celery beat's schedule: every periodic job the modules rely on is scheduled, and each
entry names a task the worker knows (a typo would make beat send tasks nobody runs)."""

from django.conf import settings

from channelhub.celery import app

# job -> task: what each module's docs promise runs on its own.
EXPECTED = {
    "filings-daily": "filings.daily",
    "partners-document-expiry": "partners.notify_expiring_documents_all",
    "outgoing-email-sweep": "channelhub.send_unsent_email",
}


def test_it_schedules_every_periodic_job():
    scheduled = {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    for name, task in EXPECTED.items():
        assert scheduled.get(name) == task, name


def test_every_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name} names the unknown task {entry['task']}"
