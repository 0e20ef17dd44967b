"""Words stored as data but shown translated (roles, statuses, flags ...): listed here so that message
extraction finds them; templates translate the stored value with ``_(value)``."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a message for extraction without translating it here."""
    return message


ROLES = (N_("viewer"), N_("editor"), N_("reviewer"), N_("admin"))
SENSITIVITIES = (N_("public"), N_("internal"), N_("confidential"))
STATUSES = (N_("detained"), N_("convicted"), N_("released"), N_("exchanged"), N_("deceased"), N_("missing"),
            N_("charged"), N_("transferred"))
NAME_KINDS = (N_("primary"), N_("alias"), N_("transliteration"), N_("former"))
IMPORT_KINDS = (N_("persons"), N_("cases"), N_("assessments"))
ACTIONS = (N_("create"), N_("update"), N_("delete"), N_("restore"), N_("read"), N_("login"), N_("login_failed"),
           N_("revoke"), N_("submit"), N_("approve"), N_("return"))
ASSESSMENT = (N_("draft"), N_("submitted"), N_("decided"), N_("recognised"), N_("not_recognised"),
              N_("under_review"))
FLAGS = (N_("war_crime"), N_("violence"), N_("terrorism"), N_("collaboration"), N_("treason_espionage"),
         N_("sabotage"), N_("combatant"), N_("incitement"), N_("property"), N_("extremism_designation"),
         N_("religion"), N_("speech"), N_("assembly"), N_("foreign_agent"), N_("military_service"), N_("border"),
         N_("pretext"), N_("prison"), N_("general_part"), N_("not_in_catalog"), N_("unparsed_charges"),
         N_("court_reliability"), N_("code_undecided"), N_("designated_organisation"), N_("occupation_code"),
         N_("in_absentia"), N_("administrative"))
MATCH = (N_("match"), N_("review"), N_("no_match"), N_("same"), N_("different"), N_("unsure"), N_("unknown"))
FINDINGS = (N_("met"), N_("not_met"), N_("unclear"), N_("excepted"), N_("persecuted_only"), N_("excluded_violence"))
# Record kinds in the audit log and a person's history (audit_log.entity_type)
RECORD_KINDS = (N_("person"), N_("case"), N_("source"), N_("assessment"), N_("user"), N_("vetting_run"),
                N_("vetting_row"), N_("recognition"), N_("person_category"), N_("value_mapping"),
                N_("match_decision"), N_("api_token"), N_("status_event"), N_("role_policy"), N_("database"),
                N_("custody"), N_("charges"))
FIELDS = (N_("role"),)   # a user's field in the audit log (the record fields have their own labels)
