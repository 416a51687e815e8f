from django.apps import AppConfig


class RuleOverridesConfig(AppConfig):
    name = "services.rule_overrides"
    label = "rule_overrides"
    verbose_name = "Rule overrides"
