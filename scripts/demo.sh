#!/usr/bin/env bash
# `make demo`: a synthetic registry, imported and vetted, end to end. Nothing here is real data.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=demo-output
BIN=.venv/bin
export KARTOTEKA_DB="$OUT/demo.db"
export KARTOTEKA_ACTOR=demo
rm -rf "$OUT"
mkdir -p "$OUT"
echo "== 1. A fresh database: $KARTOTEKA_DB"
$BIN/kartoteka init
echo "== 2. A synthetic registry (2,000 invented persons with cases and assessments)"
$BIN/kartoteka synth --out "$OUT/registry" --persons 2000 --seed 7
$BIN/kartoteka import persons "$OUT/registry/persons.csv"
$BIN/kartoteka import cases "$OUT/registry/cases.csv"
$BIN/kartoteka import assessments "$OUT/registry/assessments.csv"
echo "== 3. One person as the registry holds them"
$BIN/kartoteka show P0000003
echo "== 4. Review flags raised by that person's charges (they never set a status)"
$BIN/kartoteka screen P0000003
echo "== 5. Vetting a synthetic exchange list against the registry"
$BIN/kartoteka demo-list --out "$OUT/exchange-list.csv" --seed 7
$BIN/kartoteka vet "$OUT/exchange-list.csv" --definition guidelines-2013 --out "$OUT/report.html" \
  --round "Round 1" --side "Side A"
for fmt in csv xlsx pdf; do
  $BIN/kartoteka runs export latest --out "$OUT/report.$fmt" >/dev/null
done
echo "== 6. A two-sided round: who holds whom (synthetic custody), each side's list vetted with --held-by"
$BIN/kartoteka custody synth --out "$OUT/round" --seed 7
$BIN/kartoteka import custody "$OUT/round/custody.csv"
$BIN/kartoteka vet "$OUT/round/list-ua.csv" --definition guidelines-2013 --definition amnesty-poc --held-by RU \
  --round "Round 2" --side UA --label "UA asks RU" --out "$OUT/round/ua-asks.html" --out "$OUT/round/ua-asks.csv" \
  --out "$OUT/round/ua-asks.pdf" --lang uk
$BIN/kartoteka vet "$OUT/round/list-ru.csv" --definition guidelines-2013 --held-by UA \
  --round "Round 2" --side RU --label "RU asks UA" --out "$OUT/round/ru-asks.html" --lang ru
FIRST=$(sed -n '2p' "$OUT/round/ua-asks.csv" | cut -d, -f3)
if [ -n "$FIRST" ]; then
  $BIN/kartoteka outcome "$FIRST" exchanged --date 2025-05-23 --run "UA asks RU"
  $BIN/kartoteka custody show "$FIRST"
fi
$BIN/kartoteka rounds summary "Round 2"
echo
echo "The vetting report is at $(pwd)/$OUT/report.html (also report.csv, report.xlsx, report.pdf)"
echo "The web interface: export KARTOTEKA_DB=$KARTOTEKA_DB; $BIN/kartoteka user add admin --role admin (asks for a password);"
echo "  then $BIN/kartoteka serve and open http://127.0.0.1:8000/"
echo "Try: KARTOTEKA_DB=$KARTOTEKA_DB $BIN/kartoteka --help"
