"""The module contract (docs/recipe-tenant-model.md), guarded by checks rather than review:

- every FSM transition is run by ``channelhub.workflow.transition()``: no code outside it calls a
  transition method (read from the source), and one called anyway is refused at run time;
- every transition says who may take it (a role permission or an authority);
- ``channelhub`` imports no app, and every app registers once from ``AppConfig.ready()``;
- state words are registered per model: no state code in the global label map.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django_fsm import FSMFieldMixin

from channelhub import audit, modules

ROOT = Path(__file__).resolve().parents[2]
APPS = ["partners", "filings", "onboarding", "orders", "pricing", "aftersales", "evaluations"]
RUNNER = "channelhub/workflow.py"


def project_models():
    for config in apps.get_app_configs():
        if config.name in {"channelhub", *APPS}:
            yield from config.get_models()


def transition_methods():
    """(model, method name, django-fsm meta) of every transition of the project's models."""
    for model in project_models():
        for name in dir(model):
            meta = getattr(getattr(model, name, None), "_django_fsm", None)
            if meta is not None:
                yield model, name, meta


def source_files():
    for top in ["channelhub", *APPS]:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path


def calls_of(tree, names):
    """``x.name(...)`` calls in a module, for the given method names."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names:
            yield node


def test_the_project_has_transitions_to_guard():
    names = {name for _model, name, _meta in transition_methods()}
    assert {"suspend", "submit", "record", "start_review", "approve"} <= names


def test_no_code_calls_a_transition_outside_the_runner():
    names = {name for _model, name, _meta in transition_methods()}
    offenders = []
    for relative, path in source_files():
        if relative == RUNNER:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in calls_of(tree, names):
            # A transition takes no arguments; services' own functions of the same name do.
            if not call.args and not call.keywords:
                offenders.append(f"{relative}:{call.lineno}: .{call.func.attr}()")
    assert not offenders, "transitions called outside channelhub.workflow.transition():\n" + "\n".join(
        offenders
    )


def test_the_source_check_sees_a_direct_call():
    tree = ast.parse("def suspend_partner(partner):\n    partner.suspend()\n    partner.save()\n")
    assert [call.func.attr for call in calls_of(tree, {"suspend"}) if not call.args] == ["suspend"]


@pytest.mark.django_db
def test_a_transition_called_directly_is_refused_at_run_time(alpha):
    from tests.factories import PartnerFactory

    partner = PartnerFactory(tenant=alpha)
    with pytest.raises(ImproperlyConfigured, match="outside channelhub.workflow"):
        partner.suspend()


def test_every_transition_says_who_may_take_it():
    undeclared = []
    for model, name, meta in transition_methods():
        for spec in meta.transitions.values():
            authority = (spec.custom or {}).get("authority")
            if spec.permission is None and authority is None:
                undeclared.append(f"{model.__name__}.{name} from {spec.source}")
            if authority is not None:
                from channelhub.workflow import AUTHORITIES

                assert authority in AUTHORITIES, f"{model.__name__}.{name}: unknown authority {authority!r}"
    assert not undeclared, "transitions with neither a permission nor an authority:\n" + "\n".join(undeclared)


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_channelhub_imports_no_app():
    offenders = []
    for relative, path in source_files():
        if not relative.startswith("channelhub/"):
            continue
        for name in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            if name.split(".")[0] in APPS:
                offenders.append(f"{relative}: imports {name}")
    assert not offenders, "channelhub is the ground floor and imports no app:\n" + "\n".join(offenders)


def test_the_import_check_sees_an_app_import():
    tree = ast.parse("from partners.models import Partner\nimport filings.services\n")
    assert list(imported_modules(tree)) == ["partners.models", "filings.services"]


def test_every_app_registers_once_from_its_app_config():
    assert {"channelhub", *APPS} <= modules.REGISTERED
    with pytest.raises(RuntimeError, match="registered twice"):
        modules.register("partners")


def test_every_workflow_model_has_its_state_words():
    for model in project_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, FSMFieldMixin)]
        if fields:
            labels = audit.STATE_LABELS.get(model._meta.label_lower, {})
            codes = {value for value, _label in fields[0].flatchoices}
            assert codes <= set(labels), f"{model.__name__}: register_state_labels for {codes - set(labels)}"


def test_no_state_code_in_the_global_label_map():
    codes = {
        value
        for model in project_models()
        for f in model._meta.concrete_fields
        if isinstance(f, FSMFieldMixin)
        for value, _label in f.flatchoices
    }
    assert not codes & set(audit.LABELS), (
        f"bare state codes in audit.LABELS: {sorted(codes & set(audit.LABELS))}"
    )
