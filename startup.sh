#!/bin/sh
# App Service's start command (infra/modules/webapp.bicep: appCommandLine 'exec sh startup.sh').
#
# App Service stops a container with SIGTERM, then kills it. The host stops cleanly on SIGTERM
# (cli/serve.py: the sends in flight settle in the delivery ledger, the leases are released), but
# only if the signal reaches Python: a shell that runs Python as its child keeps the signal to
# itself. So each step execs: App Service's generated script execs this one, and this one
# execs Python, which therefore has the process id the platform signals.
#
# A zip deployment with SCM_DO_BUILD_DURING_DEPLOYMENT=true has Oryx install requirements.txt
# into the virtualenv `antenv` next to the code; App Service's generated script activates it
# before running this one. Activate it here too when it is not, so that the script also works
# when run by hand (az webapp ssh) or without the generated script.
set -eu
cd "$(dirname "$0")"
if [ -z "${VIRTUAL_ENV:-}" ] && [ -f antenv/bin/activate ]; then
  . antenv/bin/activate
fi
# The written agreement's PDF embeds DejaVu Sans (AGREEMENT_PDF_FONT_DIR); App Service's Python
# image may lack Debian's package, and the host refuses to start without the font. Installed
# only when missing (a few seconds); if it cannot be, the host's own message says what to do.
font_dir=${AGREEMENT_PDF_FONT_DIR:-/usr/share/fonts/truetype/dejavu}
if [ ! -f "$font_dir/DejaVuSans-Bold.ttf" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core; } >/dev/null 2>&1 || true
fi
exec python app.py "$@"
