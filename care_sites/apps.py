from django.apps import AppConfig


class CareSitesConfig(AppConfig):
    name = "care_sites"
    verbose_name = "Care sites and support"
