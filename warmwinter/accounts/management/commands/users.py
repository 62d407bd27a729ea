from django.core.management.base import BaseCommand

from warmwinter.accounts import services
from warmwinter.accounts.roles import Role
from warmwinter.core.cli_errors import domain_errors_as_command_errors
from warmwinter.regions.codes import normalize


class Command(BaseCommand):
    help = "Manage users: `users add NAME --role ROLE --region CODE [--password P]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        add = sub.add_parser("add", help="create a user with one membership")
        add.add_argument("name")
        add.add_argument("--role", required=True, choices=[r.value for r in Role])
        add.add_argument("--region", required=True, help="division code, e.g. 520402 or 520402001001")
        add.add_argument("--password", help="without it the user cannot sign in until a password is set")
        add.add_argument("--display-name", default="")

    def handle(self, *args, subcommand, **options):
        with domain_errors_as_command_errors():
            try:
                code = normalize(options["region"])
            except ValueError:
                code = options["region"]
            user = services.user_create(
                actor=None, username=options["name"], role=options["role"], region_code=code,
                password=options.get("password"), display_name=options["display_name"],
            )
        self.stdout.write(f"created user {user.username} ({options['role']} @ {code})")
