"""Score one list name against one registry person, and explain the score in words.

The list name's tokens are aligned with the registry name's parts (surname, given name,
patronymic) in whatever order gives the best agreement, so "NAVALNY, Alexei", "Alexei Navalny" and
"Навальный Алексей Анатольевич" are all read correctly. Then gender and birth dates adjust the score;
contradictions cap it (see MatchSettings).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import product

from kartoteka.domain.dates import PartialDate
from kartoteka.matching.compare import Sim, compare_given, compare_patronymic, compare_surname
from kartoteka.matching.config import MatchSettings
from kartoteka.matching.explain import N_, Reason, reason, render
from kartoteka.matching.explain import role as explain_role
from kartoteka.matching.tokens import PreparedName, Token, patronymic_gender
from kartoteka.names.keys import particles

ROLES = ("surname", "given", "patronymic")
# kinds of registry names (person_names.kind) worth naming in an explanation
ALIAS_KINDS = {"maiden": N_("maiden"), "married": N_("married"), "former": N_("former"),
               "pseudonym": N_("pseudonym"), "transliteration": N_("other-script"), "alias": N_("alternative")}
_COMPARE = {"surname": compare_surname, "given": compare_given, "patronymic": compare_patronymic}


SIMS_MAX = 200_000   # part comparisons kept per matcher (Query.sims): at most some tens of MB


@dataclass
class Query:
    """A list row prepared once: tokens, joined neighbours, birth date and stated gender."""
    text: str
    units: list[Token]
    n_tokens: int
    birth: PartialDate | None = None
    gender: str | None = None
    # Part comparisons, keyed by (role, list token text, initial, registry token): they depend only on
    # the two tokens, so a matcher (whose settings are fixed) shares one dict across its queries, since
    # names recur (given names and patronymics above all).
    sims: dict[tuple[str, str, bool, Token], Sim] = field(default_factory=dict)
    # per query: options per (role, registry part), alignments per shape (see align)
    options: dict[tuple[str, Token], tuple[tuple[Token, Sim], ...]] = field(default_factory=dict)
    aligned: dict[tuple[object, ...], _Alignment | None] = field(default_factory=dict)
    # per query: the alignment per shape of a registry name whose patronymic agrees with no list word, whatever
    # that patronymic is, with where its caps name it (align: only an explanation names it)
    shapes: dict[tuple[object, ...], tuple[_Alignment | None, int]] = field(default_factory=dict)
    # per query: score_candidate's result per (gender, patronymic, date kind, names) of a candidate; namesakes
    # written alike (the same tokens) and dated alike relative to the query score alike
    scored: dict[tuple[object, ...], Scored | None] = field(default_factory=dict)
    # list words that are real surnames themselves (data/names/surnames.yaml or the registry): read as a
    # typo of another surname, they need a full birth date (Кулаков is not a misspelt Куликов)
    real_surnames: frozenset[str] = frozenset()
    # one-word units: (position, unit, the unit's gender if it reads as a patronymic)
    singles: list[tuple[int, Token, str | None]] = field(init=False)
    patronymic_like: bool = field(init=False)   # some one-word unit reads as a patronymic
    # positions of words a patronymic particle follows (Rüstem in "Rüstem oğlu", Nodaris in "Nodaris dze"):
    # the father's name, never the person's given name
    fathers: frozenset[int] = field(init=False)

    # per written name: the candidates its units find in an index that cannot change (Matcher._rank), by
    # whether surnames about an edit away were looked up too
    found: dict[bool, set[int]] = field(default_factory=dict)

    def born(self, birth: PartialDate | None) -> Query:
        """This query with another birth date, sharing its memos: none of them depends on the date but
        ``scored``, whose keys hold the date kind and whose results score_candidate dates again. Namesakes
        written alike (a third of a million persons' names repeat an earlier one) prepare, look up and
        align their name once."""
        if birth is self.birth:
            return self
        other = object.__new__(Query)
        other.__dict__.update(self.__dict__)   # (the fields and memos as they are: not copy.copy's generic path)
        other.birth = birth
        return other

    def __post_init__(self) -> None:
        self.singles = [(u.covers[0], u, patronymic_gender(u)) for u in self.units if len(u.covers) == 1]
        self.patronymic_like = any(pg is not None for _i, _u, pg in self.singles)
        after = particles()[1]
        self.fathers = frozenset(i - 1 for i, u, _pg in self.singles if i > 0 and u.text.casefold() in after)
        self._roles: dict[tuple[str, bool], tuple[tuple[Token, ...], frozenset[Token]]] = {}

    def role_units(self, role: str, compound: bool) -> tuple[tuple[Token, ...], frozenset[Token]]:
        """(the units that may fill ``role`` against a registry part of one word or, ``compound``, of
        several, in their order; those of them that may only where they share a key with the part), made
        once per query."""
        found = self._roles.get((role, compound))
        if found is None:
            units: list[Token] = []
            joined: set[Token] = set()
            after = particles()[1]
            for unit in self.units:
                several = len(unit.covers) > 1
                if role == "given" and several and (not compound or self.patronymic_like and any(
                        patronymic_gender(p) for p in unit.parts)):
                    # two list words as one given name only against several registry ones (Эмир Усеин);
                    # "Иван Иванович" is a given name and a patronymic, not two given names
                    continue
                if role == "given" and not several and unit.covers[0] in self.fathers:
                    continue   # the father's name before оглы / dze
                if role == "patronymic" and several and not compound and unit.parts[-1].text.casefold() not in after:
                    joined.add(unit)
                units.append(unit)
            found = self._roles[(role, compound)] = (tuple(units), frozenset(joined))
        return found


@dataclass(slots=True)
class Candidate:
    person_index: int
    gender: str | None
    birth: PartialDate | None
    names: list[PreparedName]
    patronymic: Token | None = None   # the person's patronymic, lent to names without one

    def complete_names(self) -> list[PreparedName]:
        """Names without a patronymic (Latin aliases) borrow the person's, so that an alias cannot
        hide a patronymic that contradicts the list."""
        pat = self.patronymic
        if pat is None:
            return self.names
        given = self.names[0].given
        return [n if n.patronymic is not None else
                PreparedName(n.full, n.surname, n.given if n.given is not None else given, pat, n.kind)
                for n in self.names]


@dataclass
class Scored:
    score: float
    name: PreparedName | None
    name_score: float = 0.0
    parts: dict[str, tuple[Token, Sim] | None] = field(default_factory=dict)
    caps: list[tuple[float, Reason]] = field(default_factory=list)
    date: str = "missing"
    list_birth: PartialDate | None = None
    registry_birth: PartialDate | None = None

    @property
    def reason_items(self) -> list[Reason]:
        """The explanation, part by part, as data (built only for the candidates a user sees)."""
        out: list[Reason] = []
        if self.name is not None:
            out = [d for d in (_describe(r, self.parts.get(r), getattr(self.name, r)) for r in ROLES)
                   if d is not None]
            if self.name.kind:
                out.append(reason(N_("found under the registry's %(kind)s name %(name)s"),
                                  kind=reason(ALIAS_KINDS.get(self.name.kind, self.name.kind)), name=self.name.full))
        out.append(date_reason(self.date, self.list_birth, self.registry_birth))
        return out + [why for _, why in self.caps]

    @property
    def reasons(self) -> list[str]:
        """The explanation in English, part by part."""
        return [render(r) for r in self.reason_items]


@dataclass
class _Alignment:
    score: float
    caps: list[tuple[float, Reason]]
    parts: dict[str, tuple[Token, Sim] | None]
    gender: str | None
    compared_patronymic: bool
    needs: tuple[tuple[str, str], ...] = ()   # (role, "date" | "date_or_patronymic"): see Sim.needs


def _weighted(parts: tuple[tuple[Token, Sim] | None, ...], name: PreparedName, s: MatchSettings) -> float:
    """The parts' similarities weighted (surname, given, patronymic); a part missing on both sides,
    or a patronymic missing in the list, neither helps nor hurts."""
    sur, given, pat = parts
    total = s.weight_surname
    got = s.weight_surname * sur[1].score if sur is not None else 0.0
    if given is not None:
        total += s.weight_given
        got += s.weight_given * given[1].score
    elif name.given is not None:
        total += s.weight_given
    if pat is not None:
        total += s.weight_patronymic
        got += s.weight_patronymic * pat[1].score
    return got / total if total else 0.0


def options(q: Query, role: str, part: Token, s: MatchSettings) -> tuple[tuple[Token, Sim], ...]:
    """The list tokens that could fill ``role`` against the registry's ``part`` (once per query and part:
    namesakes share their parts). A token that agrees with nothing is left out (judged in _evaluate)."""
    okey = (role, part)
    opts = q.options.get(okey)
    if opts is None:
        sims = q.sims
        compare = _COMPARE[role]
        compound = bool(part.parts)
        found = []
        units, joined = q.role_units(role, compound)
        for unit in units:
            if unit in joined and not unit.keys & part.keys:
                continue  # two words as one patronymic: Саид Салимович, Ахмед оглы; Абдул-Керимович
                # is one (the registry's Абдулкеримович)
            key = (role, unit.text, unit.initial, part)
            sim = sims.get(key)
            if sim is None:
                if len(sims) >= SIMS_MAX:
                    sims.clear()
                sim = sims[key] = compare(unit, part, s)
            if sim.score > 0 or sim.conflict:
                found.append((unit, sim))
        opts = q.options[okey] = tuple(found)
    return opts


def align(q: Query, name: PreparedName, s: MatchSettings) -> _Alignment | None:
    """Best assignment of list tokens to the registry name's parts; None when no surname agrees."""
    if name.surname is None:
        return None
    sur = options(q, "surname", name.surname, s)
    if not sur:
        return None
    if len(q.units) == 1:   # one word is the surname: no other part can take it (no need to compare them)
        given: tuple[tuple[Token, Sim], ...] = ()
        pat: tuple[tuple[Token, Sim], ...] = ()
    else:
        given = options(q, "given", name.given, s) if name.given is not None else ()
        pat = options(q, "patronymic", name.patronymic, s) if name.patronymic is not None else ()
    # The alignment depends only on these options, on whether the registry name has a given name and a
    # patronymic, and on the patronymic itself when an explanation could name it: namesakes share it.
    named = name.patronymic if q.patronymic_like and not pat else name.patronymic is None
    akey = (id(sur), id(given), id(pat), name.given is None, named)
    try:
        return q.aligned[akey]
    except KeyError:
        pass
    if isinstance(named, Token):
        # A patronymic that agrees with no list word changes neither the best assignment nor its score, only
        # the words of its cap ("patronymic X differs from Y"): at a million persons a common name's block
        # holds hundreds of patronymics, each aligned in full before. Aligned once per shape, then renamed.
        shape = (id(sur), id(given), name.given is None)
        try:
            base, at = q.shapes[shape]
        except KeyError:
            base = _best_alignment(q, name, [list(sur), [None, *given], [None]], s)
            at = next((i for i, (_cap, why) in enumerate(base.caps) if why[0] == PATRONYMIC_DIFFERS_FROM), -1) \
                if base is not None else -1
            q.shapes[shape] = (base, at)
        best = q.aligned[akey] = _renamed(base, at, named.text) if base is not None and at >= 0 else base
        return best
    choices: list[list[tuple[Token, Sim] | None]] = [list(sur), [None, *given], [None, *pat]]
    best = q.aligned[akey] = _best_alignment(q, name, choices, s)
    return best


