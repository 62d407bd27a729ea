import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with gunicorn (static files by WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("WARMWINTER_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WARMWINTER_WORKERS", "2")))

    def handle(self, *args, bind, workers, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable, "-m", "gunicorn", "warmwinter.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--access-logfile", "-", "--timeout", "120",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
        os.execv(sys.executable, argv)
