"""Two people acting on one filing at the same moment: exactly one wins, the other is told
clearly (channelhub.workflow / channelhub.approvals). Each race runs twice: with a stale copy
(what the loser saw before the winner acted, any database) and with two real threads and
connections meeting at a barrier (PostgreSQL's row locks)."""

import pytest
from django.db import connection

from channelhub import approvals, workflow
from channelhub.models import Activity, ApprovalRequest
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from filings import services
from filings.models import Filing, FilingState, RecordCounter
from partners.models import ChannelType
from tests.concurrency import race
from tests.factories import MembershipFactory
from tests.filings.factories import FilingFactory

pytestmark = pytest.mark.django_db
S = FilingState
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL's row locks"
)


def entries(tenant, obj, verb):
    with tenant_context(tenant):
        return list(Activity.objects.filter(object_id=obj.pk, verb=verb))


# --- two clerks record the same approved filing -------------------------------------------------


def test_two_clerks_recording_the_same_filing_one_wins_and_one_number_is_used(flow, alpha, partner, clerk):
    filing = flow.through(flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR}), to="approved")
    other_clerk = MembershipFactory(tenant=alpha, role=Role.CLERK).user
    with tenant_context(alpha):
        mine, theirs = (
            Filing.objects.get(pk=filing.pk),
            Filing.objects.get(pk=filing.pk),
        )  # both saw it approved
        services.record_filing(mine, by=clerk)
        with pytest.raises(workflow.AlreadyChanged) as refused:
            services.record_filing(theirs, by=other_clerk)
        assert RecordCounter.objects.get().last_seq == 1
    message = refused.value.messages[0]
    assert clerk.display_name in message and "Nothing was changed" in message
    assert theirs.state == S.EFFECTIVE  # the loser's copy now shows what is stored
    filing = flow.reload(filing)
    assert (filing.recorded_by, filing.record_seq) == (clerk, 1)
    assert len(entries(alpha, filing, "filing.recorded")) == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_clerks_recording_at_the_same_moment(alpha):
    clerks = [MembershipFactory(tenant=alpha, role=Role.CLERK).user for _ in range(2)]
    filing = FilingFactory(tenant=alpha, state=S.APPROVED)
    with tenant_context(alpha):
        copies = [Filing.objects.get(pk=filing.pk) for _ in clerks]

    outcomes = race(
        alpha,
        lambda copy, user: services.record_filing(copy, by=user),
        list(zip(copies, clerks, strict=True)),
    )

    assert sorted(outcome == "won" for outcome in outcomes) == [False, True], outcomes
    loser = next(outcome for outcome in outcomes if outcome != "won")
    assert "changed this a moment ago" in loser and "Nothing was changed" in loser
    with tenant_context(alpha):
        filing = Filing.objects.get(pk=filing.pk)
        assert (filing.state, filing.record_seq) == (S.EFFECTIVE, 1)
        assert RecordCounter.objects.get().last_seq == 1  # exactly one number used
    assert len(entries(alpha, filing, "filing.recorded")) == 1


# --- two supervisors decide the same filing's approval ------------------------------------------


def test_two_supervisors_deciding_at_once_one_wins_the_other_is_told_it_is_decided(
    flow, alpha, partner, supervisor
):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    colleague = MembershipFactory(tenant=alpha, role=Role.CHANNEL_SUPERVISOR).user
    with tenant_context(alpha):
        pk = flow.request_of(filing).pk
        mine, theirs = ApprovalRequest.objects.get(pk=pk), ApprovalRequest.objects.get(pk=pk)
        approvals.decide(mine, by=supervisor, decision="approve")
        with pytest.raises(approvals.AlreadyDecided) as refused:
            approvals.decide(theirs, by=colleague, decision="return", comment="请补充")
        assert refused.value.message.startswith(f"Already decided by {supervisor.display_name}")
    assert flow.reload(filing).state == S.APPROVED
    assert len(entries(alpha, filing, "filing.approved")) == 1
    assert not entries(alpha, filing, "filing.returned")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_deciding_at_the_same_moment(flow, alpha, partner):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    supervisors = [MembershipFactory(tenant=alpha, role=Role.CHANNEL_SUPERVISOR).user for _ in range(2)]
    with tenant_context(alpha):
        pk = flow.request_of(filing).pk
        copies = [ApprovalRequest.objects.get(pk=pk) for _ in supervisors]

    def decide(copy, user):
        approvals.decide(copy, by=user, decision="approve", comment=f"{user.pk} 同意")

    outcomes = race(alpha, decide, list(zip(copies, supervisors, strict=True)))

    assert sorted(outcome == "won" for outcome in outcomes) == [False, True], outcomes
    assert next(outcome for outcome in outcomes if outcome != "won").startswith("Already decided by")
    assert flow.reload(filing).state == S.APPROVED
    assert len(entries(alpha, filing, "filing.approved")) == 1
    assert len(entries(alpha, filing, "approval.approved")) == 1
