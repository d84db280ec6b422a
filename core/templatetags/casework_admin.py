from django import template

register = template.Library()


@register.simple_tag
def posted_value(posted_action: str, action: str, posted, name: str, default: str = "") -> str:
    """What the user typed into ``name`` of the step form ``action`` that just failed (else ``default``);
    ``action`` may list several keys separated by commas."""
    return posted.get(name, default) if posted_action in action.split(",") else default
