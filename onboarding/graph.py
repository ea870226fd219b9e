"""The state machine drawn from the model itself (django-fsm-2's transitions), as a
mermaid diagram. ``manage.py graph_transitions`` needs graphviz, which the project does
not install; docs/onboarding.md embeds this output and a test keeps it current."""

from onboarding.models import Application, State

# Who the diagram names for a transition an authority takes (channelhub.workflow.AUTHORITIES).
AUTHORITIES = {"applicant": "applicant", "approval": "management approval"}


def mermaid() -> str:
    field = Application._meta.get_field("state")
    lines = ["stateDiagram-v2", f"    [*] --> {State.SUBMITTED.value}: public form"]
    seen = set()
    for transition in sorted(field.get_all_transitions(Application), key=lambda t: (t.source, t.name)):
        who = AUTHORITIES.get((transition.custom or {}).get("authority"), "")
        if not who and transition.permission is not None:
            who = getattr(transition.permission, "permission", "")
        line = f"    {transition.source} --> {transition.target}: {transition.name} ({who})"
        if line not in seen:
            seen.add(line)
            lines.append(line)
    for final in (State.ACTIVE, State.REJECTED, State.WITHDRAWN):
        lines.append(f"    {final.value} --> [*]")
    return "\n".join(lines) + "\n"
