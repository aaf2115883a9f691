from django.urls import path

from . import views

app_name = "user-leads"

urlpatterns = [
    path("users/<int:user_id>/leads/", views.user_leads, name="user-leads"),
]
