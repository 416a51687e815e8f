from django.apps import AppConfig


class ActivationConfig(AppConfig):
    name = "services.activation"
    label = "activation"
    verbose_name = "Activation"
