"""Pages of the registry; each area keeps its own urlpatterns next to its views."""

from warmwinter.registry.views import duplicates, exports, imports, people

app_name = "registry"
urlpatterns = [*people.urlpatterns, *imports.urlpatterns, *exports.urlpatterns, *duplicates.urlpatterns]
