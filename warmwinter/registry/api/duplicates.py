"""Placeholder: filled in by the duplicates work."""

urlpatterns: list = []
