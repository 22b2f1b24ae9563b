#!/usr/bin/env bash
# The picture of the status report in the README: the demo's HTML status
# report (make demo) rendered by headless Chromium to docs/status-report.png.
#
#   scripts/screenshot.sh [REPORT.html] [OUT.png]
#
# Needs Chromium (Debian: apt-get install chromium); make screenshot installs it.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPORT="${1:-$REPO_ROOT/demo/reports/status.html}"
OUT="${2:-$REPO_ROOT/docs/status-report.png}"
[[ -f "$REPORT" ]] || { echo "screenshot: no $REPORT (run 'make demo' first)" >&2; exit 2; }
BROWSER="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[[ -n "$BROWSER" ]] || { echo "screenshot: no Chromium found (apt-get install chromium)" >&2; exit 2; }
# The report is self-contained: nothing is fetched, so no network is needed.
"$BROWSER" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1800 \
  --screenshot="$OUT" "file://$(cd "$(dirname "$REPORT")" && pwd)/$(basename "$REPORT")" 2>/dev/null
echo "screenshot: $OUT"
