from django import template

from agreements.models import Agreement

register = template.Library()


@register.inclusion_tag("agreements/includes/status_badge.html")
def status_badge(status: str) -> dict:
    return {"status": status, "label": Agreement.Status(status).label}
