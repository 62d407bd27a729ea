"""/api/v1/ endpoints of the registry; each area keeps its own urlpatterns next to its endpoints."""

from warmwinter.registry.api import duplicates, exports, imports, people

urlpatterns = [*people.urlpatterns, *imports.urlpatterns, *exports.urlpatterns, *duplicates.urlpatterns]
