"""The peer of the benchmark: django-import-export importing the same csv into a plain model."""
