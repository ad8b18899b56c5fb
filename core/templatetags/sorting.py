from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def sortable_th(sorting, key: str, label: str, css: str = ""):
    """A column header that sorts the list by `key`; aria-sort says the current order to screen readers."""
    link = sorting.link(key)
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(link["state"], "")
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a class="sort-link" href="{}">{}{}</a></th>',
        css,
        link["state"],
        link["href"],
        label,
        arrow,
    )
