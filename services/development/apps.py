from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "services.development"
    label = "development"
    verbose_name = "Development"
