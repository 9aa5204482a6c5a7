from django.apps import AppConfig


class DiagnosesConfig(AppConfig):
    name = "threadline.diagnoses"
    label = "diagnoses"
    verbose_name = "Diagnoses (ICD-10-CM)"
