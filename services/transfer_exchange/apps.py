from django.apps import AppConfig


class TransferExchangeConfig(AppConfig):
    name = "services.transfer_exchange"
    label = "transfer_exchange"
    verbose_name = "Transfer exchange"
