from django.apps import AppConfig


class ThoughtReportsConfig(AppConfig):
    name = "services.thought_reports"
    label = "thought_reports"
    verbose_name = "思想汇报"
