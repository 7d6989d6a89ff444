#!/usr/bin/env bash
# Fetch the Wisconsin diagnostic breast cancer data (569 patients; Street, Wolberg & Mangasarian
# 1993) as shipped in Debian's python3-sklearn (sklearn/datasets/data/breast_cancer.csv, plus its
# description breast_cancer.rst) into <repo>/.cache/sklearn/. Idempotent: exits 0 at once when the
# file is already there. Never committed (.cache/ is git-ignored); `npm run wisconsin` and its test
# call this on demand.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo/.cache/sklearn"
csv="$dest/breast_cancer.csv"

if [[ -f "$csv" && -f "$dest/.complete" ]]; then
  exit 0
fi

mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9
if [[ -f "$csv" && -f "$dest/.complete" ]]; then
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

if ! apt-get download python3-sklearn >/dev/null 2>&1; then
  # The package lists may be missing or stale on a fresh machine.
  apt-get update >/dev/null 2>&1 || true
  apt-get download python3-sklearn >/dev/null
fi

deb="$(ls python3-sklearn_*.deb | head -n1)"
dpkg -x "$deb" extracted
src="$(find extracted -type f -path '*/sklearn/datasets/data/breast_cancer.csv' | head -n1)"
if [[ -z "$src" ]]; then
  echo "fetch-wisconsin: sklearn/datasets/data/breast_cancer.csv not found inside $deb" >&2
  exit 1
fi
cp "$src" "$csv.partial"
rst="$(find extracted -type f -path '*/sklearn/datasets/descr/breast_cancer.rst' | head -n1)"
[[ -n "$rst" ]] && cp "$rst" "$dest/breast_cancer.rst"
echo "$deb" > "$dest/SOURCE"
mv "$csv.partial" "$csv"
touch "$dest/.complete"
echo "fetch-wisconsin: $(($(wc -l < "$csv") - 1)) rows in $csv (from $deb)"
