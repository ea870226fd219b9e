"""Every change of the admission pipeline goes through these functions (docs/onboarding.md)."""

from channelhub.workflow import WrongState
from onboarding.services.applicant import (
    ContractChanged,
    current_contract,
    duplicate_problem,
    keep_uploads,
    sign_contract,
    submit_application,
    supply_supplements,
    withdraw,
)
from onboarding.services.contracts import countersign, current_template, issue_contract, render_contract_pdf
from onboarding.services.pipeline import (
    APPROVAL_ACTION,
    add_comment,
    assign_inspector,
    file_inspection,
    record_review,
    reject,
    request_supplements,
    start_review,
    submit_evaluation,
)
from onboarding.services.training import complete_training_task, create_training_checklist

__all__ = [
    "APPROVAL_ACTION",
    "ContractChanged",
    "WrongState",
    "add_comment",
    "assign_inspector",
    "complete_training_task",
    "countersign",
    "create_training_checklist",
    "current_contract",
    "current_template",
    "duplicate_problem",
    "file_inspection",
    "issue_contract",
    "keep_uploads",
    "record_review",
    "reject",
    "render_contract_pdf",
    "request_supplements",
    "sign_contract",
    "start_review",
    "submit_application",
    "submit_evaluation",
    "supply_supplements",
    "withdraw",
]
