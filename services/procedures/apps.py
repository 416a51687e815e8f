from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "services.procedures"
    label = "procedures"
    verbose_name = "Procedures"
