from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "services.documents"
    label = "documents"
    verbose_name = "Documents"
