import pytest
from django.db import DatabaseError, connection, transaction

from channelhub import audit
from channelhub.models import Activity
from channelhub.models.audit import AppendOnlyError
from channelhub.roles import Role
from channelhub.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(in_alpha, alpha_partner, member):
    return audit.record(
        alpha_partner,
        "partner.suspended",
        actor=member(Role.CHANNEL_MANAGER),
        from_state="active",
        to_state="suspended",
        comment="逾期未结算",
    )


def test_it_records_who_did_what(entry, alpha_partner, client_as, member):
    assert (entry.verb, entry.from_state, entry.to_state, entry.comment) == (
        "partner.suspended",
        "active",
        "suspended",
        "逾期未结算",
    )
    assert entry.tenant_id == alpha_partner.tenant_id
    assert entry.subject == alpha_partner


def test_it_takes_ip_and_request_id_from_the_request(alpha, alpha_partner):
    from channelhub.audit import request_meta

    token = request_meta.set(("10.1.2.3", "req-12345678"))
    try:
        with tenant_context(alpha):
            recorded = audit.record(alpha_partner, "partner.updated")
    finally:
        request_meta.reset(token)
    assert (recorded.ip_address, recorded.request_id) == ("10.1.2.3", "req-12345678")


def test_it_refuses_to_change_an_entry(entry):
    entry.comment = "篡改"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Activity.objects.filter(pk=entry.pk).update(comment="篡改")
    with pytest.raises(AppendOnlyError):
        Activity.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        Activity.all_tenants.filter(pk=entry.pk).update(comment="篡改")
    assert Activity.objects.get(pk=entry.pk).comment == "逾期未结算"


def test_it_refuses_raw_sql_updates_in_the_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE channelhub_activity SET comment = %s WHERE id = %s", ["篡改", entry.pk])
    assert Activity.objects.get(pk=entry.pk).comment == "逾期未结算"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's test flush needs DELETE")
def test_it_refuses_raw_sql_deletes_on_postgresql(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM channelhub_activity WHERE id = %s", [entry.pk])
    assert Activity.objects.filter(pk=entry.pk).exists()


def test_the_admin_shows_entries_read_only(entry, client):
    from channelhub.models import User

    operator = User.objects.create_superuser(email="ops@example.com", password="x-Very-long-pass-2026")
    client.force_login(operator)
    assert client.get("/admin/channelhub/activity/").status_code == 200
    page = client.get(f"/admin/channelhub/activity/{entry.pk}/change/")
    assert page.status_code == 200
    assert 'name="comment"' not in page.content.decode()
    assert client.post(f"/admin/channelhub/activity/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Activity.objects.filter(pk=entry.pk).exists()


def test_the_timeline_merges_entries_comments_and_files_in_time_order(entry, alpha_partner, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from channelhub.files import store_file

    audit.add_comment(alpha_partner, author=member(Role.CHANNEL_MANAGER), body="已电话沟通")
    store_file(alpha_partner, SimpleUploadedFile("执照.pdf", b"%PDF-1.4 test"), kind="licence")
    kinds = [e.kind for e in audit.timeline_for(alpha_partner)]
    assert kinds == ["activity", "comment", "file"]


def test_diff_lists_only_changed_fields():
    assert audit.diff({"a": 1, "b": "x", "c": None}, {"a": 2, "b": "x", "c": None}) == {"a": ["1", "2"]}


def test_a_state_is_named_as_a_state_of_its_own_subject(entry, alpha):
    """The state "active" is a partner's status (正常 / Active) and an application's last state (已入网 /
    Active partner): the timeline must not take one for the other."""
    from django.utils import translation

    from onboarding.models import Application

    application_entry = Activity(content_type_id=audit.ContentType.objects.get_for_model(Application).pk)
    with translation.override("en"):
        assert audit.state_label(entry, entry.from_state) == "Active"
        assert audit.state_label(entry, entry.to_state) == "Suspended"
        assert audit.state_label(application_entry, "active") == "Active partner"
        assert audit.state_label(entry, "") == ""
        assert audit.state_label(entry, "no-such-state") == "no-such-state"
    with translation.override("zh-hans"):
        assert audit.state_label(entry, "active") == "正常"


def test_a_diff_is_stored_as_codes_and_shown_in_the_readers_language(in_alpha, alpha_partner, member):
    from django.utils import translation

    entry = audit.record(
        alpha_partner,
        "partner.changed",
        actor=member(Role.CHANNEL_MANAGER),
        changes={"channel_type": ["agent", "distributor"], "exclusive_territory": ["False", "True"]},
    )
    approval = audit.record(
        alpha_partner, "approval.approved", changes={"step": ["", "1"], "approver_role": ["", "finance"]}
    )
    with translation.override("en"):
        assert [(r.label, r.old, r.new) for r in audit.change_rows(entry)] == [
            ("Channel type", "Agent", "Distributor"),
            ("Exclusive territory", "No", "Yes"),
        ]
        assert [(r.label, r.new) for r in audit.change_rows(approval)] == [
            ("Approval step", "1"),
            ("Approver role", "Finance"),
        ]
    with translation.override("zh-hans"):
        rows = audit.change_rows(entry)
        assert rows[1].new == "是" and rows[0].label != "Channel type"
        assert "Finance" not in audit.change_rows(approval)[1].new
