from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "services.oversight"
    label = "oversight"
    verbose_name = "Oversight"

    def ready(self) -> None:
        from .triggers import connect

        connect()
