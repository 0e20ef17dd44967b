"""The matcher's thresholds and weights, in one explicit, documented place (see docs/matching.md)."""

from __future__ import annotations

from dataclasses import dataclass

ALGORITHM = "kartoteka-match"
VERSION = "1.4"   # 1.4: look-alike letters of the other script, Georgian patronymics, -ян / -ов need a date (docs/matching.md)


@dataclass(frozen=True)
class MatchSettings:
    match_threshold: float = 0.88     # best score at or above: `match` (if nothing else is close)
    review_threshold: float = 0.70    # best score at or above (and below match): `review`
    margin: float = 0.06              # a second candidate within this of the best: `review`
    surname_min: float = 0.80         # surname similarity below this: not a candidate
    given_min: float = 0.70           # given-name similarity below this: another person (a relative?)
    weight_surname: float = 0.50
    weight_given: float = 0.33
    weight_patronymic: float = 0.17
    cap_given_differs: float = 0.40   # score ceiling when given names differ
    cap_gender: float = 0.30          # ceiling when genders differ (Navalny / Navalnaya)
    cap_patronymic: float = 0.55      # ceiling when both have patronymics and they differ
    cap_date: float = 0.45            # ceiling when birth dates contradict (namesakes)
    near_date_factor: float = 0.96    # a day off by one, or day and month swapped
    thin_factor: float = 0.97         # neither a birth date nor a patronymic to confirm the name
    extra_token_factor: float = 0.90  # per list token that matches nothing in the registry name
    typo_factor: float = 0.95         # applied to an edit-distance similarity
    short_typo: float = 0.80          # a short given name one letter off (Ивн / Иван): needs a full date
    compound_part: float = 0.92       # the list gives one of several given names (Эмир / Эмир-Усеин)
    russified: float = 0.90           # Куртбекир / Куртбекиров: needs a patronymic or a birth date
    kin_review: float = 0.80          # given name, patronymic and full birth date agree, surname differs
    folded: float = 0.93              # Kozhin / Кашин: the same key only after folding; needs a full date
    population: int = 20_000          # people the registry stands for (for how common a name is)
    common_name: float = 3.0          # expected bearers of a name there from which a name alone is `review`
    given_share: tuple[float, float] = (0.005, 0.05)   # a given name's share in the registry, clamped
    uncorroborated: float = 0.86      # ceiling when a part needs a date (or patronymic) the row lacks

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


DEFAULT = MatchSettings()
