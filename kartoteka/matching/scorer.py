"""Score one list name against one registry person, and explain the score in words.

The list name's tokens are aligned with the registry name's parts (surname, given name,
patronymic) in whatever order gives the best agreement, so "NAVALNY, Alexei", "Alexei Navalny" and
"Навальный Алексей Анатольевич" are all read correctly. Then gender and birth dates adjust the score;
contradictions cap it (see MatchSettings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

from kartoteka.domain.dates import PartialDate
from kartoteka.matching.compare import Sim, compare_given, compare_patronymic, compare_surname
from kartoteka.matching.config import MatchSettings
from kartoteka.matching.tokens import PreparedName, Token, patronymic_gender

ROLES = ("surname", "given", "patronymic")
_COMPARE = {"surname": compare_surname, "given": compare_given, "patronymic": compare_patronymic}


@dataclass
class Query:
    """A list row prepared once: tokens, joined neighbours, birth date and stated gender."""
    text: str
    units: list[Token]
    n_tokens: int
    birth: PartialDate | None = None
    gender: str | None = None
    memo: dict[tuple[str, int, Token], Sim] = field(default_factory=dict)


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
        return [n if n.patronymic is not None else PreparedName(n.full, n.surname, n.given, pat)
                for n in self.names]


@dataclass
class Scored:
    score: float
    name: PreparedName | None
    name_score: float = 0.0
    parts: dict[str, tuple[Token, Sim] | None] = field(default_factory=dict)
    caps: list[tuple[float, str]] = field(default_factory=list)
    date: str = "missing"
    list_birth: PartialDate | None = None
    registry_birth: PartialDate | None = None

    @property
    def reasons(self) -> list[str]:
        """The explanation, part by part (built only for the candidates a user sees)."""
        out = []
        if self.name is not None:
            out = [d for d in (_describe(r, self.parts.get(r), getattr(self.name, r)) for r in ROLES) if d]
        out.append(date_words(self.date, self.list_birth, self.registry_birth))
        return out + [why for _, why in self.caps]


@dataclass
class _Alignment:
    score: float
    caps: list[tuple[float, str]]
    parts: dict[str, tuple[Token, Sim] | None]
    gender: str | None
    compared_patronymic: bool


def _weighted(parts: dict[str, tuple[Token, Sim] | None], name: PreparedName, s: MatchSettings) -> float:
    weights = {"surname": s.weight_surname, "given": s.weight_given, "patronymic": s.weight_patronymic}
    total = got = 0.0
    for role in ROLES:
        part = parts.get(role)
        if role == "patronymic" and part is None:
            continue  # a missing patronymic neither helps nor hurts
        if part is None and getattr(name, role) is None:
            continue
        total += weights[role]
        got += weights[role] * (part[1].score if part else 0.0)
    return got / total if total else 0.0


def align(q: Query, name: PreparedName, s: MatchSettings) -> _Alignment | None:
    """Best assignment of list tokens to the registry name's parts; None when no surname agrees."""
    if name.surname is None:
        return None
    options: dict[str, list[tuple[Token, Sim] | None]] = {}
    for role in ROLES:
        part = getattr(name, role)
        opts: list[tuple[Token, Sim] | None] = [None]
        if part is not None:
            for i, unit in enumerate(q.units):
                if role != "surname" and len(unit.covers) > 1:
                    continue
                memo_key = (role, i, part)
                sim = q.memo.get(memo_key)
                if sim is None:
                    sim = q.memo[memo_key] = _COMPARE[role](unit, part, s)
                if sim.score <= 0 and not sim.conflict:
                    continue  # a token left over is judged in _evaluate
                opts.append((unit, sim))
        options[role] = opts
    if len(options["surname"]) == 1:
        return None
    best: _Alignment | None = None
    for combo in product(*(options[r] for r in ROLES)):
        used: list[int] = []
        for item in combo:
            if item is not None:
                used.extend(item[0].covers)
        if len(used) != len(set(used)) or combo[0] is None:
            continue
        parts = dict(zip(ROLES, combo))
        al = _evaluate(q, name, parts, len(set(used)), s)
        if best is None or al.score > best.score:
            best = al
    return best


