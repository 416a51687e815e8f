from django.apps import AppConfig


class PartyCloudConfig(AppConfig):
    name = "partycloud"
    verbose_name = "PartyCloud"
