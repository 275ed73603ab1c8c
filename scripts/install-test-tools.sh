#!/usr/bin/env bash
# Debian programs the tests use as independent readers (FreeCAD imports our DXF/STEP;
# OpenSCAD imports the panel DXF; headless chromium opens the catalog's index.html and
# screenshots it, and chromium-driver lets Selenium drive it against `geom serve`; LibreCAD
# renders a bent panel's flat pattern DXF to PDF).
# Installs only what is missing and only when it can (root with apt-get); otherwise the
# tests that need a program skip and say why. Never fails the build by itself.
set -u
want=()
command -v freecadcmd >/dev/null 2>&1 || want+=(freecad-python3)
command -v chromium >/dev/null 2>&1 || want+=(chromium)
command -v chromedriver >/dev/null 2>&1 || want+=(chromium-driver)
command -v librecad >/dev/null 2>&1 || want+=(librecad)
command -v openscad >/dev/null 2>&1 || want+=(openscad)
((${#want[@]})) || exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-tools: not root or no apt-get; tests needing ${want[*]} will skip" >&2
  exit 0
fi
echo "install-test-tools: apt-get install ${want[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1 ||
  echo "install-test-tools: could not install ${want[*]}; tests needing it will skip" >&2
exit 0
