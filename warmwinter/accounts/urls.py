from django.urls import path

from warmwinter.accounts import views, views_admin

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.login_otp_view, name="login_otp"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile_view, name="profile"),
    path("totp/", views.totp_enrol_view, name="totp_enrol"),
    path("switch-region/", views.switch_region_view, name="switch_region"),
    path("users/", views_admin.user_list_view, name="user_list"),
    path("users/new/", views_admin.user_create_view, name="user_create"),
    path("users/<int:user_id>/", views_admin.user_detail_view, name="user_detail"),
    path("users/<int:user_id>/memberships/", views_admin.membership_add_view, name="membership_add"),
    path("users/<int:user_id>/memberships/<int:membership_id>/deactivate/", views_admin.membership_deactivate_view, name="membership_deactivate"),
    path("users/<int:user_id>/active/", views_admin.user_active_view, name="user_active"),
]
