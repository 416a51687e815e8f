from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "services.rules"
    label = "rules"
    verbose_name = "Rules"
