from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "services.organization"
    label = "organization"
    verbose_name = "Organization"
