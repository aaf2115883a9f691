from django.urls import path

from . import views

app_name = "accounts"

user = "users/<int:user_id>/"

urlpatterns = [
    path("users/", views.user_list, name="user-list"),
    path("users/invite/", views.user_invite, name="user-invite"),
    path(user, views.user_detail, name="user-detail"),
    path(f"{user}role/", views.user_role, name="user-role"),
    path(f"{user}deactivate/", views.user_active, {"active": False}, name="user-deactivate"),
    path(f"{user}reactivate/", views.user_active, {"active": True}, name="user-reactivate"),
    path(f"{user}unlock/", views.user_unlock, name="user-unlock"),
    path(f"{user}reset-two-factor/", views.user_reset_two_factor, name="user-reset-two-factor"),
    path(f"{user}invite-again/", views.user_reinvite, name="user-reinvite"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("councils/new/", views.council_new, name="council-new"),
]
