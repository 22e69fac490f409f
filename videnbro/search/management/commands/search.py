"""`videnbro search rebuild` – re-create the search index from the database."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from videnbro.datamap.models import Dataset
from videnbro.partnerships.models import Partnership
from videnbro.registry.models import Organisation
from videnbro.search.indexing import rebuild
from videnbro.search.services import search


class Command(BaseCommand):
    help = "Rebuild the search index (`rebuild`) or run a query (`query TEXT`)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="Re-create the whole index, with a progress bar.")
        query = sub.add_parser("query", help="Print the top results for a query.")
        query.add_argument("text")

    def handle(self, *args, action, **options):
        if action == "query":
            results = search(q=options["text"])
            self.stdout.write(f"{results.count} results")
            for r in results.results[:10]:
                self.stdout.write(f"{r.score:.3f}  {r.type:13} {r.title}")
            return
        total = Organisation.objects.count() + Partnership.objects.count() + Dataset.objects.count()
        with tqdm(total=total, desc="indexing", unit="records") as bar:
            documents = rebuild(progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {documents} documents."))
