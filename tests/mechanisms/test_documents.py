import io

import pytest
from pypdf import PdfReader

from channelhub.documents import _static_only_fetcher, render_pdf


@pytest.fixture
def sample_template(tmp_path, settings):
    (tmp_path / "sample.html").write_text(
        '{% extends "documents/base.html" %}{% block content %}<h1>{{ name }}</h1>{% endblock %}',
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    return "sample.html"


def test_it_renders_chinese_text_into_the_pdf(sample_template):
    pdf = render_pdf(sample_template, {"name": "郑州鑫联通讯器材有限公司", "tenant": {"name": "中豫通信"}})
    assert pdf.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "郑州鑫联通讯器材有限公司" in text
    assert "中豫通信" in text


def test_it_embeds_the_cjk_font(sample_template):
    pdf = render_pdf(sample_template, {"name": "渠道", "tenant": {"name": "x"}})
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("NotoSansCJKSC" in f.replace(" ", "").replace("-", "") for f in fonts), fonts


def test_the_fetcher_refuses_anything_but_static_files():
    with pytest.raises(ValueError):
        _static_only_fetcher("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(ValueError):
        _static_only_fetcher("file:///etc/passwd")
    assert _static_only_fetcher("static:css/channelhub.css")["mime_type"] == "text/css"
