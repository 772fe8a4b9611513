"""Geocode stage: place names -> gazetteer entries with coordinates, or an honest abstention.

Modules: `names` (the one home of place-name spelling keys, used by every stage),
`gazetteer` (shipped + imported places and their SQLite name index), `imports`
(adding GeoNames dumps and OCHA CSVs), `admin` (provinces, districts, countries),
`query` (reading a mention: spellings, kind of place), `resolver` (candidates,
scores, the choice), `report` (a whole report's locations, with its context).
"""
from __future__ import annotations

from vigil.geo.admin import admin1_of, admin2_of, km
from vigil.geo.report import geocode_report, province_countries
from vigil.geo.gazetteer import coverage
from vigil.geo.resolver import Candidate, Explanation, best, country_of_place, explain, known_place, resolve

__all__ = ["Candidate", "Explanation", "admin1_of", "admin2_of", "best", "country_of_place", "coverage", "explain",
           "geocode_report", "km", "known_place", "province_countries", "resolve"]
