from django.apps import AppConfig


class VotesConfig(AppConfig):
    name = "services.votes"
    label = "votes"
    verbose_name = "Votes"
