"""Open311 GeoReport v2 (SPEC F5.4): api.py (the django-ninja API and its handlers), queries.py
(what it reads), intake.py (a partner's POST), formats.py (JSON and XML, errors), schemas.py
(the spec's documents for the OpenAPI schema), keys.py with key_views.py (the partners' keys)."""