def _renamed(al: _Alignment, at: int, registry: str) -> _Alignment:
    """``al`` with the registry's patronymic that its cap ``at`` names replaced by ``registry`` (see align)."""
    caps = list(al.caps)
    cap, (msgid, values) = caps[at]
    caps[at] = (cap, (msgid, tuple((k, registry if k == "registry" else v) for k, v in values)))
    return _Alignment(al.score, caps, al.parts, al.gender, al.compared_patronymic, al.needs)


_Combo = tuple[tuple[Token, Sim] | None, ...]   # a part (list token, similarity) or None per role


def _best_alignment(q: Query, name: PreparedName, options: list[list[tuple[Token, Sim] | None]],
                    s: MatchSettings) -> _Alignment | None:
    valid: list[tuple[_Combo, set[int]]] = []
    combo: _Combo
    for combo in product(options[0], options[1], options[2]):
        used: list[int] = []
        for item in combo:
            if item is not None:
                used.extend(item[0].covers)
        taken = set(used)
        if len(used) == len(taken):
            valid.append((combo, taken))
    if not valid:
        return None
    best = valid[0]
    if len(valid) > 1:   # (one assignment alone needs no score to be chosen)
        top = -math.inf
        for combo, taken in valid:   # (the first best, as the alignments come)
            score = _capped(q, name, combo, taken, s, None)   # the score alone: explained for the best only
            if score > top:
                top, best = score, (combo, taken)
    return _evaluate(q, name, best[0], best[1], s)


