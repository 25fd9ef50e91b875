import time

from django.core.management.base import BaseCommand

from portal.schedule import run_schedule


class Command(BaseCommand):
    help = "Queue the recurring jobs that are due (run it every few minutes from a timer)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, metavar="SECONDS",
                            help="Keep running, checking again every SECONDS.")

    def handle(self, *args, every=None, **options):
        while True:
            for name in run_schedule():
                self.stdout.write(f"queued: {name}")
            if not every:
                return
            time.sleep(every)