def _evaluate(q: Query, name: PreparedName, parts: dict[str, tuple[Token, Sim] | None], used: int,
              s: MatchSettings) -> _Alignment:
    score = _weighted(parts, name, s)
    caps: list[tuple[float, str]] = []
    gender: str | None = None
    for role, part in parts.items():
        if part is None:
            continue
        tok, sim = part
        if sim.conflict == "gender":
            caps.append((s.cap_gender, f"{role} {tok.text} is the other gender's form"))
        if role == "given":
            gender = gender or tok.gender
            if sim.score < s.given_min and not sim.conflict:
                caps.append((s.cap_given_differs, f"given name {tok.text} differs: another person"))
        if role == "patronymic":
            gender = gender or patronymic_gender(tok)
            if sim.score < 0.7 and not sim.conflict:
                caps.append((s.cap_patronymic, f"patronymic {tok.text} differs"))
    if parts.get("given") is None and name.given is not None and used < q.n_tokens:
        caps.append((s.cap_given_differs, "given name differs"))
    taken = _used(parts)
    if parts.get("patronymic") is None and name.patronymic is not None:
        spare = [u for u in q.units if len(u.covers) == 1 and u.covers[0] not in taken
                 and patronymic_gender(u) is not None]
        if spare:
            caps.append((s.cap_patronymic, f"patronymic {spare[0].text} differs from {name.patronymic.text}"))
    extra = q.n_tokens - used
    if extra > 0:
        leftover = [u for u in q.units if len(u.covers) == 1 and u.covers[0] not in taken]
        unmatched_pat = name.patronymic is None and extra == 1 and bool(leftover) \
            and patronymic_gender(leftover[0]) is not None
        if not unmatched_pat:
            score *= s.extra_token_factor ** extra
    capped = min([score] + [c for c, _ in caps])
    return _Alignment(capped, caps, parts, gender, parts.get("patronymic") is not None)


def _used(parts: dict[str, tuple[Token, Sim] | None]) -> set[int]:
    return {i for part in parts.values() if part is not None for i in part[0].covers}


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


def date_words(kind: str, a: PartialDate | None, b: PartialDate | None) -> str:
    if kind == "missing":
        return "no birth date in the list" if a is None else "no birth date in the registry"
    if kind == "exact":
        return f"born {a} in both"
    if kind == "compatible":
        return f"born {a} (list) fits {b} (registry)"
    if kind == "near":
        how = "a day apart" if a is not None and b is not None and a.days_apart(b) == 1 \
            else "day and month swapped"
        return f"born {a} (list) vs {b} (registry): {how}"
    return f"born {a} (list) vs {b} (registry): different dates, a namesake"


def compare_dates(a: PartialDate | None, b: PartialDate | None) -> tuple[str, str]:
    """(kind, words): see date_kind."""
    kind = date_kind(a, b)
    return kind, date_words(kind, a, b)


def _describe(role: str, part: tuple[Token, Sim] | None, reg: Token | None) -> str:
    if reg is None and part is None:
        return ""
    if part is None:
        return f"{role} {reg.text if reg else ''}: not in the list"
    tok, sim = part
    return f"{role} {tok.text} ~ {reg.text if reg else '?'} ({sim.how})"


def score_candidate(q: Query, cand: Candidate, s: MatchSettings) -> Scored | None:
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
        caps.append((s.cap_gender, f"gender {q_gender} (list) vs {c_gender} (registry)"))
    kind = date_kind(q.birth, cand.birth)
    if kind == "exact":
        score = 1 - (1 - score) * 0.5
    elif kind == "compatible":
        score = 1 - (1 - score) * 0.8
    elif kind == "near":
        score *= s.near_date_factor
    elif kind == "conflict":
        caps.append((s.cap_date, "birth dates differ"))
    elif not al.compared_patronymic:
        score *= s.thin_factor
    for cap, _ in caps:
        score = min(score, cap)
    return Scored(round(score, 4), name, al.score, al.parts, caps, kind, q.birth, cand.birth)
