from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "services.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from services.storage.sweeper import Owner, register_owner

        from .models import DocumentVersion
        from .services import key_age

        def referenced_keys() -> set[str]:
            return set(DocumentVersion.objects.values_list("storage_key", flat=True))

        register_owner(Owner(sub_prefix="documents", referenced_keys=referenced_keys, age_of=key_age))
