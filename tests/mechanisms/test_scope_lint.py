"""Guard isolation with a check, not only review (STYLE.md §4).

Views and forms must go through the tenant-scoped default manager. The explicit
ways out — ``all_tenants``, ``unscoped()``, raw SQL — are allowed only at the
places listed here, each with its reason.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["channelhub", "partners", "filings", "onboarding", "orders", "pricing", "aftersales", "evaluations"]
ESCAPES = re.compile(r"\ball_tenants\b|\bunscoped\(|\.raw\(|connection\.cursor\(|\bextra\(")

# file (relative) -> reason. Keep this list short; every entry is a reviewed exception.
ALLOWED = {
    "channelhub/views/portal.py": "the workspace chooser lists the user's own memberships across tenants; healthz runs SELECT 1",
}


def view_and_form_modules():
    for app in APPS:
        base = ROOT / app
        if not base.exists():
            continue
        for path in base.rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            parts = path.relative_to(base).parts
            if (
                parts[0] in {"views", "forms"}
                or path.stem in {"views", "forms"}
                or path.stem.startswith("views_")
            ):
                yield relative, path


def test_views_and_forms_use_the_scoped_manager():
    offenders = []
    for relative, path in view_and_form_modules():
        if relative in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if ESCAPES.search(line) and "healthz" not in line and "SELECT 1" not in line:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "tenant scope escaped in a view or form:\n" + "\n".join(offenders)


def test_the_lint_sees_an_escape(tmp_path):
    sample = "queryset = Partner.all_tenants.filter(pk=pk)"
    assert ESCAPES.search(sample)
    assert not ESCAPES.search("queryset = Partner.objects.filter(pk=pk)")
