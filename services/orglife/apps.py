from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "services.orglife"
    label = "orglife"
    verbose_name = "Organizational life"

    def ready(self) -> None:
        from services.storage.sweeper import Owner, register_owner

        from .minutes import STORAGE_PART, connect_guards, storage_key_age
        from .models import MinutesAttachment

        connect_guards()

        def referenced_keys() -> set[str]:
            return set(MinutesAttachment.objects.values_list("storage_key", flat=True))

        register_owner(Owner(sub_prefix=STORAGE_PART, referenced_keys=referenced_keys, age_of=storage_key_age))
