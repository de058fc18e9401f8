"""Weight of every survivor page over the wire: gzip bytes and request count, against a 20 KB budget.

A survivor may be on a slow connection with a cheap phone, so each page, with everything it loads,
must stay within 20 KB compressed. This walks the whole site in each language in a throw-away
database (the same walk the test suite asserts the budget over) and prints, for each page, the
compressed HTML, the compressed assets it loads on a first visit, the number of requests and the
share of the budget used; then the verdict, computed from those figures, and a failure when a page
is over.
"""

from __future__ import annotations

import secrets

from amana.core.tests.page_weight import BUDGET, PageWeight, table, walk
from bench import throwaway_database

LANGUAGES = ("ar", "ckb", "en")


def main() -> bool:
    from amana.accounts import services as accounts
    from amana.accounts.models import OrganisationKind
    from amana.channel.demo import create_demo_hotlines

    pages: dict[str, list[PageWeight]] = {}
    with throwaway_database():
        accounts.create_organisation(
            actor=None, name=f"Bench NGO (example {secrets.token_hex(2)})", kind=OrganisationKind.NGO
        )
        create_demo_hotlines()
        pages = {language: walk(language) for language in LANGUAGES}
    for language, weighed in pages.items():
        print(f"-- {language}")
        print(table(weighed))
    everything = [page for weighed in pages.values() for page in weighed]
    heaviest = max(everything, key=lambda page: page.total)
    over = [page for page in everything if not page.within]
    verdict = "within the budget" if not over else f"OVER the budget on {len(over)} pages"
    print(f"heaviest page: {heaviest.name}, {heaviest.total} bytes, {heaviest.total / BUDGET:.0%} of 20 KB; {verdict}")
    return not over
