from pathlib import Path

from onboarding.graph import mermaid


def test_the_documented_state_machine_is_the_models():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "onboarding.md").read_text(encoding="utf-8")
    assert mermaid() in doc, "docs/onboarding.md is stale: paste onboarding.graph.mermaid() into it"
