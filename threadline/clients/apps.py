from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "threadline.clients"
    label = "clients"
