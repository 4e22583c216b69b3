#!/usr/bin/env bash
# Scale-out smoke test: on a PostgreSQL database of its own, two web servers (gunicorn) on two
# loopback ports and two queue workers, as several machines would run them. A report is filed
# through one web server and read, consolidated, through the other; a queued job must run
# exactly once. Everything started here is stopped on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
DB=${SMOKE_DB:-vitreem_smoke}
PORT_A=${SMOKE_PORT_A:-8181} PORT_B=${SMOKE_PORT_B:-8182}
LOGS=$(mktemp -d)

export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
export DJANGO_SETTINGS_MODULE=vitreem.settings
# Production settings, except that these servers speak plain HTTP on the loopback.
export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 LOG_FORMAT=json
unset DEBUG VITREEM_DEMO TASKS_BACKEND DATABASE_REPLICA_URL REDIS_URL
# Sessions and cache in Redis when given one, as several machines would share them.
if [ -n "${SMOKE_REDIS_URL:-}" ]; then export REDIS_URL="$SMOKE_REDIS_URL"; fi

pids=()
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  dropdb --if-exists "$DB" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    echo "smoke: FAILED; the servers' logs:" >&2
    tail -n 30 "$LOGS"/*.log >&2 || true
  fi
  rm -rf "$LOGS"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== smoke: database $DB"
dropdb --if-exists "$DB" 2>/dev/null
createdb "$DB"
# Every step is bounded: a hung one fails the run instead of holding CI.
timeout 120 "$PY" manage.py migrate --noinput -v0
timeout 120 "$PY" manage.py load_units
timeout 60 "$PY" manage.py load_forms
timeout 60 "$PY" .ci/smoke_scaleout.py setup
# The production storage serves hashed, compressed files from STATIC_ROOT: collect them.
export STATIC_ROOT="$LOGS/static"
timeout 120 "$PY" manage.py collectstatic --noinput -v0

echo "== smoke: two web servers (:$PORT_A, :$PORT_B) and two queue workers${REDIS_URL:+, Redis}"
for port in "$PORT_A" "$PORT_B"; do
  GUNICORN_BIND="127.0.0.1:$port" WEB_CONCURRENCY=2 .venv/bin/gunicorn -c gunicorn.conf.py \
    >"$LOGS/web-$port.log" 2>&1 &
  pids+=($!)
done
for n in 1 2; do
  "$PY" manage.py worker --no-reload --interval 0.2 --worker-id "smoke-worker-$n" \
    >"$LOGS/worker-$n.log" 2>&1 &
  pids+=($!)
done
for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 1 60); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break
    sleep 0.5
  done
done

echo "== smoke: file through one, read through the other; one job, run once"
timeout 120 "$PY" .ci/smoke_scaleout.py check "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B"
echo "== smoke: passed"