def _evaluate(q: Query, name: PreparedName, parts: tuple[tuple[Token, Sim] | None, ...], taken: set[int],
              s: MatchSettings) -> _Alignment:
    caps: list[tuple[float, Reason]] = []
    score = _capped(q, name, parts, taken, s, caps)
    gender: str | None = None
    for role, part in zip(ROLES, parts):
        if part is not None and role == "given":
            gender = gender or part[0].gender
        if part is not None and role == "patronymic":
            gender = gender or patronymic_gender(part[0])
    needs = tuple((role, part[1].needs) for role, part in zip(ROLES, parts) if part is not None and part[1].needs)
    sur = parts[0]
    if sur is not None and sur[1].how.startswith("close spelling") and sur[0].text in q.real_surnames:
        needs += (("surname", "real"),)
    return _Alignment(score, caps, dict(zip(ROLES, parts)), gender, parts[2] is not None, needs)


# the patronymic's caps (_capped), which an agreeing full birth date turns into a review (_score)
PATRONYMIC_DIFFERS = N_("patronymic %(word)s differs")
PATRONYMIC_DIFFERS_FROM = N_("patronymic %(word)s differs from %(registry)s")


def _capped(q: Query, name: PreparedName, parts: tuple[tuple[Token, Sim] | None, ...], taken: set[int],
            s: MatchSettings, caps: list[tuple[float, Reason]] | None) -> float:
    """The alignment's score: the parts weighted, a factor per list token left over, capped by each
    contradiction; each cap with its reason appended to ``caps`` unless it is None (a score to compare)."""
    score = _weighted(parts, name, s)
    low = math.inf   # the lowest cap
    for role, part in zip(ROLES, parts):
        if part is None:
            continue
        tok, sim = part
        if sim.conflict == "gender":
            low = min(low, s.cap_gender)
            if caps is not None:
                caps.append((s.cap_gender, reason(N_("%(role)s %(word)s is the other gender's form"),
                                                  role=explain_role(role), word=tok.text)))
        if role == "given" and sim.score < s.given_min and not sim.conflict:
            low = min(low, s.cap_given_differs)
            if caps is not None:
                caps.append((s.cap_given_differs, reason(N_("given name %(word)s differs: another person"),
                                                         word=tok.text)))
        if role == "patronymic" and sim.score < 0.7 and not sim.conflict:
            low = min(low, s.cap_patronymic)
            if caps is not None:
                caps.append((s.cap_patronymic, reason(PATRONYMIC_DIFFERS, word=tok.text)))
    used = len(taken)
    given, pat = parts[1], parts[2]
    if given is None and name.given is not None and used < q.n_tokens:
        low = min(low, s.cap_given_differs)
        if caps is not None:
            caps.append((s.cap_given_differs, reason(N_("given name differs"))))
    if pat is None and name.patronymic is not None and q.patronymic_like:
        spare = next((u for i, u, pg in q.singles if pg is not None and i not in taken), None)
        if spare is not None:
            low = min(low, s.cap_patronymic)
            if caps is not None:
                caps.append((s.cap_patronymic, reason(PATRONYMIC_DIFFERS_FROM,
                                                      word=spare.text, registry=name.patronymic.text)))
    extra = q.n_tokens - used
    if extra > 0:
        # a list word left over that reads as a patronymic, where the registry name has none, costs nothing
        unmatched_pat = name.patronymic is None and extra == 1 and \
            next((pg for i, _u, pg in q.singles if i not in taken), None) is not None
        if not unmatched_pat:
            score *= s.extra_token_factor ** extra
    return min(score, low)


