#!/usr/bin/env bash
# Runs every ```bash block of RUNBOOKS/ML_HYGIENE.md, in order, as an operator would: in a scratch deployment (the golden
# config with fast cycles, the built-in sample market), with `alphahost` meaning the built host. Any failing command
# fails the check, so the runbook cannot rot. Lines starting with `dotnet test` are left out: CI runs the test suite itself.
# Usage: scripts/runbook-check.sh [Debug|Release]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
configuration=${1:-Debug}
host_dll="$repo/host/bin/$configuration/net10.0/alphahost.dll"
command -v jq >/dev/null || { echo "runbook-check: needs jq" >&2; exit 2; }
[[ -f $host_dll ]] || dotnet build host -c "$configuration" -v quiet -nologo >/dev/null

work=$(mktemp -d)
cleanup() {
  if [[ -f $work/runtime/alphahost.pid ]] && kill -0 "$(cat "$work/runtime/alphahost.pid")" 2>/dev/null; then
    kill -TERM "$(cat "$work/runtime/alphahost.pid")" || true
    sleep 2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/configs" "$work/bin"
printf '#!/usr/bin/env bash\nexec dotnet "%s" "$@"\n' "$host_dll" > "$work/bin/alphahost"
chmod +x "$work/bin/alphahost"
# The scratch daemon's HTTP endpoint takes a free port (9464 may be in use on a CI machine); the runbook reads the
# address from daemon.json, as an operator can.
sed -e 's/cycle_interval: 1s/cycle_interval: 200ms/' -e 's/heartbeat_interval: 30s/heartbeat_interval: 1s/' \
    -e 's/listen: 127.0.0.1:9464/listen: 127.0.0.1:0/' \
    configs/golden_config.yaml > "$work/configs/golden_config.yaml"

script="$work/runbook.sh"
{
  echo 'set -euo pipefail'
  echo "export PATH=\"$work/bin:\$PATH\""
  awk '
    /^```bash$/ { inblock = 1; block++; printf "echo \"--- runbook block %d\"\n", block; next }
    /^```$/ && inblock { inblock = 0; next }
    inblock && !/^dotnet test/ { print }
  ' RUNBOOKS/ML_HYGIENE.md
} > "$script"

blocks=$(grep -c '^```bash$' RUNBOOKS/ML_HYGIENE.md)
echo "runbook-check: running $blocks blocks of RUNBOOKS/ML_HYGIENE.md in $work"
(cd "$work" && bash "$script")
echo "runbook-check: all $blocks blocks passed"
