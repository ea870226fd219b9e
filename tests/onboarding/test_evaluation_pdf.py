"""The evaluation report (评估报告) as a real PDF: the company, both scores, the combined
score and the recommendation, in Chinese, stored privately with the application."""

import io

import pytest
from pypdf import PdfReader

from channelhub.tenancy import tenant_context
from onboarding.models import EvaluationReport, State

pytestmark = pytest.mark.django_db


@pytest.mark.real_pdf
def test_the_evaluation_report_is_a_pdf_with_the_scores_in_chinese(pipeline, alpha):
    app = pipeline.to(State.PENDING_APPROVAL)
    with tenant_context(alpha):
        report = EvaluationReport.objects.select_related("pdf").get(application=app)
        data = report.pdf.file.open("rb").read()
        assert report.pdf.subject == app  # downloaded under the application's rules
    assert data.startswith(b"%PDF-") and report.pdf.mime_type == "application/pdf"
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)
    for expected in (
        app.company_name,
        app.reference,
        "建议准入",  # the manager's summary
        f"{app.review_score:.2f}",
        f"{app.inspection_score:.2f}",
        f"{report.combined_score:.2f}",
    ):
        assert expected in text, expected
