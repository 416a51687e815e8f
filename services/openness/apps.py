from django.apps import AppConfig


class OpennessConfig(AppConfig):
    name = "services.openness"
    label = "openness"
    verbose_name = "党务公开"
