"""/api/v1/ endpoints of weather warnings and their rules."""
