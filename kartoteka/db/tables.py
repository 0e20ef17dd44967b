"""All tables, as SQLAlchemy Core. Alembic migrations create them; tests check the two agree.

Every registry record carries ``created_at/created_by/updated_at/updated_by``, a ``version`` for
optimistic locking and ``deleted_at`` for soft deletes. ``audit_log`` is append-only.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger, Boolean, Column, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text,
    UniqueConstraint,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


def _record_columns() -> list[Column[object]]:
    return [
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("created_by", String(120), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("updated_by", String(120), nullable=False),
        Column("version", Integer, nullable=False, default=1),
        Column("deleted_at", DateTime(timezone=True), nullable=True),
    ]


persons = Table(
    "persons", metadata,
    Column("id", Integer, primary_key=True),
    Column("ext_id", String(120), nullable=False, unique=True),
    Column("gender", String(1)),                      # 'm' / 'f' / NULL
    Column("birth_date", String(10)),                 # YYYY, YYYY-MM or YYYY-MM-DD
    Column("birth_precision", String(5)),             # year / month / day
    Column("citizenship", String(200), nullable=False, default=""),  # ';'-separated ISO codes
    Column("region", String(200), nullable=False, default=""),
    Column("sensitivity", String(12), nullable=False, default="internal"),
    Column("notes", Text, nullable=False, default=""),
    Column("row_hash", String(64)),                   # hash of the imported row; unchanged re-import skips
    *_record_columns(),
)

person_names = Table(
    "person_names", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),       # primary / alias / transliteration / former
    Column("full", String(400), nullable=False),
    Column("surname", String(200), nullable=False, default=""),
    Column("given_name", String(200), nullable=False, default=""),
    Column("patronymic", String(200), nullable=False, default=""),
    Column("script", String(8), nullable=False, default=""),   # cyrl / latn / mixed
    Column("lang", String(8), nullable=False, default=""),     # ru / uk / be / en ...
    # the names without a given name: migration 0034 makes it partial, WHERE the given name trimmed of
    # whitespace is empty (matching/stored.py no_given_name; tests/db/test_schema.py checks the database's
    # index). The predicate is not repeated here, as for uq_assessments_in_progress below; ``partial`` keeps
    # db/bulk.py indexes_after from making it again without one.
    Index("ix_person_names_no_given", "person_id", info={"partial": True}),
)

sources = Table(
    "sources", metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, default=""),
    Column("file_path", Text, nullable=False, default=""),
    Column("sha256", String(64), nullable=False, default=""),
    Column("title", Text, nullable=False, default=""),
    Column("publisher", String(300), nullable=False, default=""),
    Column("accessed_on", String(10)),
    Column("sensitivity", String(12), nullable=False, default="internal"),
    *_record_columns(),
)

citations = Table(
    "citations", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False, index=True),
    Column("entity_type", String(32), nullable=False),   # person / case / status_event / assessment / finding
    Column("entity_id", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Index("ix_citations_entity", "entity_type", "entity_id"),
)

cases = Table(
    "cases", metadata,
    Column("id", Integer, primary_key=True),
    Column("ext_id", String(120), nullable=False, unique=True),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False, index=True),
    Column("jurisdiction", String(8), nullable=False, default=""),
    Column("case_number", String(200), nullable=False, default=""),
    Column("articles_text", Text, nullable=False, default=""),   # the charges exactly as written
    Column("court", Text, nullable=False, default=""),
    Column("detained_on", String(10)),
    Column("verdict_on", String(10)),
    Column("sentence", Text, nullable=False, default=""),
    Column("facility", Text, nullable=False, default=""),
    Column("status", String(60), nullable=False, default="", index=True),   # (0035: the search form's choices)
    Column("sensitivity", String(12), nullable=False, default="internal"),
    Column("row_hash", String(64)),
    Column("organisations", Text, nullable=False, default="", server_default=""),  # designated orgs (0013)
    *_record_columns(),
)

charges = Table(
    "charges", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("code", String(8), nullable=False),        # RU / BY / UA
    Column("article", String(20), nullable=False),    # e.g. 207.3, 111-1
    Column("part", String(10), nullable=False, default=""),
    Column("point", String(10), nullable=False, default=""),
    Column("raw", Text, nullable=False),              # the fragment as written
    Column("in_catalog", Boolean, nullable=False, default=False),
    Index("ix_charges_code_article", "code", "article"),
)

status_events = Table(
    "status_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False, index=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=True),
    Column("kind", String(20), nullable=False),       # detained, charged, convicted, transferred, released ...
    Column("date", String(10)),
    Column("date_precision", String(5)),
    Column("note", Text, nullable=False, default=""),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=True),
    Column("run_id", Integer, nullable=True),             # the vetting run an outcome was recorded for
    *_record_columns(),
)

assessments = Table(
    "assessments", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False, index=True),
    Column("definition_id", String(60), nullable=False),
    Column("definition_version", String(20), nullable=False, default=""),
    Column("state", String(12), nullable=False, default="decided"),     # draft / submitted / decided
    Column("decision", String(20), nullable=True),    # recognised / not_recognised / under_review
    Column("decided_on", String(10)),
    Column("author", String(120), nullable=False, default=""),
    Column("reviewer", String(120), nullable=False, default=""),
    Column("rationale", Text, nullable=False, default=""),
    # whose decision an imported row records ("" = this organisation's own workflow) and its statement (0019)
    Column("origin", String(300), nullable=False, default="", server_default=""),
    Column("statement", Text, nullable=False, default="", server_default=""),
    Column("row_hash", String(64)),
    *_record_columns(),
    Index("ix_assessments_person_definition", "person_id", "definition_id"),
    # one assessment in progress per person and definition: migration 0016 makes it partial, WHERE state IN
    # ('draft', 'submitted') AND deleted_at IS NULL (tests/db/test_schema.py checks the database's index).
    # The predicate is not repeated here: sqlite_where/postgresql_where would load both SQL dialects (all
    # of PostgreSQL's drivers) in every process that imports the tables, ~70 ms of each start.
    Index("uq_assessments_in_progress", "person_id", "definition_id", unique=True),
)

assessment_findings = Table(
    "assessment_findings", metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("criterion_id", String(60), nullable=False),
    Column("finding", String(12), nullable=False),    # met / not_met / unclear
    Column("note", Text, nullable=False, default=""),
    UniqueConstraint("assessment_id", "criterion_id", name="uq_findings_assessment_criterion"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("entity_type", String(32), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("action", String(12), nullable=False),     # create / update / delete / restore / read
    Column("field", String(60), nullable=True),       # NULL on create: 'after' holds every field as JSON
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Column("batch", String(40), nullable=True),       # import id or request id
    Column("seq", Integer, nullable=True, unique=True),   # position in the hash chain (db/chain.py)
    Column("prev_hash", String(64), nullable=True),   # the previous entry's hash
    Column("hash", String(64), nullable=True),        # sha256 of prev_hash and this entry (canonical JSON)
    Index("ix_audit_entity", "entity_type", "entity_id"),
)

audit_head = Table(   # one row: the chain's newest entry; writers lock it, so the chain never forks
    "audit_head", metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("changed_seq", Integer, nullable=False, default=0, server_default="0"),  # newest entry changing data
)

audit_spool_state = Table(   # one row: how far the SQLite audit spool was moved into audit_log (db/spool.py)
    "audit_spool_state", metadata,
    Column("id", Integer, primary_key=True),
    Column("epoch", String(32), nullable=False),      # the spool file's random id
    Column("drained", Integer, nullable=False),       # the last spooled entry chained into audit_log
)

role_policies = Table(   # per role: must its users sign in with a second factor (TOTP)?
    "role_policies", metadata,
    Column("role", String(12), primary_key=True),
    Column("require_totp", Boolean, nullable=False, default=False),
)

imports = Table(
    "imports", metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("filename", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(120), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(12), nullable=False),       # viewer / editor / reviewer / admin
    Column("language", String(5), nullable=False, default="en"),
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("session_version", Integer, nullable=False, default=1, server_default="1"),  # bumped: sessions end
    Column("totp_secret", String(64), nullable=True),          # base32; set at enrolment, used once confirmed
    Column("totp_enabled", Boolean, nullable=False, default=False, server_default="0"),
    Column("totp_last_step", Integer, nullable=True),          # the last accepted time step (no replays)
    Column("recovery_codes", Text, nullable=False, default="[]", server_default="[]"),  # JSON sha256 hashes
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(120), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("revoked", Boolean, nullable=False, default=False),
)

match_decisions = Table(
    "match_decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("query_key", String(400), nullable=False, index=True),   # normalised name | birth date
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False),
    Column("other_person_id", Integer, ForeignKey("persons.id"), nullable=True),  # for registry duplicates
    Column("judgement", String(10), nullable=False),  # same / different / unsure
    Column("actor", String(120), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("algorithm", String(40), nullable=False),
    Column("algorithm_version", String(20), nullable=False),
    Column("score", Float, nullable=True),
    Column("run_id", Integer, nullable=True),
    Index("ix_match_decisions_person_id", "person_id"),   # a person's judgements (services/respelled.py)
)

vetting_runs = Table(
    "vetting_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("label", String(200), nullable=False, default=""),
    Column("round", String(120), nullable=False, default=""),
    Column("side", String(120), nullable=False, default=""),
    Column("definition_id", String(60), nullable=False),
    Column("filename", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("algorithm", String(40), nullable=False),
    Column("algorithm_version", String(20), nullable=False),
    Column("summary", Text, nullable=False, default="{}"),   # JSON
    Column("list_format", String(10), nullable=False, default=""),   # csv / xlsx / jsonl / docx / pdf / text
    Column("held_by", String(80), nullable=False, default="", server_default=""),   # whose custody the list concerns
)

vetting_rows = Table(
    "vetting_rows", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("vetting_runs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("row_no", Integer, nullable=False),
    Column("list_id", String(120), nullable=False),
    Column("name", Text, nullable=False),
    Column("birth_date", String(10)),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=True),
    Column("match", String(10), nullable=False),
    Column("score", Float, nullable=False),
    Column("status", String(20), nullable=False),
    Column("flags", String(200), nullable=False, default=""),
    Column("duplicate_of", String(120), nullable=False, default=""),
    Column("explanation", Text, nullable=False, default=""),
    Column("gender", String(1)),
    Column("raw", Text, nullable=False, default="{}"),          # the list row as read (JSON): the snapshot
    Column("flag_detail", Text, nullable=False, default="[]"),  # JSON [{tag, kind, articles, reason}]
    Column("review", String(10), nullable=False, default=""),   # reviewer judgement: same/different/unsure
    Column("reviewed_by", String(120), nullable=False, default=""),
    Column("context", Text, nullable=False, default="{}", server_default="{}"),   # JSON RowContext (custody ...)
    Index("ix_vetting_rows_person_id", "person_id"),
)

vetting_missing = Table(   # recognised persons in the registry who were not on the run's list
    "vetting_missing", metadata,
    Column("run_id", Integer, ForeignKey("vetting_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Integer, primary_key=True),
    Column("section", String(16), nullable=False, default="recognised", server_default="recognised"),  # or under_review
)

custody = Table(   # who holds a person, in what state, since when; the latest record (since, id) is current
    "custody", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False, index=True),
    Column("held_by", String(80), nullable=False),     # RU / BY / UA / OCC:<region> / another ISO code
    Column("state", String(30), nullable=False),       # a state of data/custody.yaml
    Column("place", Text, nullable=False, default=""),
    Column("since", String(10)),
    Column("confirmed_on", String(10)),                # proof of life
    Column("confirmed_source_id", Integer, ForeignKey("sources.id"), nullable=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=True),
    Column("note", Text, nullable=False, default=""),
    *_record_columns(),
)

person_categories = Table(   # data/categories.yaml; the latest record counts
    "person_categories", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False, index=True),
    Column("category", String(40), nullable=False),
    Column("definition_id", String(60), nullable=False, default=""),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=True),
    Column("note", Text, nullable=False, default=""),
    *_record_columns(),
)

recognitions = Table(   # another organisation's public recognition: provenance, never a decision here
    "recognitions", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False, index=True),
    Column("organisation", String(300), nullable=False),   # a plain name ("Memorial")
    Column("definition_id", String(60), nullable=False, default=""),
    Column("statement", Text, nullable=False, default=""),   # URL or document reference
    Column("stated_on", String(10)),
    Column("note", Text, nullable=False, default=""),
    *_record_columns(),
)

person_merges = Table(   # two records joined into one; ``snapshot`` (JSON) holds what an unmerge restores
    "person_merges", metadata,
    Column("id", Integer, primary_key=True),
    Column("kept_id", Integer, ForeignKey("persons.id"), nullable=False, index=True),
    Column("merged_id", Integer, ForeignKey("persons.id"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("unmerged_at", DateTime(timezone=True), nullable=True),
    Column("unmerged_by", String(120), nullable=True),
)

statements = Table(   # a claim an organisation made about a record (issue 15): kept, never overwritten
    "statements", metadata,
    Column("id", Integer, primary_key=True),
    Column("entity_type", String(32), nullable=False),   # person / case
    Column("entity_id", Integer, nullable=False),
    Column("prop", String(40), nullable=False),          # record / name / birth_date / gender / custody ...
    Column("value", Text, nullable=False),
    Column("organisation", String(300), nullable=False),
    Column("origin_id", String(400), nullable=False),    # the record's id in the organisation's data
    Column("seen_at", DateTime(timezone=True), nullable=False),   # when it was imported
    Column("import_id", String(40), nullable=True),
    Index("ix_statements_entity", "entity_type", "entity_id"),
    Index("ix_statements_origin", "organisation", "origin_id"),
)

name_keys = Table(   # the matcher's blocks per person (matching/stored_keys.py; services/name_index.py)
    "name_keys", metadata,   # derived data: no foreign key, whose per-row check dominated imports (0025)
    Column("person_id", Integer, nullable=False),
    Column("key", BigInteger, nullable=False),        # stable 64-bit hash of a block
    Index("ix_name_keys_key", "key", "person_id"),
    Index("ix_name_keys_person", "person_id"),
)

surname_variants = Table(   # deletion neighbourhoods of surname keys and spellings (typos); insert-only
    "surname_variants", metadata,
    Column("variant", String(200), primary_key=True),
    Column("key", String(200), primary_key=True),
)

name_keys_state = Table(   # one row: the audit chain position (audit_head.changed_seq) name_keys reflect
    "name_keys_state", metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),           # -1: never built
)

duplicate_pairs = Table(   # likely duplicates as last scored (services/duplicate_pairs.py); derived, not audited
    "duplicate_pairs", metadata,
    Column("person_id", Integer, primary_key=True),          # the lower id of the pair
    Column("other_person_id", Integer, primary_key=True),
    Column("score", Float, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("ext_id", String(120), nullable=False, server_default=""),         # the persons' ids (0026: read
    Column("other_ext_id", String(120), nullable=False, server_default=""),   # without joining persons)
    Column("reasons", Text, nullable=False, server_default=""),   # the explanation as data (0028)
    Index("ix_duplicate_pairs_other", "other_person_id"),
)
# the pairs best first, as a page reads them (services/duplicate_pairs.py best_pairs; 0027)
Index("ix_duplicate_pairs_rank", duplicate_pairs.c.score.desc(), duplicate_pairs.c.person_id,
      duplicate_pairs.c.other_person_id)

duplicate_state = Table(   # one row: what duplicate_pairs reflect, and the full scan under way
    "duplicate_state", metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),           # audit_head.changed_seq the pairs reflect; -1: never scored
    Column("settings", String(64), nullable=False),   # the matcher and settings they were scored with (a hash)
    Column("beat", Float),                            # a full scan's last sign of life (epoch seconds); NULL: none runs
    Column("started", Float),                         # when that scan started (epoch seconds)
    Column("done", Integer, nullable=False),          # its progress: persons scored of total
    Column("total", Integer, nullable=False),
    Column("error", Text),                            # the last full scan's failure
)

value_mappings = Table(   # free-text values confirmed once per organisation (services/value_mappings.py)
    "value_mappings", metadata,
    Column("organisation", String(300), primary_key=True),
    Column("vocabulary", String(40), primary_key=True),   # case_status / custody / category
    Column("raw", String(300), primary_key=True),         # the organisation's spelling, as written
    Column("value", String(100), nullable=False),         # the controlled value
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
)
