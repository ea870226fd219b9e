"""Rendering the tenant admin's contract template, in a sandbox.

The template is Django template text typed by a tenant admin. It runs in its own
``Engine`` with no loaders (no ``{% include %}`` / ``{% extends %}`` of files), no
tag libraries to ``{% load %}``, autoescaping on, and a context of plain strings and
dicts built here — never model instances, so no method of ours can be reached.
"""

from decimal import Decimal

from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext as _

from channelhub.validators import format_phone

_ENGINE = Engine(
    dirs=[],
    app_dirs=False,
    loaders=[("django.template.loaders.locmem.Loader", {})],
    libraries={},
    builtins=[],
    autoescape=True,
    debug=False,
    string_if_invalid="",
)


class TemplateProblem(ValueError):
    pass


def _forbidden_nodes():
    from django.template.defaulttags import DebugNode, LoadNode
    from django.template.loader_tags import BlockNode, ExtendsNode, IncludeNode

    # {% debug %} would print the server's loaded modules; the others reach for files.
    return (DebugNode, LoadNode, IncludeNode, ExtendsNode, BlockNode)


def compile_template(text: str):
    try:
        template = _ENGINE.from_string(text)
    except TemplateSyntaxError as error:
        raise TemplateProblem(_("The template has an error: %(error)s") % {"error": error}) from None
    for node_type in _forbidden_nodes():
        if template.nodelist.get_nodes_by_type(node_type):
            raise TemplateProblem(
                _("This tag is not allowed in a contract template: %(tag)s")
                % {"tag": node_type.__name__.removesuffix("Node").lower()}
            )
    return template


def contract_context(*, tenant, application, contract) -> dict:
    """Everything a template may use, as plain values (documented on the editor page)."""
    money = lambda value: f"{Decimal(value):,.2f}"  # noqa: E731 — CNY, grouped, two decimals
    return {
        "company": {"name": tenant.name},
        "partner": {
            "name": application.company_name,
            "credit_code": application.credit_code,
            "legal_representative": application.legal_representative,
            "address": application.registered_address,
            "channel_type": str(application.get_channel_type_display()),
            "contact_name": application.contact_name,
            "contact_phone": format_phone(application.contact_phone),
            "contact_email": application.contact_email,
        },
        "contract": {
            "number": contract.number,
            "version": contract.version,
            "territory": contract.territory,
            "is_exclusive": contract.is_exclusive,
            "valid_from": contract.valid_from.isoformat(),
            "valid_until": contract.valid_until.isoformat(),
            "deposit": money(contract.deposit),
            "price_terms": contract.price_terms,
            "settlement_terms": contract.settlement_terms,
            "special_terms": contract.special_terms,
        },
    }


def render_body(text: str, context: dict) -> str:
    return compile_template(text).render(Context(context, autoescape=True))
