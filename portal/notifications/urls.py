from django.urls import path

from . import views

urlpatterns = [
    path("", views.centre, name="notifications_centre"),
    path("<int:pk>/", views.open_notification, name="notifications_open"),
    path("read/", views.mark_read, name="notifications_mark_read"),
    path("settings/", views.preferences, name="notifications_preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notifications_unsubscribe"),
]
