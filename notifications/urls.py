"""URLs of the inbox, tasks, notification settings, calendar feed, deadlines and deliveries."""

from django.urls import path, re_path

from .views import calendar, deadlines, delivery, inbox, preferences

app_name = "notifications"

urlpatterns = [
    path("benachrichtigungen/", inbox.inbox, name="inbox"),
    path(
        "benachrichtigungen/<int:pk>/gelesen/",
        inbox.notification_read,
        name="notification_read",
    ),
    path(
        "benachrichtigungen/alle-gelesen/",
        inbox.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "benachrichtigungen/einstellungen/",
        preferences.notification_settings,
        name="notification_settings",
    ),
    path(
        "benachrichtigungen/einstellungen/kalender/",
        preferences.calendar_create,
        name="calendar_feed_create",
    ),
    path(
        "benachrichtigungen/einstellungen/kalender/widerrufen/",
        preferences.calendar_revoke,
        name="calendar_feed_revoke",
    ),
    path("benachrichtigungen/zustellung/", delivery.delivery_problems, name="delivery_problems"),
    path(
        "benachrichtigungen/zustellung/<int:pk>/erneut-senden/",
        delivery.delivery_retry,
        name="delivery_retry",
    ),
    path("aufgaben/", inbox.my_tasks, name="my_tasks"),
    path("fristen/", deadlines.deadlines, name="deadlines"),
    path("fristen/<int:pk>/verlaengern/", deadlines.deadline_extend_view, name="deadline_extend"),
    # The token is URL-safe base64 (secrets.token_urlsafe).
    re_path(
        r"^kalender/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$",
        calendar.calendar_feed,
        name="calendar_feed",
    ),
]
