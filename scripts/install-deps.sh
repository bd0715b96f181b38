#!/usr/bin/env bash
# Installs the Debian 12 packages rwdgate needs to build, test and demo.
# Idempotent: installs only what is missing. Works as root or through sudo.
set -euo pipefail

BUILD_PKGS=(
  cmake g++ make pkg-config
  libdcmtk-dev dcmtk             # DICOM files and network
  libsqlite3-dev                 # provenance store
  libyaml-cpp-dev                # profiles
  libssl-dev                     # HMAC-SHA256, SHA-256, Ed25519 manifest signatures
  libcli11-dev                   # command line
  nlohmann-json3-dev             # --json summary, reports
  libfmt-dev
  doctest-dev                    # tests
  libopencv-dev                  # image work (pixels, deface, QC)
  libtesseract-dev tesseract-ocr tesseract-ocr-eng libleptonica-dev
  libopenjp2-7-dev               # JPEG 2000 decode
  libjpeg62-turbo-dev libpng-dev # report thumbnails (JPEG), defacing renderings (PNG)
  libicu-dev                     # Japanese ISO 2022 text (JIS X 0208/0212)
  zlib1g-dev                     # NIfTI test volumes (ch2.nii.gz)
  libcurl4-nss-dev               # STOW-RS release (gateway/release); any libcurl4-*-dev flavour works
)
TEST_PKGS=(
  dicom3tools                    # dciodvfy, the standard validator
  sqlite3                        # the README's queries on the provenance database
  python3-pydicom                # real DICOM test files
  octave-dicom                   # real CT/US/RTSTRUCT test files
  python3-nibabel                # nicom test data
  libgdcm-tools                  # gdcmanon, for the benchmark comparison
  openssl                        # the recipient's manifest check (README), run by verify_e2e_test
  mricron-data opencv-data       # head MRI and face cascades (defacing)
  chromium                       # the cohort report opened headless, offline (report_e2e_test)
  orthanc orthanc-dicomweb       # a real PACS peer for the network tests (C-STORE, STOW-RS)
  slurm-wlm munge                # a local Slurm cluster for the sharded-run test (slurm_e2e_test)
)

# scripts/fuzz.sh: clang with libFuzzer and the sanitizer runtimes (--fuzz).
FUZZ_PKGS=(clang libclang-rt-14-dev)
[ "${1:-}" = "--fuzz" ] && TEST_PKGS+=("${FUZZ_PKGS[@]}")

missing=()
for p in "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#BUILD_PKGS[@]}+${#TEST_PKGS[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
