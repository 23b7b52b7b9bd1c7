#!/bin/bash
# Runs inside an instance's sandbox, in front of the function's command:
#   instance-init.sh [--forward PORT:SOCKET]... [--relay PORT] [--socket PATH] -- [COMMAND [ARGS...]]
# --forward PORT:SOCKET: 127.0.0.1:PORT inside reaches the service's Unix socket SOCKET: a host
#   port the user named with `fnplay --host-port` (/run/fnplay-host/P.sock), or FC's runtime API
#   that a Go binary polls (/run/fnplay/runtime-api.sock, which answers before COMMAND starts).
# --relay PORT: COMMAND is a server on TCP PORT (a custom runtime); once something accepts on
#   127.0.0.2:PORT, the Unix socket the service connects to (/run/fnplay/ca.sock) is relayed to it.
#   127.0.0.2, not 127.0.0.1: FC reaches the CAPort from outside the instance, so a server bound
#   to 127.0.0.1 alone must not start (seed 000 §4.2); one bound to 0.0.0.0 answers on every address.
# --socket PATH: where the relayed Unix socket is made (default /run/fnplay/ca.sock).
# The script lives exactly as long as COMMAND and exits with its status. Without COMMAND it runs
# outside a container instance, joined to its network namespace only (outside-relay.ts: the image
# holds none of fnplay's tools), and lives until the service kills it with the instance.
forwards=()
relay=
socket=/run/fnplay/ca.sock
# A pipe nobody writes to: `read -t` on it waits without forking a `sleep` each round.
exec 9<> <(:)
nap() { read -r -t "$1" -u 9 || true; }
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    --forward) forwards+=("$2"); shift 2 ;;
    --relay) relay=$2; shift 2 ;;
    --socket) socket=$2; shift 2 ;;
    *) echo "instance-init: unknown argument $1" >&2; exit 2 ;;
  esac
done
shift
for f in "${forwards[@]}"; do
  socat TCP-LISTEN:"${f%%:*}",bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"${f#*:}" 2>/dev/null &
done
# The instance's own sockets (the runtime API) must answer before COMMAND's first poll; a probe of
# a host port would reach the user's database, so those are left to listen on their own.
for f in "${forwards[@]}"; do
  case "${f#*:}" in /run/fnplay/*) ;; *) continue ;; esac
  for _ in $(seq 1 1000); do (exec 3<>/dev/tcp/127.0.0.1/"${f%%:*}") 2>/dev/null && break; nap 0.001; done
done
pid=
if [ $# -gt 0 ]; then
  "$@" 9<&- &
  pid=$!
  trap 'kill -TERM $pid 2>/dev/null' TERM
  trap 'kill -INT $pid 2>/dev/null' INT
fi
if [ -n "$relay" ]; then
  hinted=
  tries=0
  until (exec 3<>/dev/tcp/127.0.0.2/"$relay") 2>/dev/null; do
    if [ -n "$pid" ] && ! kill -0 $pid 2>/dev/null; then
      wait $pid
      exit $?
    fi
    tries=$((tries + 1))
    # After ~0.1 s, say once why a server that does listen is not reached (127.0.0.2 is asked again:
    # a server on 0.0.0.0 that began listening between the two attempts must not count).
    if [ -z "$hinted" ] && [ $tries -gt 50 ] && (exec 3<>/dev/tcp/127.0.0.1/"$relay") 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.2/"$relay") 2>/dev/null; then
      echo "fnplay: the server listens on 127.0.0.1:$relay only; FC reaches the CAPort on 0.0.0.0:$relay" >&2
      hinted=1
    fi
    nap 0.002
  done
  socat UNIX-LISTEN:"$socket",fork,unlink-early TCP:127.0.0.2:"$relay",nodelay 2>/dev/null &
fi
exec 9<&-
if [ -z "$pid" ]; then
  wait
  exit 0
fi
# `wait` returns early when a trapped signal arrives; keep waiting until COMMAND itself is gone.
while :; do
  wait $pid
  status=$?
  kill -0 $pid 2>/dev/null || exit $status
done
