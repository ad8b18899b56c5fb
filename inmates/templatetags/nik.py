from django import template

register = template.Library()


@register.filter
def masked(nik: str | None) -> str:
    """6308011705900001 → 6308••••••••0001: enough to tell records apart, not enough to reuse."""
    if not nik:
        return ""
    return f"{nik[:4]}{'•' * (len(nik) - 8)}{nik[-4:]}" if len(nik) > 8 else "•" * len(nik)
