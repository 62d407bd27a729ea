"""Placeholder: filled in by the imports work."""

urlpatterns: list = []
