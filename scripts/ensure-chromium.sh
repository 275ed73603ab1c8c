#!/bin/sh
# Install Debian's chromium for the index.html screenshot test, only when it is missing
# and we run as root; otherwise say why and go on (the test then skips with a reason).
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "ensure-chromium: chromium missing and not root: the screenshot test will skip" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: no apt-get: the screenshot test will skip" >&2
    exit 0
fi
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
    || echo "ensure-chromium: apt-get install chromium failed: the screenshot test will skip" >&2
