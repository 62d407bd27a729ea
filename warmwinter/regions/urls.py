from django.urls import path

from warmwinter.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_root_view, name="root"),
    path("<str:code>/", views.region_detail_view, name="detail"),
]
