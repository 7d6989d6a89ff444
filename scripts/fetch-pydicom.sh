#!/usr/bin/env bash
# Fetch pydicom's real DICOM test files (Debian package python3-pydicom) into
# <repo>/.cache/pydicom/test_files/. Idempotent: exits 0 at once when they are already there.
# The files are never committed (.cache/ is git-ignored); tests call this on demand.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo/.cache/pydicom/test_files"
marker="$repo/.cache/pydicom/.complete"

if [[ -f "$marker" && -f "$dest/CT_small.dcm" ]]; then
  exit 0
fi

# Test workers may call this at the same moment: serialise, then look again.
mkdir -p "$repo/.cache/pydicom"
exec 9>"$repo/.cache/pydicom/.lock"
flock 9
if [[ -f "$marker" && -f "$dest/CT_small.dcm" ]]; then
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

if ! apt-get download python3-pydicom >/dev/null 2>&1; then
  # The package lists may be missing or stale on a fresh machine.
  apt-get update >/dev/null 2>&1 || true
  apt-get download python3-pydicom >/dev/null
fi

deb="$(ls python3-pydicom_*.deb | head -n1)"
dpkg -x "$deb" extracted
src="$(find extracted -type d -path '*/pydicom/data/test_files' | head -n1)"
if [[ -z "$src" ]]; then
  echo "fetch-pydicom: test_files/ not found inside $deb" >&2
  exit 1
fi

rm -rf "$dest.partial"
cp -r "$src" "$dest.partial"
rm -rf "$dest"
mv "$dest.partial" "$dest"
touch "$marker"
echo "fetch-pydicom: $(find "$dest" -type f | wc -l) files in $dest"
