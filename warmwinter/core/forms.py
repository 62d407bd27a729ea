"""Showing a domain error on a page: on the field it names, else on the whole form."""

from warmwinter.core.errors import DomainError


def add_domain_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))
    for line in exc.errors:
        form.add_error(None, str(line))
