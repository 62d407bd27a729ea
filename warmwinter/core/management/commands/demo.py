from django.core.management.base import BaseCommand

from warmwinter.core.demo import DEMO_PASSWORD, demo_care_load, demo_ledger_load, demo_ledger_path, demo_load, demo_surveys_load


class Command(BaseCommand):
    help = "Load the demo county 520402 西秀区 with one user per role, and print the logins (safe to run twice)."

    def handle(self, *args, **options):
        logins = demo_load()
        ledger = demo_ledger_load()
        surveys = demo_surveys_load()
        care = demo_care_load()
        self.stdout.write(
            f"Demo ledger {demo_ledger_path()}: {ledger.rows} rows, {ledger.households_created} households and "
            f"{ledger.persons_created} persons created, {ledger.unchanged} unchanged"
        )
        self.stdout.write(surveys.summary())
        self.stdout.write(care.summary())
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})  演示账号（密码均为 {DEMO_PASSWORD}）")
        self.stdout.write(f"{'username':<12} {'role':<16} {'region':<14} TOTP secret (county level and above)")
        for login in logins:
            self.stdout.write(f"{login.username:<12} {login.role:<16} {login.region:<14} {login.totp_secret or '-'}")
        self.stdout.write("TOTP: add the secret to any authenticator app, or run: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\"")
