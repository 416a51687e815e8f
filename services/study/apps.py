from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "services.study"
    label = "study"
    verbose_name = "学习"
