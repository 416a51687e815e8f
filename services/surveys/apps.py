from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "services.surveys"
    label = "surveys"
    verbose_name = "意见征集"