NEEDS = {"date": N_("%(role)s %(word)s (%(how)s) needs a full birth date to confirm"),
         "real": N_("%(role)s %(word)s (%(how)s) is itself a real surname, so not read as a typo without a "
                    "full birth date"),
         "date_or_patronymic": N_("%(role)s %(word)s (%(how)s) needs a patronymic or birth date to confirm")}


def _uncorroborated(al: _Alignment, kind: str, s: MatchSettings) -> list[tuple[float, Reason]]:
    """A part accepted only with corroboration (a short-name typo, a folding, one of several given
    names ...) keeps the score below `match` unless a full birth date (or the patronymic) agrees."""
    pat = al.parts.get("patronymic")
    pat_ok = pat is not None and pat[1].score >= 0.9
    out = []
    for role, need in al.needs:
        if kind == "exact" or (need == "date_or_patronymic" and (pat_ok and role != "patronymic"
                                                                   or kind == "compatible")):
            continue
        part = al.parts.get(role)
        if part is None:
            continue
        out.append((s.uncorroborated, reason(NEEDS[need], role=explain_role(role), word=part[0].text,
                                             how=part[1].reason)))
    return out


def date_kind(a: PartialDate | None, b: PartialDate | None) -> str:
    """'exact' | 'compatible' | 'near' | 'conflict' | 'missing'."""
    if a is None or b is None:
        return "missing"
    if a.year != b.year:
        return "conflict" if abs(a.year - b.year) > 1 or a.day is None or b.day is None \
            or a.days_apart(b) != 1 else "near"
    if a == b and a.day is not None:
        return "exact"
    if a.compatible(b):
        return "compatible"
    if a.days_apart(b) == 1 or (a.day is not None and a.day == b.month and a.month == b.day):
        return "near"
    return "conflict"


