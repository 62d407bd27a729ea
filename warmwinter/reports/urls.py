from django.urls import path

from warmwinter.reports import views

app_name = "reports"
urlpatterns = [path("", views.home_view, name="home")]
