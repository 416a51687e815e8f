from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "services.dues"
    label = "dues"
    verbose_name = "Party dues"
