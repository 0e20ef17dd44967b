"""Match quality on a labelled synthetic list: Kartoteka's matcher against two baselines.

    .venv/bin/python benchmarks/match_quality.py [--persons 2500] [--rows 1000] [--seed 3]

Builds a synthetic registry (kartoteka.synth.registry), imports it into a temporary SQLite database
the normal way, derives labelled list rows (kartoteka.synth.variants: every transformation case plus
relatives, namesakes, opposite-gender forms and unknown people), and prints precision, recall and F1
of `match` decisions, the review rate and recall per case, for:
  - kartoteka-match (this engine, default settings),
  - ASCII folding + rapidfuzz token_sort_ratio (a common quick approach),
  - OpenSanctions nomenklatura LogicV2 (the algorithm behind yente), needs the `bench` extra,
all three deciding over the same candidates (Kartoteka's blocking output).

Then labelled sets by name shape (issue 13), built from name parts into invented people: English,
French, German, Polish/Czech, Armenian/Georgian and Turkic Latin names against their Russian renderings,
compound given names and patronymics, Turkic patronymics (-оглы), middle names, typos a full birth date
confirms, changed surnames (review), common names without a date (review), another real surname one typo
or folding away (never a match without a date), Ukrainian surnames read from their Russian form and
Russified Turkic surnames. Per shape: precision, recall, F1, review rate and false matches for the three
engines in the same run.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.domain.dates import parse_partial_date
from kartoteka.domain.person import parse_gender
from kartoteka.matching.engine import Matcher, MatchResult, NameQuery, PersonRecord
from kartoteka.names.given import given_names
from kartoteka.names.keys import token_keys
from kartoteka.names.parse import split_name
from kartoteka.names.translit import transliterate
from kartoteka.services.imports import import_file
from kartoteka.synth.registry import PERSON_COLUMNS, generate_registry, write_rows
from kartoteka.synth.variants import generate_list

Decide = Callable[[NameQuery, list[int]], tuple[str, int | None]]


def _query(row: dict[str, Any]) -> NameQuery:
    birth = parse_partial_date(row["birth_date"]) if row["birth_date"] else None
    gender = parse_gender(row["gender"]) if row["gender"] else None
    return NameQuery(row["name"], birth, gender, row["id"])


def _record(i: int, p: dict[str, Any]) -> PersonRecord:
    names: list[tuple[str, ...]] = [(" ".join(x for x in (p["surname"], p["given_name"], p["patronymic"]) if x),
                                     p["surname"], p["given_name"], p["patronymic"])]
    for alias in (a.strip() for a in p["aliases"].split(";")):
        if alias:
            parts = split_name(alias)
            names.append((alias, parts.surname, parts.given_name, parts.patronymic))
    return PersonRecord(i, p["id"], p["gender"], parse_partial_date(p["birth_date"]) if p["birth_date"] else None,
                        names)


def _decide(scores: list[tuple[float, int]], match_at: float, review_at: float,
            margin: float) -> tuple[str, int | None]:
    if not scores:
        return "no_match", None
    scores.sort(reverse=True)
    best, row = scores[0]
    if best < review_at:
        return "no_match", None
    if len(scores) > 1 and scores[1][0] >= best - margin:
        return "review", row
    return ("match" if best >= match_at else "review"), row


def rapidfuzz_baseline(matcher: Matcher) -> Decide:
    from normality import ascii_text

    def decide(q: NameQuery, rows: list[int]) -> tuple[str, int | None]:
        qa = ascii_text(q.name).lower()
        scores = [(max(fuzz.token_sort_ratio(qa, ascii_text(n.full).lower()) for n in matcher.candidates_[r].names)
                   / 100, r) for r in rows]
        return _decide(scores, 0.90, 0.75, 0.02)
    return decide


def logic_v2_entity(key: str, names: list[str], birth: Any, gender: str | None) -> Any:
    """A followthemoney Person for nomenklatura (the bench extra)."""
    from followthemoney import model

    e = model.make_entity("Person")
    e.id = key
    for n in names:
        e.add("name", n)
    if birth:
        e.add("birthDate", str(birth))
    if gender:
        e.add("gender", "male" if gender == "m" else "female")
    return e


def logic_v2_baseline(matcher: Matcher) -> Decide:
    from nomenklatura.matching.logic_v2.model import LogicV2

    config = LogicV2.default_config()
    cache: dict[int, Any] = {}
    entity = logic_v2_entity

    def decide(q: NameQuery, rows: list[int]) -> tuple[str, int | None]:
        qe = entity(f"q{id(q)}-{q.row_id}", [q.name], q.birth_date, q.gender.value if q.gender else None)
        scores = []
        for r in rows:
            if r not in cache:
                c = matcher.candidates_[r]
                cache[r] = entity(f"r{r}", [n.full for n in c.names], c.birth, c.gender)
            scores.append((LogicV2.compare(qe, cache[r], config).score, r))
        return _decide(scores, 0.70, 0.50, 0.02)
    return decide


def evaluate(label: str, rows: list[dict[str, Any]], decisions: list[tuple[str, str | None]]) -> None:
    tp = fp = 0
    reviews = 0
    per_case: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong: Counter[str] = Counter()
    n_pos = sum(1 for r in rows if r["_expect"] == "match")
    for row, (decision, ext) in zip(rows, decisions):
        ok_match = decision == "match" and ext == row["_truth"] and row["_truth"] != ""
        if decision == "match":
            if ok_match:
                tp += 1 if row["_expect"] == "match" else 0
            else:
                fp += 1
                wrong[row["_case"]] += 1
        reviews += decision == "review"
        stat = per_case[row["_case"] + ("" if row["_expect"] != "review" else "/expect-review")]
        stat[1] += 1
        if row["_expect"] == "match":
            stat[0] += ok_match
        elif row["_expect"] == "review":
            stat[0] += decision == "review"
        else:
            stat[0] += decision != "match"
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / n_pos if n_pos else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"\n== {label}")
    print(f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  review rate {reviews / len(rows):.3f}"
          f"  (match decisions {tp + fp}, wrong {fp}, rows {len(rows)}, expected matches {n_pos})")
    cells = [f"{case} {ok}/{n} ({ok / n:.2f})" for case, (ok, n) in sorted(per_case.items())]
    print("per case (positives: correct matches; negatives: not matched; expect-review: reviewed):")
    for i in range(0, len(cells), 4):
        print("  " + " | ".join(cells[i:i + 4]))
    if wrong:
        print("wrong matches by case: " + ", ".join(f"{c} {n}" for c, n in wrong.most_common()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=2500)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--no-logic-v2", action="store_true", help="skip the nomenklatura baseline")
    ap.add_argument("--show-errors", type=int, default=0, help="print up to N wrong rows")
    ap.add_argument("--shape-size", type=int, default=40, help="persons drawn per name shape")
    ap.add_argument("--no-shapes", action="store_true", help="skip the name-shape sets")
    ap.add_argument("--only-shapes", action="store_true", help="only the name-shape sets")
    args = ap.parse_args()
    if args.only_shapes:
        run_shapes(args)
        return
    synth = generate_registry(args.persons, seed=args.seed)
    rows = generate_list(synth.persons, args.rows, seed=args.seed + 2)
    print(f"registry {args.persons} persons, list {len(rows)} rows: "
          + ", ".join(f"{k} {v}" for k, v in sorted(Counter(r['_expect'] for r in rows).items())))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "persons.csv"
        write_rows(path, PERSON_COLUMNS, synth.persons)
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade_schema(engine)
        import_file(engine, "persons", path, actor="bench")
        t0 = time.perf_counter()
        matcher = Matcher.from_engine(engine)
        engine.dispose()
    queries = [_query(r) for r in rows]
    t1 = time.perf_counter()
    results: list[MatchResult] = matcher.match_many(queries)
    t2 = time.perf_counter()
    print(f"kartoteka-match {Matcher.VERSION}: index {t1 - t0:.2f}s, matching {t2 - t1:.2f}s")
    evaluate(f"{Matcher.ALGORITHM} {Matcher.VERSION} (match >= {matcher.settings.match_threshold}, "
             f"review >= {matcher.settings.review_threshold}, margin {matcher.settings.margin})",
             rows, [(r.decision, r.ext_id) for r in results])
    if args.show_errors:
        shown = 0
        for row, res in zip(rows, results):
            bad = (res.decision == "match" and res.ext_id != row["_truth"]) or \
                  (row["_expect"] == "match" and not (res.decision == "match" and res.ext_id == row["_truth"]))
            if bad and shown < args.show_errors:
                shown += 1
                print(f"  [{row['_case']}] {row['name']!r} {row['birth_date']} truth={row['_truth'] or '-'} "
                      f"-> {res.decision} {res.ext_id} {res.score:.2f}: {res.explanation}")
    cands = [sorted(matcher.index.candidates(matcher.prepare(q).units)) for q in queries]
    baselines: list[tuple[str, Callable[[], Decide]]] = [
        ("baseline: ASCII folding + rapidfuzz token_sort_ratio (match >= 90, review >= 75)",
         lambda: rapidfuzz_baseline(matcher))]
    if not args.no_logic_v2:
        baselines.append(("baseline: nomenklatura LogicV2 (match >= 0.70, review >= 0.50)",
                          lambda: logic_v2_baseline(matcher)))
    for label, make in baselines:
        try:
            decide = make()
        except ImportError as exc:
            print(f"\n== {label}: skipped ({exc}); install the bench extra", file=sys.stderr)
            continue
        t3 = time.perf_counter()
        out = []
        for q, rs in zip(queries, cands):
            decision, r = decide(q, rs)
            out.append((decision, matcher.ext_ids[r] if r is not None else None))
        evaluate(label + f" [{time.perf_counter() - t3:.1f}s]", rows, out)
    if not args.no_shapes:
        run_shapes(args)


# ---- Labelled sets by name shape (issue 13) ---------------------------------------------------------
# Invented people: every person is a random combination of name parts (surnames and given names as words,
# never a real person's full name), with a random birth date. Each set has positives (the shape written
# another way) and hard negatives (relatives, namesakes, another real surname one typo away, foldings).
# Pairs are (Latin as the name's own language writes it, Cyrillic as Russian writers render it).
EN_SURNAMES = [("Wheeler", "Уилер"), ("Boyd", "Бойд"), ("Rowe", "Роу"), ("Bradshaw", "Брэдшоу"),
               ("Fletcher", "Флетчер"), ("Whitaker", "Уитакер"), ("Thornton", "Торнтон"), ("Walsh", "Уолш"),
               ("Blake", "Блейк"), ("Palmer", "Палмер"), ("Turner", "Тернер"), ("Fisher", "Фишер"),
               ("Holmes", "Холмс"), ("Mitchell", "Митчелл"), ("Carter", "Картер"), ("Sheldon", "Шелдон"),
               ("Preston", "Престон"), ("Dawson", "Доусон"), ("Chapman", "Чепмен"), ("Lambert", "Ламберт"),
               ("Marsh", "Марш"), ("Webb", "Уэбб"), ("Booth", "Бут"), ("Cole", "Коул"), ("Gibson", "Гибсон"),
               ("Lloyd", "Ллойд"), ("Moore", "Мур"), ("Pearson", "Пирсон"), ("Reid", "Рид"), ("Shaw", "Шоу"),
               ("Stone", "Стоун"), ("Wade", "Уэйд"), ("Wood", "Вуд"), ("Hayes", "Хейс"), ("Grant", "Грант")]
EN_GIVEN = [("John", "Джон", "m"), ("Paul", "Пол", "m"), ("Kevin", "Кевин", "m"), ("Michael", "Майкл", "m"),
            ("William", "Уильям", "m"), ("Richard", "Ричард", "m"), ("James", "Джеймс", "m"),
            ("Thomas", "Томас", "m"), ("Robert", "Роберт", "m"), ("David", "Дэвид", "m"), ("Peter", "Питер", "m"),
            ("Andrew", "Эндрю", "m"), ("Christopher", "Кристофер", "m"), ("Patrick", "Патрик", "m"),
            ("Mary", "Мэри", "f"), ("Sarah", "Сара", "f"), ("Emily", "Эмили", "f"), ("Helen", "Хелен", "f"),
            ("Laura", "Лора", "f"), ("Kate", "Кейт", "f"), ("Jane", "Джейн", "f"), ("Susan", "Сьюзан", "f")]
EN_SHORT = {"William": "Bill", "Robert": "Bob", "Richard": "Dick", "Andrew": "Andy", "Michael": "Mike",
            "Thomas": "Tom", "James": "Jim", "Christopher": "Chris", "Peter": "Pete", "Susan": "Sue"}
FR_SURNAMES = [("Moulin", "Мулен"), ("Dupont", "Дюпон"), ("Durand", "Дюран"), ("Girard", "Жирар"),
               ("Rousseau", "Руссо"), ("Fontaine", "Фонтен"), ("Chevalier", "Шевалье"), ("Mercier", "Мерсье"),
               ("Blanchard", "Бланшар"), ("Garnier", "Гарнье"), ("Faure", "Фор"), ("Perrin", "Перрен"),
               ("Renaud", "Рено"), ("Gauthier", "Готье"), ("Marchand", "Маршан"), ("Bertrand", "Бертран")]
FR_GIVEN = [("Philippe", "Филипп", "m"), ("Pierre", "Пьер", "m"), ("Jean", "Жан", "m"), ("Michel", "Мишель", "m"),
            ("François", "Франсуа", "m"), ("Jacques", "Жак", "m"), ("Antoine", "Антуан", "m"),
            ("Marie", "Мари", "f"), ("Sophie", "Софи", "f"), ("Isabelle", "Изабель", "f")]
DE_SURNAMES = [("Schneider", "Шнайдер"), ("Wagner", "Вагнер"), ("Becker", "Беккер"), ("Hoffmann", "Хоффман"),
               ("Richter", "Рихтер"), ("Wolf", "Вольф"), ("Schröder", "Шрёдер"), ("Neumann", "Нойман"),
               ("Zimmermann", "Циммерман"), ("Krüger", "Крюгер"), ("Hartmann", "Хартман"), ("Werner", "Вернер"),
               ("Krause", "Краузе"), ("Meier", "Майер"), ("Lehmann", "Леман"), ("Vogel", "Фогель"),
               ("Stein", "Штайн"), ("Keller", "Келлер"), ("Seidel", "Зайдель"), ("Brandt", "Брандт")]
DE_GIVEN = [("Hans", "Ханс", "m"), ("Jürgen", "Юрген", "m"), ("Klaus", "Клаус", "m"), ("Wolfgang", "Вольфганг", "m"),
            ("Dieter", "Дитер", "m"), ("Uwe", "Уве", "m"), ("Matthias", "Маттиас", "m"), ("Andreas", "Андреас", "m"),
            ("Ursula", "Урсула", "f"), ("Monika", "Моника", "f"), ("Petra", "Петра", "f"), ("Anke", "Анке", "f")]
PL_CS_SURNAMES = [("Kowalski", "Ковальский"), ("Wiśniewski", "Вишневский"), ("Kamiński", "Каминский"),
                  ("Lewandowski", "Левандовский"), ("Zieliński", "Зелинский"), ("Szymański", "Шиманский"),
                  ("Woźniak", "Возняк"), ("Dąbrowski", "Домбровский"), ("Jankowski", "Янковский"),
                  ("Krawczyk", "Кравчик"), ("Dvořák", "Дворжак"), ("Svoboda", "Свобода"), ("Procházka", "Прохазка"),
                  ("Kučera", "Кучера"), ("Horák", "Горак"), ("Němec", "Немец"), ("Pokorný", "Покорны"),
                  ("Marek", "Марек")]
PL_CS_GIVEN = [("Krzysztof", "Кшиштоф", "m"), ("Tomasz", "Томаш", "m"), ("Paweł", "Павел", "m"),
               ("Marcin", "Марцин", "m"), ("Jakub", "Якуб", "m"), ("Wojciech", "Войцех", "m"), ("Jiří", "Иржи", "m"),
               ("Lukáš", "Лукаш", "m"), ("Ondřej", "Ондржей", "m"), ("Agnieszka", "Агнешка", "f"),
               ("Katarzyna", "Катажина", "f"), ("Jana", "Яна", "f")]
CAUCASUS_SURNAMES = [("Harutyunyan", "Арутюнян"), ("Hakobyan", "Акопян"), ("Grigoryan", "Григорян"),
                     ("Sargsyan", "Саргсян"), ("Petrosyan", "Петросян"), ("Khachatryan", "Хачатрян"),
                     ("Avetisyan", "Аветисян"), ("Mkrtchyan", "Мкртчян"), ("Karapetyan", "Карапетян"),
                     ("Beridze", "Беридзе"), ("Kapanadze", "Капанадзе"), ("Gelashvili", "Гелашвили"),
                     ("Jibladze", "Джибладзе"), ("Tskhovrebashvili", "Цховребашвили"), ("Lomidze", "Ломидзе"),
                     ("Kvaratskhelia", "Кварацхелия"), ("Chkheidze", "Чхеидзе"), ("Tsiklauri", "Циклаури"),
                     ("Japaridze", "Джапаридзе"), ("Mamaladze", "Мамаладзе")]
CAUCASUS_GIVEN = [("Ashot", "Ашот", "m"), ("Aram", "Арам", "m"), ("Armen", "Армен", "m"), ("Tigran", "Тигран", "m"),
                  ("Gevorg", "Геворг", "m"), ("Samvel", "Самвел", "m"), ("Levan", "Леван", "m"),
                  ("Zurab", "Зураб", "m"), ("Irakli", "Ираклий", "m"), ("Giorgi", "Георгий", "m"),
                  ("Vakhtang", "Вахтанг", "m"), ("Nino", "Нино", "f"), ("Gayane", "Гаяне", "f")]
TURKIC_SURNAMES = [("Çelebi", "Челеби"), ("Şevketov", "Шевкетов"), ("Cemilev", "Джемилев"), ("Memetov", "Меметов"),
                   ("Xəlilov", "Халилов"), ("Qurbanov", "Курбанов"), ("Hüseynov", "Гусейнов"), ("Ablaev", "Аблаев"),
                   ("Seitumerov", "Сеитумеров"), ("Bekirov", "Бекиров"), ("Asanov", "Асанов"), ("Umerov", "Умеров")]
TURKIC_GIVEN = [("Cemil", "Джемиль", "m"), ("Şevket", "Шевкет", "m"), ("Server", "Сервер", "m"),
                ("Enver", "Энвер", "m"), ("Refat", "Рефат", "m"), ("Nariman", "Нариман", "m"), ("Ahtem", "Ахтем", "m"),
                ("Ilmi", "Ильми", "m"), ("Elmaz", "Эльмаз", "f"), ("Zarema", "Зарема", "f")]
# compound given names and patronymics (Crimean Tatar, Chechen, Tuvan shapes), Cyrillic
COMPOUND_SURNAMES = ["Сейдаметов", "Абдурахманов", "Муждабаев", "Хасанов", "Умаров", "Монгуш", "Ооржак", "Куулар",
                     "Эмирсалиев", "Дадаев", "Бекмурзаев", "Кужугет"]
COMPOUND_GIVEN = ["Эмир-Усеин", "Турпал-Али", "Абдул-Керим", "Али-Асхаб", "Сейт-Умер", "Эмир-Асан", "Мухаммад-Эми",
                  "Ислам-Бек", "Салман-Хаджи"]
COMPOUND_FATHERS = ["Саид-Салим", "Абдул-Керим", "Эмир-Усеин", "Сейт-Умер", "Али-Асхаб", "Ахмед-Хан"]
TURKIC_FATHERS = [("Ахмед", "Akhmed"), ("Рашид", "Rashid"), ("Ильхам", "Ilkham"), ("Вагиф", "Vagif"),
                  ("Эльдар", "Eldar"), ("Нурлан", "Nurlan"), ("Фуад", "Fuad")]
TURKIC_PAT_SURNAMES = [("Алиев", "Aliyev"), ("Мамедов", "Mamedov"), ("Гасанов", "Gasanov"), ("Исмаилов", "Ismailov"),
                       ("Керимов", "Kerimov"), ("Джафаров", "Dzhafarov")]
TURKIC_PAT_GIVEN = [("Рашад", "Rashad"), ("Тогрул", "Togrul"), ("Эмин", "Emin"), ("Ильгар", "Ilgar"),
                    ("Самир", "Samir"), ("Эльчин", "Elchin")]
# Ukrainian surnames in -ський/-цький, read from their Russian form in Latin lists
UK_SURNAMES = ["Малотський", "Мохотський", "Біловицький", "Завадський", "Кравецький", "Ольшанський", "Вербицький",
               "Гнатовський", "Жолудецький", "Тарнавський", "Левицький", "Стебельський", "Гординський",
               "Бродецький", "Сухомлинський"]
UK_GIVEN = [("Станіслав", "Станислав", "m"), ("Вячеслав", "Вячеслав", "m"), ("Олександр", "Александр", "m"),
            ("Віктор", "Виктор", "m"), ("Тарас", "Тарас", "m"), ("Оксана", "Оксана", "f"), ("Ірина", "Ирина", "f")]
# Turkic stems that Russian documents write with -ов/-ев (Куртбекир / Куртбекиров)
RUSSIFIED = [("Kurtbekir", "Куртбекиров"), ("Seitmemet", "Сеитмеметов"), ("Abdulvapi", "Абдулвапиев"),
             ("Ismail", "Исмаилов"), ("Ablyamit", "Аблямитов"), ("Dzhemaledin", "Джемаледин"), ("Osmanaga", "Османагаев"),
             ("Kurtumer", "Куртумеров"), ("Aliyevich", "")]
RUSSIFIED = [(a, b) for a, b in RUSSIFIED if b and b.endswith(("ов", "ев"))]
RU_GIVEN = [("Сергей", "Sergei", "m"), ("Андрей", "Andrei", "m"), ("Олег", "Oleg", "m"), ("Иван", "Ivan", "m"),
            ("Ольга", "Olga", "f"), ("Анна", "Anna", "f"), ("Елена", "Elena", "f"), ("Павел", "Pavel", "m")]
RU_FATHERS = [("Петрович", "Петровна", "Petrovich", "Petrovna"), ("Сергеевич", "Сергеевна", "Sergeevich", "Sergeevna"),
              ("Иванович", "Ивановна", "Ivanovich", "Ivanovna"), ("Олегович", "Олеговна", "Olegovich", "Olegovna")]
# real surnames one typo (or one folding) apart: a list writing the first must not match the second without a date
REAL_PAIRS = [("Kulakov", "Куликов"), ("Kozhin", "Кашин"), ("Lapin", "Лапшин"), ("Gusev", "Гуцев"),
              ("Lukin", "Лунин"), ("Rogov", "Рагов"), ("Shilov", "Жилов"), ("Zhukov", "Шуков"), ("Zharov", "Шаров"),
              ("Kotov", "Котлов"), ("Zimin", "Зимнин"), ("Sizov", "Сазов"), ("Panin", "Панкин")]
RARE_GIVEN = [("Радим", "Radim"), ("Изяслав", "Izyaslav"), ("Никодим", "Nikodim"), ("Ефрем", "Efrem"),
              ("Всеволод", "Vsevolod"), ("Ярополк", "Yaropolk")]
REAL_PAIRS = [(a, b) for a, b in REAL_PAIRS if a.lower() != transliterate(b, "icao").lower()]
FEMININE = (("ов", "ова"), ("ев", "ева"), ("ин", "ина"), ("ский", "ская"), ("цкий", "цкая"), ("ський", "ська"),
            ("цький", "цька"))


def _fem(surname: str, gender: str) -> str:
    if gender != "f":
        return surname
    for m, f in FEMININE:
        if surname.endswith(m):
            return surname[: -len(m)] + f
    return surname


def _fem_lat(surname: str, gender: str) -> str:
    return surname + "a" if gender == "f" and surname.endswith(("ov", "ev", "in")) else surname


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1950, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _other_date(rng: random.Random, iso: str) -> str:
    while True:
        d = _date(rng)
        if d[:4] != iso[:4]:
            return d


class _Shapes:
    """Registry persons (PersonRecord) and labelled rows, set by set."""

    def __init__(self, seed: int, taken: set[str]):
        self.rng = random.Random(seed)
        self.records: list[PersonRecord] = []
        self.rows: list[dict[str, Any]] = []
        self.used: set[str] = set(taken)   # "surname:given" already in the registry

    def person(self, names: list[tuple[str, ...]], gender: str, birth: str | None) -> str:
        pid = len(self.records) + 10_000_000
        ext = f"S{pid}"
        self.records.append(PersonRecord(pid, ext, gender, parse_partial_date(birth) if birth else None, names))
        return ext

    def row(self, shape: str, case: str, name: str, birth: str, truth: str, expect: str) -> None:
        self.rows.append({"id": str(len(self.rows) + 1), "name": name, "birth_date": birth, "gender": "",
                          "_truth": truth, "_case": f"{shape}:{case}", "_expect": expect, "_shape": shape})

    def unique(self, key: str) -> bool:
        if key in self.used:
            return False
        self.used.add(key)
        return True


def _foreign(sh: _Shapes, shape: str, surnames: list[tuple[str, str]], given: list[tuple[str, str, str]],
             n: int, short: dict[str, str] | None = None) -> None:
    """Registry in Cyrillic (as Russian documents render the name), list in the Latin original."""
    rng = sh.rng
    for _ in range(n):
        (ls, cs), (lg, cg, g) = rng.choice(surnames), rng.choice(given)
        if not sh.unique(f"{cs}:{cg}"):
            continue
        born = _date(rng)
        ext = sh.person([(f"{cs} {cg}", cs, cg, "")], g, born)
        k = rng.random()
        if k < 0.35:
            sh.row(shape, "latin", f"{lg} {ls}", "", ext, "match")
        elif k < 0.6:
            sh.row(shape, "latin_date", f"{ls.upper()}, {lg}", born, ext, "match")
        elif k < 0.75 and short and lg in short:
            sh.row(shape, "short_form", f"{short[lg]} {ls}", born, ext, "match")
        else:
            sh.row(shape, "surname_first", f"{ls} {lg}", born if rng.random() < 0.5 else "", ext, "match")
        # hard negatives: a relative (same surname, another given name of the same gender), a namesake
        other = [x for x in given if x[2] == g and x[0] != lg and not (short and short.get(x[0]) == short.get(lg))]
        if other and rng.random() < 0.5:
            og = rng.choice(other)
            if sh.unique(f"{cs}:{og[1]}"):   # nobody of that name is (or will be) in the registry
                sh.row(shape, "relative", f"{og[0]} {ls}", "", "", "no_match")
        elif rng.random() < 0.5:
            sh.row(shape, "namesake_other_date", f"{lg} {ls}", _other_date(rng, born), "", "no_match")


def _compound(sh: _Shapes, n: int) -> None:
    rng = sh.rng
    for _ in range(n):
        s, g, f = rng.choice(COMPOUND_SURNAMES), rng.choice(COMPOUND_GIVEN), rng.choice(COMPOUND_FATHERS)
        female = rng.random() < 0.2
        pat = f + ("овна" if female else "ович")
        if female:
            g = rng.choice(["Айлана-Чечек", "Шерифе-Ханум", "Мерьем-Ана", "Эльмаз-Ханум"])
        if not sh.unique(f"{s}:{g}"):
            continue
        gender = "f" if female else "m"
        surname = _fem(s, gender) if s.endswith(("ов", "ев")) else s
        born = _date(rng)
        ext = sh.person([(f"{surname} {g} {pat}", surname, g, pat)], gender, born)
        k = rng.random()
        if k < 0.3:
            sh.row("compound", "exact", f"{surname} {g} {pat}", born, ext, "match")
        elif k < 0.5:
            sh.row("compound", "spaces", f"{surname} {g.replace('-', ' ')} {pat.replace('-', ' ')}", "", ext, "match")
        elif k < 0.8:
            sh.row("compound", "latin", transliterate(f"{g} {pat} {surname}", rng.choice(["icao", "bgn", "english_press"])),
                   born if rng.random() < 0.5 else "", ext, "match")
        else:
            sh.row("compound", "first_part_date", f"{surname} {g.split('-')[0]}", born, ext, "match")
        og = rng.choice([x for x in COMPOUND_GIVEN if x != g])
        if rng.random() < 0.4 and sh.unique(f"{s}:{og}"):
            sh.row("compound", "relative", f"{surname} {og} {pat}", "", "", "no_match")


def _turkic_patronymic(sh: _Shapes, n: int) -> None:
    rng = sh.rng
    for _ in range(n):
        (cs, ls), (cg, lg), (cf, lf) = rng.choice(TURKIC_PAT_SURNAMES), rng.choice(TURKIC_PAT_GIVEN), \
            rng.choice(TURKIC_FATHERS)
        if not sh.unique(f"{cs}:{cg}"):
            continue
        born = _date(rng)
        ext = sh.person([(f"{cs} {cg} {cf} оглы", cs, cg, f"{cf} оглы")], "m", born)
        k = rng.random()
        if k < 0.35:
            sh.row("turkic_patronymic", "latin", f"{ls} {lg} {lf} ogly", "", ext, "match")
        elif k < 0.7:
            sh.row("turkic_patronymic", "russian_form", f"{cs} {cg} {cf}ович", "", ext, "match")
        else:
            sh.row("turkic_patronymic", "joined", f"{cs} {cg} {cf}оглы", born, ext, "match")
        of = rng.choice([x for x in TURKIC_FATHERS if x[0] != cf])
        if rng.random() < 0.5:
            sh.row("turkic_patronymic", "other_father", f"{cs} {cg} {of[0]} оглы", "", "", "no_match")


def _middle_names(sh: _Shapes, n: int) -> None:
    rng = sh.rng
    males = [x for x in EN_GIVEN if x[2] == "m"]
    for _ in range(n):
        (ls, cs), (lg, cg, _g), (lm, cm, _m) = rng.choice(EN_SURNAMES), rng.choice(males), rng.choice(males)
        if lg == lm or not sh.unique(f"{cs}:{cg}"):
            continue
        born = _date(rng)
        ext = sh.person([(f"{cs} {cg} {cm}", cs, cg, cm)], "m", born)
        k = rng.random()
        if k < 0.4:
            sh.row("middle_name", "without_middle", f"{lg} {ls}", born, ext, "match")
        elif k < 0.7:
            sh.row("middle_name", "with_middle", f"{lg} {lm} {ls}", "", ext, "match")
        else:
            sh.row("middle_name", "several_given_in_one_field", f"{ls}, {lg} {lm}", born, ext, "match")
        other = rng.choice([x for x in males if x[0] not in (lg, lm)])
        if rng.random() < 0.4:
            sh.row("middle_name", "other_middle", f"{lg} {other[0]} {ls}", "", "", "no_match")


def _east_slavic_corroboration(sh: _Shapes, n: int) -> None:
    """Typos that the other parts and a full date confirm; a changed surname (review); common names
    without a date (review); another real surname one typo or folding away (never a match undated);
    Ukrainian surnames read from their Russian form; Diminutives."""
    rng = sh.rng
    ru_surnames = ["Соковов", "Пермяков", "Белозёров", "Ломакин", "Трегубов", "Шестопалов", "Кривошеин", "Заболотный"]
    for _ in range(n):
        (cg, lg, g), (pm, pf, lpm, lpf) = rng.choice(RU_GIVEN), rng.choice(RU_FATHERS)
        cs = _fem(rng.choice(ru_surnames), g)
        pat, lpat = (pf, lpf) if g == "f" else (pm, lpm)
        if not sh.unique(f"{cs}:{cg}"):
            continue
        born = _date(rng)
        ext = sh.person([(f"{cs} {cg} {pat}", cs, cg, pat)], g, born)
        k = rng.random()
        if k < 0.5:
            i = rng.randrange(1, len(cg) - 1)
            typo = cg[:i] + cg[i + 1:]
            if token_keys(typo) & token_keys(cg) or given_names().class_ids(typo) & given_names().class_ids(cg):
                continue   # not a typo in any reading (Олга, Ана, Андрй = Андрій): another spelling of the name
            sh.row("typo_confirmed", "given_typo_full_date", f"{cs} {typo} {pat}", born, ext, "match")
            sh.row("typo_confirmed", "given_typo_name_only", f"{cs} {typo}", "", ext, "review")
        else:
            new = _fem(rng.choice(["Гончар", "Руденко", "Самойлов", "Литвинов"]), g) if g == "f" \
                else rng.choice(["Руденко", "Гончар"])
            sh.row("changed_surname", "same_given_patronymic_date", f"{new} {cg} {pat}", born, ext, "review")
            sh.row("changed_surname", "other_date", f"{new} {cg} {pat}", _other_date(rng, born), "", "no_match")
    for typo_lat, real in REAL_PAIRS:
        cg, lg = rng.choice(RARE_GIVEN)
        born = _date(rng)
        ext = sh.person([(f"{real} {cg} Петрович", real, cg, "Петрович")], "m", born)
        sh.row("real_surname_typo", "no_date", f"{lg} {typo_lat}", "", "", "no_match")
        sh.row("real_surname_typo", "with_full_date", f"{lg} {typo_lat}", born, ext, "match")
    for s in rng.sample(["Иванов", "Смирнов", "Кузнецов", "Попов", "Петров", "Соколов"], 4):
        cg, lg, g = rng.choice([x for x in RU_GIVEN if x[2] == "m" and f"{s}:{x[0]}" not in sh.used])
        sh.used.add(f"{s}:{cg}")
        born = _date(rng)
        ext = sh.person([(f"{s} {cg} Олегович", s, cg, "Олегович")], "m", born)
        sh.row("common_name", "name_only", f"{lg} {transliterate(s, 'icao')}", "", ext, "review")
        sh.row("common_name", "with_date", f"{lg} {transliterate(s, 'icao')}", born, ext, "match")
    for _ in range(n // 2):
        s, (ug, rg, g) = rng.choice(UK_SURNAMES), rng.choice(UK_GIVEN)
        us = _fem(s, g)
        if not sh.unique(f"{us}:{ug}"):
            continue
        born = _date(rng)
        ext = sh.person([(f"{us} {ug}", us, ug, "")], g, born)
        ru = us.replace("ський", "ский").replace("цький", "цкий").replace("ська", "ская").replace("цька", "цкая") \
            .replace("і", "и")
        scheme = rng.choice(["english_press", "bgn", "icao", "gost52535"])
        name = transliterate(f"{rg} {ru}", scheme) if rng.random() < 0.6 else transliterate(f"{ru} {rg}", scheme)
        sh.row("uk_surname_ru_form", scheme, name, born, ext, "match")


def _russified(sh: _Shapes) -> None:
    rng = sh.rng
    for native, russian in RUSSIFIED:
        (lg, cg, g) = rng.choice([x for x in TURKIC_GIVEN if x[2] == "m"])
        born = _date(rng)
        ext = sh.person([(f"{russian} {cg}", russian, cg, "")], "m", born)
        sh.row("russified", "native_with_date", f"{native} {lg}", born, ext, "match")
        sh.row("russified", "native_no_date", f"{lg} {native}", "", ext, "review")


def shape_sets(seed: int, n: int, taken: set[str]) -> tuple[list[PersonRecord], list[dict[str, Any]]]:
    sh = _Shapes(seed, taken)
    _foreign(sh, "english", EN_SURNAMES, EN_GIVEN, n, EN_SHORT)
    _foreign(sh, "french", FR_SURNAMES, FR_GIVEN, n)
    _foreign(sh, "german", DE_SURNAMES, DE_GIVEN, n)
    _foreign(sh, "polish_czech", PL_CS_SURNAMES, PL_CS_GIVEN, n)
    _foreign(sh, "armenian_georgian", CAUCASUS_SURNAMES, CAUCASUS_GIVEN, n)
    _foreign(sh, "turkic_latin", TURKIC_SURNAMES, TURKIC_GIVEN, n)
    _compound(sh, n)
    _turkic_patronymic(sh, n)
    _middle_names(sh, n)
    _east_slavic_corroboration(sh, n)
    _russified(sh)
    return sh.records, sh.rows


def _score(rows: list[dict[str, Any]], decisions: list[tuple[str, str | None]]) -> tuple[float, float, float, float, int]:
    tp = fp = reviews = 0
    n_pos = sum(1 for r in rows if r["_expect"] == "match")
    for row, (decision, ext) in zip(rows, decisions):
        if decision == "match":
            if ext == row["_truth"] and row["_truth"] and row["_expect"] == "match":
                tp += 1
            elif not (ext == row["_truth"] and row["_truth"]):
                fp += 1
        reviews += decision == "review"
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / n_pos if n_pos else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, reviews / len(rows), fp


def run_shapes(args: argparse.Namespace) -> None:
    """Each shape's set against one registry (the synthetic East Slavic persons plus every shape's)."""
    synth = generate_registry(args.persons, seed=args.seed)
    taken = {f"{_fem(p['surname'], 'm') if False else p['surname']}:{p['given_name']}" for p in synth.persons}
    taken |= {f"{p['surname'][:-1] if p['surname'].endswith('а') else p['surname']}:{p['given_name']}"
              for p in synth.persons}
    records, rows = shape_sets(args.seed + 11, args.shape_size, taken)
    base = [_record(i, p) for i, p in enumerate(synth.persons, 1)]
    matcher = Matcher(base + records)
    queries = [_query(r) for r in rows]
    results = [(r.decision, r.ext_id) for r in matcher.match_many(queries)]
    engines: list[tuple[str, list[tuple[str, str | None]]]] = [(f"{Matcher.ALGORITHM} {Matcher.VERSION}", results)]
    cands = [sorted(matcher.index.candidates(matcher.prepare(q).units)) for q in queries]
    makers: list[tuple[str, Callable[[], Decide]]] = [("rapidfuzz", lambda: rapidfuzz_baseline(matcher))]
    if not args.no_logic_v2:
        makers.append(("LogicV2", lambda: logic_v2_baseline(matcher)))
    for label, make in makers:
        try:
            decide = make()
        except ImportError as exc:
            print(f"{label} skipped ({exc})", file=sys.stderr)
            continue
        out = []
        for q, rs in zip(queries, cands):
            decision, r = decide(q, rs)
            out.append((decision, matcher.ext_ids[r] if r is not None else None))
        engines.append((label, out))
    print(f"\n== name shapes (issue 13): {len(records)} invented persons added to {args.persons} synthetic ones, "
          f"{len(rows)} labelled rows (precision / recall / F1 / review rate; wrong = false matches)")
    print(f"{'shape':22} {'rows':>5} " + " ".join(f"{name[:24]:>31}" for name, _ in engines))
    for shape in sorted({r["_shape"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["_shape"] == shape]
        cells = []
        for _name, decisions in engines:
            p, rc, f1, rv, fp = _score([rows[i] for i in idx], [decisions[i] for i in idx])
            cells.append(f"{p:.3f} {rc:.3f} {f1:.3f} {rv:.2f} w{fp:<2}")
        print(f"{shape:22} {len(idx):>5} " + " ".join(f"{c:>31}" for c in cells))
    if args.show_errors:
        shown = 0
        for row, (decision, ext) in zip(rows, results):
            ok = (decision == "match" and ext == row["_truth"]) if row["_expect"] == "match" else \
                (decision == "review") if row["_expect"] == "review" else decision != "match"
            if not ok and shown < args.show_errors:
                shown += 1
                print(f"  [{row['_case']}] {row['name']!r} {row['birth_date']} truth={row['_truth'] or '-'} "
                      f"expect {row['_expect']} -> {decision} {ext}")


if __name__ == "__main__":
    main()
