"""Imported by the web jobs' fork server only (web/job_process.py PRELOAD): it loads the catalogs an
import or a vetting run reads (YAML files, name tables), once, so that each job's process starts with
them loaded instead of spending most of a second on them. Nothing else imports this module."""

from __future__ import annotations

import numpy   # noqa: F401 - the matcher's index needs it; loaded once here, before any job's memory cap

from kartoteka.catalogs.custody import load_categories, load_custody_vocabulary
from kartoteka.catalogs.loader import article_index, load_definitions, load_organisations, load_screening_rules
from kartoteka.matching.population import population
from kartoteka.matching.tokens import prepare_name
from kartoteka.names.given import given_names
from kartoteka.names.translit import schemes
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
