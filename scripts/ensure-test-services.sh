#!/usr/bin/env bash
# Makes sure what the test suite needs is on this machine: a running local PostgreSQL server,
# Debian's Chromium, Orthanc with its DICOMweb plugin and dcmtk (the DICOMweb tests start their own
# Orthanc process; dsrdump checks the Structured Reports), and the real DICOM test files from
# Debian's python3-pydicom.
# Installs with apt when missing (needs root, as on CI); otherwise says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_HOST=${PGHOST_TEST:-127.0.0.1}
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then $SUDO apt-get update -qq || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"
}

pg_ready() { pg_isready -h "$PG_HOST" -p 5432 -q 2>/dev/null; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 && ! command -v pg_isready >/dev/null 2>&1; then
  echo "[setup] PostgreSQL not installed: installing Debian's postgresql"
  apt_install postgresql
fi
if ! pg_ready; then
  echo "[setup] PostgreSQL not answering on $PG_HOST:5432: starting the local cluster"
  if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
    ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
    $SUDO pg_createcluster "$ver" main || true
  fi
  pg_lsclusters -h | while read -r ver name _; do
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || true
  done
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
fi
pg_ready || { echo "[setup] PostgreSQL is still not reachable on $PG_HOST:5432"; exit 1; }
# The suite connects as postgres over TCP without a password (trust on localhost, as on CI machines).
if ! psql -h "$PG_HOST" -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
  echo "[setup] cannot connect as postgres@$PG_HOST without a password; enabling trust for 127.0.0.1"
  hba=$($SUDO -u postgres psql -Atc 'show hba_file' 2>/dev/null || su postgres -c "psql -Atc 'show hba_file'")
  sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  su postgres -c "psql -c 'select pg_reload_conf()'" >/dev/null
fi
echo "[setup] PostgreSQL: $(psql -h "$PG_HOST" -U postgres -d postgres -Atc 'show server_version')"

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "[setup] Chromium missing: installing Debian's chromium"
  apt_install chromium
fi
echo "[setup] Chromium: $("${CHROMIUM_PATH:-/usr/bin/chromium}" --version 2>/dev/null | head -1)"
# A Korean font, so the ko-KR pages (e2e/i18n.spec.ts screenshots) render Hangul instead of boxes.
if ! fc-list 2>/dev/null | grep -qi "nanum"; then
  echo "[setup] Korean font missing: installing Debian's fonts-nanum"
  apt_install fonts-nanum || echo "[setup] fonts-nanum could not be installed: Korean screenshots will show boxes"
fi

# A real PACS for the DICOMweb tests (test/support/orthanc.ts runs it as a plain process on a free
# loopback port with its own configuration; the system service, if the package starts one, is not used).
if [ ! -x /usr/sbin/Orthanc ] || [ ! -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] || ! command -v dsrdump >/dev/null 2>&1; then
  echo "[setup] Orthanc / its DICOMweb plugin / dcmtk missing: installing Debian's orthanc orthanc-dicomweb dcmtk"
  apt_install orthanc orthanc-dicomweb dcmtk
fi
echo "[setup] Orthanc: $(/usr/sbin/Orthanc --version 2>/dev/null | head -1), dcmtk: $(dsrdump --version 2>/dev/null | head -1)"

if [ -x scripts/fetch-pydicom.sh ] || [ -f scripts/fetch-pydicom.sh ]; then
  bash scripts/fetch-pydicom.sh
fi
