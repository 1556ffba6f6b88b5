#!/usr/bin/env bash
# SAM CLI's own `sam local invoke` / `sam local start-api` on a machine that reaches package
# registries (Debian's, PyPI) but no image registry (no Docker Hub, no public.ecr.aws).
#
#   tools/sam_local/sam-local.sh up             install Docker if missing, start it, build the base image
#   tools/sam_local/sam-local.sh run -- CMD...  run CMD where SAM reaches its containers
#   tools/sam_local/sam-local.sh down           stop what `up` started (by PID), remove the namespace
#   tools/sam_local/sam-local.sh status         say what is running
#
# `make test-sam-local` runs `up`, `make build`, then tests/sam_local under `run --`; `.ci/run`
# runs it on every submission. Each phase of `up` prints how long it took.
#
# How it works, and why:
# * If a Docker daemon already answers (Docker Desktop, a system dockerd), it is used as it is
#   and `run --` runs the command directly. Otherwise dockerd (Debian's docker.io) runs inside a
#   private network namespace, so its bridge, veths and port proxies exist only there: the
#   host's interfaces, routes and firewall stay as they are (dockerd also runs with
#   --iptables=false). SAM talks to each function container through a port it publishes on
#   127.0.0.1, so SAM, and whatever the functions must reach (a DynamoDB listening on 0.0.0.0),
#   run in that namespace too: that is what `run --` does. From inside a container, the
#   namespace is host.docker.internal (pass `--add-host host.docker.internal:host-gateway`).
# * No image registry is reachable, so the image SAM builds its runtime image FROM
#   (public.ecr.aws/lambda/python:3.13-x86_64 for python3.13) is built here: a minimal Debian
#   trixie (Python 3.13) from Debian's packages, awslambdaric from PyPI, and a Lambda-like
#   /var/runtime/bootstrap. SAM adds the Runtime Interface Emulator it ships itself. Every
#   `sam local` call must pass --skip-pull-image.
# * Known differences from AWS: SAM's start-api answers 502 when a TOKEN authorizer raises
#   "Unauthorized" (API Gateway answers 401), and applies no gateway responses. The base image
#   is Debian, not Amazon Linux.
# * Commands that need the package registries (pip, `sam build` of the layer) must run outside
#   `run --`: the namespace has no route out.
#
# Adapted from the team's shared recipe (sam-local-offline.sh); this copy is the project's own.
set -euo pipefail

WORK=${SAM_LOCAL_WORK:-${TMPDIR:-/tmp}/leads-sam-local}
NETNS=${SAM_LOCAL_NETNS:-samlocal}
NSPATH=/run/netns/$NETNS
PY=${SAM_LOCAL_PYTHON:-3.13}
BASE_IMAGE=public.ecr.aws/lambda/python
ROOTFS_IMAGE=local/debian-trixie-python:base
export SAM_CLI_TELEMETRY=0 DOCKER_BUILDKIT=0
mkdir -p "$WORK"

log() { printf '=== %s\n' "$*" >&2; }
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
# `timed NAME CMD...`: run CMD, then log how many seconds it took.
timed() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  log "$name: $((SECONDS - start)) s"
}
stop_pid() {
  local pidf=$1 p
  alive "$pidf" || { rm -f "$pidf"; return 0; }
  p=$(cat "$pidf"); kill "$p"
  for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 1; done
  kill -0 "$p" 2>/dev/null && kill -9 "$p"
  rm -f "$pidf"
}
# A daemon this script did not start (Docker Desktop, a system service): use it as it is.
foreign_daemon() { ! alive "$WORK/dockerd.pid" && [ ! -e "$NSPATH" ] && docker info >/dev/null 2>&1; }

