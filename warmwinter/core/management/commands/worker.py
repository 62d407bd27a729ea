from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (database-backed task queue; works on SQLite and PostgreSQL)."

    def handle(self, *args, **options):
        call_command("db_worker")
