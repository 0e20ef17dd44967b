"""A reviewer's "same" or "different" carried to a later list that writes the name another way.

A judgement is stored under the list name's normalised form (matching/engine.py ``query_key``), so
the matcher reuses it for a row written the same way only. The other side re-spells names between
rounds (Cyrillic -> Latin, ё/е, word order), and the same person then comes back as a row in review
with the confirmed person as its candidate. Such a row becomes a match when, for that candidate, a
reviewer said "same" about a name whose every word is a spelling of one of the row's words (the same
transliteration key, matching/names ``token_keys``), with the same birth date or none. Not carried:
to a row the matcher did not already put in review with that person (a similar name of another
person: Семёнович is not Сергеевич, other keys), to a row without the birth date the judgement had,
or when the judgements on the candidate for such spellings disagree or say "unsure". A "different"
alone (said with the row's own birth date or lack of one) sets the candidate aside: the row keeps the
next candidate, still in review, or has no match.
"""

from __future__ import annotations

from itertools import permutations

from sqlalchemy import Connection, select

from kartoteka.db.tables import match_decisions
from kartoteka.matching.engine import MatchResult, NameQuery, _result, query_key
from kartoteka.matching.explain import N_, reason
from kartoteka.names.keys import token_keys

MAX_WORDS = 6      # names longer than this are compared word by word in order, not in every order


def _same_spelling(a: list[str], b: list[str]) -> bool:
    """Whether the words of ``a`` and ``b`` pair off, each pair sharing a transliteration key."""
    if len(a) != len(b) or not a:
        return False
    keys_a, keys_b = [token_keys(w) for w in a], [token_keys(w) for w in b]
    if any(not k for k in (*keys_a, *keys_b)):
        return False
    orders = permutations(range(len(b))) if len(b) <= MAX_WORDS else iter([tuple(range(len(b)))])
    return any(all(keys_a[i] & keys_b[j] for i, j in enumerate(order)) for order in orders)


def carry_respelled(conn: Connection, queries: list[NameQuery], results: list[MatchResult]) -> list[MatchResult]:
    """``results`` with the review rows a reviewer's "same" on another spelling settles made matches."""
    wanted = {r.person_id for r in results if r.decision == "review" and r.person_id is not None}
    if not wanted:
        return results
    judged: dict[int, dict[str, tuple[str, str, str]]] = {}     # person -> query key -> newest (judgement, actor, at)
    stmt = (select(match_decisions.c.person_id, match_decisions.c.query_key, match_decisions.c.judgement,
                   match_decisions.c.actor, match_decisions.c.at)
            .where(match_decisions.c.person_id.in_(sorted(wanted)), match_decisions.c.other_person_id.is_(None))
            .order_by(match_decisions.c.id))
    for pid, key, judgement, actor, at in conn.execute(stmt):
        judged.setdefault(pid, {})[key] = (judgement, actor, str(at)[:10])
    out = list(results)
    for i, (q, res) in enumerate(zip(queries, results)):
        if res.decision != "review" or res.person_id not in judged:
            continue
        own = query_key(q)
        words, _sep, birth = own.partition("|")
        if own in judged[res.person_id]:
            continue            # the matcher has applied the judgement on this very spelling
        close = [(key, j) for key, j in judged[res.person_id].items()
                 if key.rpartition("|")[2] in (birth, "") and _same_spelling(key.rpartition("|")[0].split(),
                                                                              words.split())]
        verdicts = {j[0] for _key, j in close}
        if verdicts == {"different"} and all(key.rpartition("|")[2] == birth for key, _j in close):
            out[i] = _rejected(conn, res, *close[-1])
            continue
        if verdicts != {"same"}:
            continue
        key, (_j, actor, date) = close[-1]
        out[i] = _result(res.person_id, res.ext_id, res.score, "match", [reason(
            N_("confirmed by %(actor)s on %(date)s for the spelling '%(name)s' (human judgement)"),
            actor=actor, date=date, name=key.rpartition("|")[0])], res.alternatives)
    return out


def _rejected(conn: Connection, res: MatchResult, key: str, judged: tuple[str, str, str]) -> MatchResult:
    """A review row whose candidate a reviewer rejected under another spelling (the same birth date): the
    next candidate, still in review, or no match."""
    from kartoteka.services.runs import person_labels

    _j, actor, date = judged
    why = reason(N_("not %(person)s: rejected by %(actor)s on %(date)s for the spelling '%(name)s' (human judgement)"),
                 person=res.ext_id or "", actor=actor, date=date, name=key.rpartition("|")[0])
    if not res.alternatives:
        return _result(None, None, res.score, "no_match", [why])
    pid, score = res.alternatives[0]
    ext = person_labels(conn, [pid]).get(pid, ("", "", ""))[0]
    return _result(pid, ext, score, "review", [why], res.alternatives[1:])
