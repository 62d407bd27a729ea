from django.db import models


class PeerPerson(models.Model):
    """The ledger's columns as plain text: what a generic import tool would load."""

    serial = models.CharField(max_length=20, blank=True)
    head_name = models.CharField(max_length=50, blank=True)
    name = models.CharField(max_length=50)
    relation = models.CharField(max_length=20, blank=True)
    gender = models.CharField(max_length=2, blank=True)
    id_number = models.CharField(max_length=18, unique=True)
    birth_date = models.DateField(null=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=200, blank=True)
    township = models.CharField(max_length=100, blank=True)
    village = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=40, blank=True)
    grade = models.CharField(max_length=10, blank=True)

    class Meta:
        app_label = "peer"
