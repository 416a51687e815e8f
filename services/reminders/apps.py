from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "services.reminders"
    label = "reminders"
    verbose_name = "Reminders"
