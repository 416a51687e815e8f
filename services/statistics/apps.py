from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "services.statistics"
    label = "statistics"
    verbose_name = "党内统计"
