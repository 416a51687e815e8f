from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "services.orglife"
    label = "orglife"
    verbose_name = "Organizational life"
