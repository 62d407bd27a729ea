from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """{{ labels|lookup:code }}: the value for key, or the key itself."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key
