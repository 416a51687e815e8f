from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "services.dues"
    label = "dues"
    verbose_name = "Party dues"

    def ready(self) -> None:
        # The payroll import registers its kind with the import engine (worker and web alike).
        from . import payroll_import  # noqa: F401