def date_reason(kind: str, a: PartialDate | None, b: PartialDate | None) -> Reason:
    if kind == "missing":
        return reason(N_("no birth date in the list") if a is None else N_("no birth date in the registry"))
    if kind == "exact":
        return reason(N_("born %(date)s in both"), date=str(a))
    if kind == "compatible":
        return reason(N_("born %(list)s (list) fits %(registry)s (registry)"), list=str(a), registry=str(b))
    if kind == "near":
        if a is not None and b is not None and a.days_apart(b) == 1:
            return reason(N_("born %(list)s (list) vs %(registry)s (registry): a day apart"), list=str(a),
                          registry=str(b))
        return reason(N_("born %(list)s (list) vs %(registry)s (registry): day and month swapped"), list=str(a),
                      registry=str(b))
    return reason(N_("born %(list)s (list) vs %(registry)s (registry): different dates, a namesake"),
                  list=str(a), registry=str(b))


def date_words(kind: str, a: PartialDate | None, b: PartialDate | None) -> str:
    return render(date_reason(kind, a, b))


def compare_dates(a: PartialDate | None, b: PartialDate | None) -> tuple[str, str]:
    """(kind, words): see date_kind."""
    kind = date_kind(a, b)
    return kind, date_words(kind, a, b)


def _describe(role: str, part: tuple[Token, Sim] | None, reg: Token | None) -> Reason | None:
    if reg is None and part is None:
        return None
    if part is None:
        if role == "surname":
            return None   # a changed surname: said by the cap that allowed it (matching/kin.py)
        return reason(N_("%(role)s %(registry)s: not in the list"), role=explain_role(role),
                      registry=reg.text if reg else "")
    tok, sim = part
    return reason(N_("%(role)s %(word)s ~ %(registry)s (%(how)s)"), role=explain_role(role), word=tok.text,
                  registry=reg.text if reg else "?", how=sim.reason)


