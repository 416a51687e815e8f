from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "services.exams"
    label = "exams"
    verbose_name = "考试"