install_packages() {
  local need=()
  command -v docker >/dev/null && docker info >/dev/null 2>&1 && return 0
  command -v dockerd >/dev/null || need+=(docker.io)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v nsenter >/dev/null || need+=(util-linux)
  command -v ip >/dev/null || need+=(iproute2)
  [ ${#need[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || { log "no Docker and no apt-get: install Docker first"; return 1; }
  log "installing ${need[*]}"
  apt-get update -q >"$WORK/apt-update.log" 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" \
    >"$WORK/apt-install.log" 2>&1
}

start_dockerd() {
  if foreign_daemon; then log "using the Docker daemon already running"; return 0; fi
  [ -e "$NSPATH" ] || ip netns add "$NETNS"
  nsenter --net="$NSPATH" ip link set lo up
  alive "$WORK/dockerd.pid" && return 0
  local driver
  for driver in overlay2 vfs; do
    # nsenter, not `ip netns exec`: the latter remounts /sys and dockerd then finds no cgroups.
    nsenter --net="$NSPATH" dockerd --iptables=false --ip6tables=false --storage-driver="$driver" \
      --pidfile "$WORK/dockerd.pid" >"$WORK/dockerd.log" 2>&1 </dev/null &
    for _ in $(seq 1 60); do
      if docker info >/dev/null 2>&1 && alive "$WORK/dockerd.pid"; then
        log "dockerd up ($driver)"; return 0
      fi
      kill -0 $! 2>/dev/null || break
      sleep 1
    done
    log "dockerd with $driver failed: $(tail -n 2 "$WORK/dockerd.log")"
    stop_pid "$WORK/dockerd.pid"
  done
  return 1
}

# The wheel of awslambdaric for the image's Python: from PyPI, with whichever pip is at hand
# (CI provisions before `make` has made any virtualenv: then the runtime's Python's own pip).
download_wheels() {
  local dest=$1 pip=() candidate
  for candidate in "${SAM_LOCAL_PIP:-}" .venv-sam/bin/pip .venv/bin/pip; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then pip=("$candidate"); break; fi
  done
  if [ ${#pip[@]} -eq 0 ]; then
    for candidate in python3.13 python3; do
      if "$candidate" -m pip --version >/dev/null 2>&1; then pip=("$candidate" -m pip); break; fi
    done
  fi
  [ ${#pip[@]} -gt 0 ] || { log "no pip to download awslambdaric with (set SAM_LOCAL_PIP)"; return 1; }
  "${pip[@]}" download -q --disable-pip-version-check --only-binary=:all: \
    --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 --python-version "$PY" \
    --implementation cp -d "$dest" awslambdaric 2>&1 | grep -v '^WARNING: Location' || true
}

build_rootfs_image() {
  docker image inspect "$ROOTFS_IMAGE" >/dev/null 2>&1 && return 0
  log "building $ROOTFS_IMAGE (debootstrap)"
  local mirror
  mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase --include=python3,python3-pip,ca-certificates trixie \
    "$WORK/rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1
  rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/lib/apt/lists/*
  tar -C "$WORK/rootfs" -c . | docker import - "$ROOTFS_IMAGE" >/dev/null
  rm -rf "$WORK/rootfs"
}

build_base_image() {
  docker image inspect "$BASE_IMAGE:$PY-x86_64" >/dev/null 2>&1 && return 0
  log "building $BASE_IMAGE:$PY-x86_64"
  local ctx=$WORK/baseimg
  rm -rf "$ctx"; mkdir -p "$ctx/wheels"
  download_wheels "$ctx/wheels"
  ls "$ctx/wheels"/awslambdaric-* >/dev/null 2>&1 || { log "no awslambdaric wheel downloaded"; return 1; }
  cat >"$ctx/bootstrap" <<EOF
#!/bin/sh
# Lambda-like /var/runtime/bootstrap: the emulator runs it with AWS_LAMBDA_RUNTIME_API set.
HANDLER="\${_HANDLER:-\${AWS_LAMBDA_FUNCTION_HANDLER:-\$1}}"
export AWS_EXECUTION_ENV="\${AWS_EXECUTION_ENV:-AWS_Lambda_python$PY}"
export PYTHONPATH="\${LAMBDA_TASK_ROOT:-/var/task}:/opt/python/lib/python$PY/site-packages:/opt/python:/var/runtime\${PYTHONPATH:+:\$PYTHONPATH}"
exec /usr/bin/python$PY -m awslambdaric "\$HANDLER"
EOF
  cat >"$ctx/lambda-entrypoint.sh" <<'EOF'
#!/bin/sh
# Like AWS's /lambda-entrypoint.sh (SAM replaces the entrypoint with its emulator).
if [ $# -ne 1 ]; then echo "entrypoint requires the handler name to be the first argument" 1>&2; exit 142; fi
export _HANDLER="$1"
exec /var/runtime/bootstrap "$1"
EOF
  cat >"$ctx/Dockerfile" <<EOF
FROM $ROOTFS_IMAGE
ENV LANG=C.UTF-8 TZ=:/etc/localtime LAMBDA_TASK_ROOT=/var/task LAMBDA_RUNTIME_DIR=/var/runtime \\
    PATH=/var/lang/bin:/usr/local/bin:/usr/bin:/bin:/opt/bin \\
    LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib
COPY wheels /tmp/wheels
RUN python$PY -m pip install --no-index --no-cache-dir --break-system-packages --find-links /tmp/wheels --target /var/runtime awslambdaric \\
 && rm -rf /tmp/wheels && mkdir -p /var/task /opt /var/lang/bin \\
 && for n in python$PY python3 python; do ln -sf /usr/bin/python$PY /var/lang/bin/\$n; done
COPY bootstrap /var/runtime/bootstrap
COPY lambda-entrypoint.sh /lambda-entrypoint.sh
RUN chmod 0755 /var/runtime/bootstrap /lambda-entrypoint.sh
WORKDIR /var/task
ENTRYPOINT ["/lambda-entrypoint.sh"]
EOF
  docker build -q -t "$BASE_IMAGE:$PY-x86_64" -t "$BASE_IMAGE:$PY" "$ctx" >/dev/null
}

up() {
  local start=$SECONDS
  if ! docker info >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || { echo "needs root (apt-get, ip netns, dockerd), or a running Docker" >&2; exit 1; }
  fi
  timed "packages" install_packages
  timed "dockerd" start_dockerd
  timed "rootfs image" build_rootfs_image
  timed "base image" build_base_image
  log "up in $((SECONDS - start)) s: run SAM with '$0 run -- sam local ... --skip-pull-image --add-host host.docker.internal:host-gateway'"
}

down() {
  if alive "$WORK/dockerd.pid"; then
    docker ps -aq --filter label=sam.cli.container.type=lambda | xargs -r docker rm -f >/dev/null 2>&1 || true
    stop_pid "$WORK/dockerd.pid"
  fi
  if [ -e "$NSPATH" ]; then ip netns del "$NETNS"; fi
  log "down"
}

status() {
  if alive "$WORK/dockerd.pid"; then echo "dockerd running (pid $(cat "$WORK/dockerd.pid")) in netns $NETNS"
  elif docker info >/dev/null 2>&1; then echo "a Docker daemon this script did not start is running"
  else echo "dockerd not running"; fi
  docker image inspect "$BASE_IMAGE:$PY-x86_64" >/dev/null 2>&1 && echo "base image $BASE_IMAGE:$PY-x86_64 present" || true
}

run() {
  if [ -e "$NSPATH" ]; then exec nsenter --net="$NSPATH" "$@"; fi
  docker info >/dev/null 2>&1 || { echo "not up: run '$0 up' first" >&2; exit 1; }
  exec "$@"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  run) shift; [ "${1:-}" = "--" ] && shift; run "$@" ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
