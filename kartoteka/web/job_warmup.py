"""Imported by the web jobs' fork server only (web/job_process.py PRELOAD): it loads the catalogs an
import or a vetting run reads (YAML files, name tables), once, so that each job's process starts with
them loaded instead of spending most of a second on them. Nothing else imports this module."""

from __future__ import annotations

import numpy   # noqa: F401 - the matcher's index needs it; loaded once here, before any job's memory cap
# The readers of uploaded sheets and documents and the database drivers: a job that imported them itself
# spent about 0.1 s on each (an XLSX, DOCX or PDF upload; any job on PostgreSQL).
import docx   # noqa: F401
import openpyxl   # noqa: F401
import pypdf   # noqa: F401
import sqlalchemy.dialects.postgresql.psycopg   # noqa: F401
import sqlalchemy.dialects.sqlite   # noqa: F401

from kartoteka.catalogs.custody import load_categories, load_custody_vocabulary
from kartoteka.catalogs.loader import article_index, load_definitions, load_organisations, load_screening_rules
from kartoteka.matching import stored_list   # noqa: F401 - with match_pool and viewer_world: a vetting run's
from kartoteka.matching.population import population
from kartoteka.matching.tokens import prepare_name
from kartoteka.names.given import given_names
from kartoteka.names.translit import schemes
from kartoteka.services import match_pool, viewer_world   # noqa: F401 - modules imported on first use
from kartoteka.tabular.columns import column_aliases
from kartoteka.tabular.vocab import case_statuses, month_words
from kartoteka.web import job_tasks


def warm_up() -> None:
    for load in (load_definitions, article_index, load_screening_rules, load_organisations, load_custody_vocabulary,
                 load_categories, column_aliases, case_statuses, month_words, population, given_names, schemes):
        load()
    prepare_name("Иванов Иван Иванович", "Иванов", "Иван", "Иванович")   # the name-key tables the matcher and the name index read


assert job_tasks   # the tasks' modules are imported with it
warm_up()
