from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "services.workdays"
    label = "workdays"
    verbose_name = "Workdays"
