from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "services.transfers"
    label = "transfers"
    verbose_name = "Transfers"