def score_candidate(q: Query, cand: Candidate, s: MatchSettings) -> Scored | None:
    """The candidate's score against the query, with its parts and caps (None when no surname agrees).

    The result depends on the candidate only through its names (their texts, kinds and tokens), its gender,
    its patronymic and how its birth date relates to the query's (``date_kind``), so it is kept per query
    under those: at a million persons a common name's block holds many namesakes written alike, and a
    duplicates scan scored each of them in full. The kept result is given the candidate's own birth date."""
    kind = date_kind(q.birth, cand.birth)
    key = (cand.gender, cand.patronymic, kind, *cand.names)
    try:
        done = q.scored[key]
    except KeyError:
        done = q.scored[key] = _score(q, cand, kind, s)
    if done is None or (done.registry_birth is cand.birth and done.list_birth is q.birth):
        return done
    return Scored(done.score, done.name, done.name_score, done.parts, done.caps, kind, q.birth, cand.birth)


def _score(q: Query, cand: Candidate, kind: str, s: MatchSettings) -> Scored | None:
    best: tuple[_Alignment, PreparedName] | None = None
    for name in cand.complete_names():
        al = align(q, name, s)
        if al is not None and (best is None or al.score > best[0].score):
            best = (al, name)
            if al.score >= 1.0:
                break  # no other name of this person can do better
    if best is None:
        return None
    al, name = best
    score = al.score
    caps = list(al.caps)
    q_gender = q.gender or al.gender
    c_gender = cand.gender or name.gender_hint
    if q_gender and c_gender and q_gender != c_gender:
        caps.append((s.cap_gender, reason(N_("gender %(list)s (list) vs %(registry)s (registry)"), list=q_gender,
                                          registry=c_gender)))
    if kind == "exact":
        score = 1 - (1 - score) * 0.5
    elif kind == "compatible":
        score = 1 - (1 - score) * 0.8
    elif kind == "near":
        score *= s.near_date_factor
    elif kind == "conflict":
        caps.append((s.cap_date, reason(N_("birth dates differ"))))
    elif not al.compared_patronymic:
        score *= s.thin_factor
    caps += _uncorroborated(al, kind, s)
    if kind == "exact" and any(why[0] in _PATRONYMIC_DIFFERS for _cap, why in caps):
        # the full birth date agrees: a patronymic that differs alone (a son's patronymic with his father's date,
        # a patronymic miswritten) is for a reviewer to judge, never a match and never silently no one
        caps = [(max(cap, s.review_threshold), why) if why[0] in _PATRONYMIC_DIFFERS else (cap, why)
                for cap, why in caps]
        caps.append((s.review_threshold, reason(N_("the full birth date agrees, so a reviewer should judge the "
                                                   "patronymic that differs"))))
    for cap, _ in caps:
        score = min(score, cap)
    return Scored(round(score, 4), name, al.score, al.parts, caps, kind, q.birth, cand.birth)


_PATRONYMIC_DIFFERS = frozenset({PATRONYMIC_DIFFERS, PATRONYMIC_DIFFERS_FROM})   # the caps a full date relaxes
