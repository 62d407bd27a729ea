"""WarmWinter (暖冬): the platform that runs winter-relief plans."""
