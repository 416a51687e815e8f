from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "services.standards"
    label = "standards"
    verbose_name = "标准化建设"
