"""What every report format shows the same way: titles, labels, the summary lines, in the reader's
language (en/uk/ru: ``tr(lang)`` gives the gettext of the interface catalogs, reports.po included)."""

from __future__ import annotations

import re

from kartoteka.catalogs.custody import category_label, party_label, state_label
from kartoteka.tabular.field_labels import FIELD_LABELS
from kartoteka.services.custody import CustodyRecord
from kartoteka.services.vetting_model import MissingPerson, RowContext, VetReport, VetRow

LANGUAGES = ("en", "uk", "ru")


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


class Tr:
    """Translates report messages into one language (English: as written); ``lang`` also picks the
    labels of the YAML catalogs (custody states, parties, categories)."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang if lang in LANGUAGES else "en"

    def __call__(self, message: str) -> str:
        if self.lang == "en":
            return message
        from kartoteka.web.i18n import translations
        return translations(self.lang).gettext(message)


def tr(lang: str) -> Tr:
    return Tr(lang)


_same = Tr("en")


STATUS_LABELS = {"recognised": N_("recognised political prisoner"),
                 "not_recognised": N_("in the registry, not recognised"),
                 "under_review": N_("in the registry, under review"), "unknown": N_("not in the registry")}
MATCH_LABELS = {"match": N_("match"), "review": N_("needs review"), "no_match": N_("no match")}
WARNING_LABELS = {"not_in_custody": N_("not in custody (in absentia or released)"),
                  "already_exchanged": N_("already exchanged"), "deceased": N_("deceased"),
                  "held_by_other_party": N_("held by another party than the list's"),
                  "no_assessment": N_("no decided assessment")}
FLAG_KIND_LABELS = {"risk": N_("risk"), "caveat": N_("caveat"), "supports": N_("supporting"),
                    "context": N_("context"), "data": N_("data")}
# Colours shared by HTML, XLSX and PDF (background, as RGB hex).
STATUS_COLOURS = {"recognised": "D9EAD3", "not_recognised": "F4CCCC", "under_review": "FFF2CC",
                  "unknown": "E0E0E0"}
FLAG_COLOUR = "F9CB9C"
WARNING_COLOUR = "F4B6B6"
DISCLAIMER = N_("Flags come from the criminal-code articles and ask for review; they never decide a status. "
                "A 'review' row shows its candidate's status and flags until a reviewer confirms it; the status "
                "counts leave review rows out.")


def definition_title(definition_id: str, lang: str = "en") -> str:
    try:
        from kartoteka.catalogs import get_definition
        return f"{definition_id}: {get_definition(definition_id).title_in(lang)}"
    except Exception:  # an unknown or removed definition still renders
        return definition_id


def title(report: VetReport, _: Tr = _same) -> str:
    run = report.run
    return _("Vetting run #%(id)s: %(name)s") % {"id": run.id, "name": run.label or run.filename}


def run_lines(report: VetReport, _: Tr = _same) -> list[tuple[str, str]]:
    run, lang = report.run, _.lang
    lines = [(_("List"), f"{run.filename} ({run.list_format or '?'}, sha256 {run.sha256[:12]})"),
             (_("Definition"), "; ".join(definition_title(d, lang) for d in (run.definitions or [run.definition_id]))),
             (_("Run"), _("#%(id)s at %(at)s UTC by %(actor)s") % {
                 "id": run.id, "at": f"{run.at:%Y-%m-%d %H:%M}", "actor": run.actor}),
             (_("Matching"), f"{run.algorithm} {run.algorithm_version}")]
    if run.held_by:
        lines.insert(0, (_("Held by"), party_label(run.held_by, lang)))
    if run.round or run.side:
        lines.insert(0, (_("Round / side"), " / ".join(x for x in (run.round, run.side) if x)))
    if report.columns:
        lines.append((_("Columns"), ", ".join(f"{h} -> {_(FIELD_LABELS.get(f, f))}" for f, h in report.columns.items())))
    return lines


def notice_text(notice: str, _: Tr = _same) -> str:
    kind, _sep, value = notice.partition(":")
    if kind == "no_decided":
        return _("No assessment under %(definition)s is decided yet: every person reads as under review "
                 "under it.") % {"definition": value}
    if kind == "no_custody_data":
        return _("Nobody is recorded as held by %(party)s: the missing list is empty for want of custody "
                 "data, not because everyone is on the list.") % {"party": value}
    return notice


def count_lines(report: VetReport, _: Tr = _same) -> list[tuple[str, int, str]]:
    """(label, count, status or "") for the summary boxes."""
    s = report.summary
    out = [(_("rows"), s.rows, "")] + [(_(STATUS_LABELS[k]), v, k) for k, v in s.by_status.items()]
    warned = sum(1 for r in report.rows if r.context.warnings)
    review = sum(1 for m in report.missing if m.section != "recognised")
    out += [(_("rows needing review"), s.by_match["review"], ""), (_("flagged rows"), len(s.flagged), ""),
            (_("rows with warnings"), warned, ""), (_("listed twice"), len(s.duplicates), ""),
            (_("recognised, not on the list"), s.missing, "")]
    if review:
        out.append((_("held, under review or unassessed, not on the list"), review, ""))
    return out


def status_text(status: str, _: Tr = _same) -> str:
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def warnings_text(ctx: RowContext, _: Tr = _same) -> str:
    return "; ".join(_(WARNING_LABELS[w]) if w in WARNING_LABELS else w for w in ctx.warnings)


def custody_text(ctx: RowContext | MissingPerson | CustodyRecord, _: Tr = _same) -> str:
    lang = _.lang
    state = ctx.custody
    if not state and not ctx.held_by:
        return ""
    return f"{party_label(ctx.held_by, lang)}: {state_label(state, lang)}" if ctx.held_by else state_label(state, lang)


def category_text(category: str, _: Tr = _same) -> str:
    return category_label(category, _.lang) if category else ""


def fine_statuses_text(ctx: RowContext, _: Tr = _same) -> str:
    return "; ".join(f"{d}: {_(s) if s else _('none decided')}" for d, s in ctx.statuses)


def all_flags_text(kinds: list[str], _: Tr = _same) -> str:
    """``risk:war_crime`` pairs grouped by kind: "risk: war_crime, violence; supporting: speech"."""
    grouped: dict[str, list[str]] = {}
    for pair in kinds:
        kind, _sep, tag = pair.partition(":")
        grouped.setdefault(kind, []).append(tag)
    return "; ".join(f"{_(FLAG_KIND_LABELS.get(k, k))}: {', '.join(_(t) for t in tags)}"
                     for k, tags in grouped.items())


def explanation_text(row: VetRow, _: Tr = _same) -> str:
    """The matcher's explanation in the reader's language (as stored when a reviewer has changed the
    row, or when the row carries no reasons)."""
    if _.lang == "en" or row.review or not row.reasons:
        return row.explanation
    from kartoteka.matching.explain import render_all
    text = render_all(row.reasons, _)
    return f"{_('to confirm:')} {text}" if row.match == "review" else text


def flags_text(tags: list[str], _: Tr = _same, sep: str = ", ") -> str:
    """Flag tags in the reader's language (the catalogs translate each tag's name)."""
    return sep.join(_(t) for t in tags)


def flag_reasons(report: VetReport, _: Tr = _same) -> dict[str, str]:
    """Each flag tag shown in the report with its review question, once (court caveats vary by court,
    so the first one seen stands for the tag), in the reader's language where the question is translated
    (reports.po holds the questions of data/screening.yaml; a changed question shows as written)."""
    out: dict[str, str] = {}
    for row in report.summary.flagged:
        for f in row.flag_detail:
            if f.tag in row.flags and f.tag not in out:
                out[f.tag] = _(_reason_parts(f.reason)[0])
    return out


def _reason_parts(reason: str) -> list[str]:
    """A flag's reason split at its details' labels: [question, label, facts, label, facts ...]."""
    from kartoteka.services.screening import COURT_LABEL, ELEMENTS_LABEL, ORGANISATIONS_LABEL

    pattern = "|".join(re.escape(f" {label}: ") for label in (COURT_LABEL, ELEMENTS_LABEL, ORGANISATIONS_LABEL))
    return re.split(f"({pattern})", reason)


def flag_reason_text(reason: str, _: Tr = _same) -> str:
    """A flag's whole reason (its review question, then "Court: ...", "Offence elements: ..." details, as
    services/screening.py composes it in English) in the reader's language: the question and the details'
    labels translated, the facts (courts, charges) as written, their violence words translated."""
    if _.lang == "en":
        return reason
    from kartoteka.services.screening import flag_facts

    parts = _reason_parts(reason)
    out = [_(parts[0])]
    for label, facts in zip(parts[1::2], parts[2::2], strict=True):
        out.append(f" {_(label.strip()[:-1])}: {flag_facts(facts, _)}")
    return "".join(out)


def missing_sections(report: VetReport, _: Tr = _same) -> list[tuple[str, str]]:
    """(section, heading) of the missing list: recognised first, then held persons under review."""
    held = report.run.held_by
    first = (_("Recognised political prisoners held by %(party)s, not on the list") % {
        "party": party_label(held, _.lang)}) if held else _("Recognised political prisoners not on the list")
    return [("recognised", first),
            ("under_review", _("Held by %(party)s, under review or unassessed, not on the list") % {
                "party": party_label(held, _.lang)})]


class Formatter:
    """The per-row texts, bound to one language (for templates)."""

    def __init__(self, _: Tr) -> None:
        self._ = _

    def status(self, status: str) -> str:
        return status_text(status, self._)

    def match(self, match: str) -> str:
        return self._(MATCH_LABELS.get(match, match))

    def custody(self, ctx: RowContext | MissingPerson | CustodyRecord) -> str:
        return custody_text(ctx, self._)

    def category(self, category: str) -> str:
        return category_text(category, self._)

    def state(self, state: str) -> str:
        return state_label(state, self._.lang)

    def warnings(self, ctx: RowContext) -> str:
        return warnings_text(ctx, self._)

    def fine(self, ctx: RowContext) -> str:
        return fine_statuses_text(ctx, self._)

    def all_flags(self, kinds: list[str]) -> str:
        return all_flags_text(kinds, self._)

    def flags(self, tags: list[str]) -> str:
        return flags_text(tags, self._)

    def explanation(self, row: VetRow) -> str:
        return explanation_text(row, self._)
