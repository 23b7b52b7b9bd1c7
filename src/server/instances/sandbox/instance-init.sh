#!/bin/bash
# Runs inside an instance's sandbox, in front of the function's command:
#   instance-init.sh [--host-port P]... [--relay PORT] -- COMMAND [ARGS...]
# --host-port P: 127.0.0.1:P inside reaches 127.0.0.1:P on the host (a port the user named with
#   `fnplay --host-port`), through the service's socket /run/fnplay-host/P.sock.
# --relay PORT: COMMAND is a server on TCP PORT (a custom runtime); once something accepts on
#   127.0.0.2:PORT, the Unix socket the service connects to (/run/fnplay/ca.sock) is relayed to it.
#   127.0.0.2, not 127.0.0.1: FC reaches the CAPort from outside the instance, so a server bound
#   to 127.0.0.1 alone must not start (seed 000 §4.2); one bound to 0.0.0.0 answers on every address.
# The script lives exactly as long as COMMAND and exits with its status.
forwards=()
relay=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    --host-port) forwards+=("$2"); shift 2 ;;
    --relay) relay=$2; shift 2 ;;
    *) echo "instance-init: unknown argument $1" >&2; exit 2 ;;
  esac
done
shift
for p in "${forwards[@]}"; do
  socat TCP-LISTEN:"$p",bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:/run/fnplay-host/"$p".sock 2>/dev/null &
done
"$@" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null' TERM
trap 'kill -INT $pid 2>/dev/null' INT
if [ -n "$relay" ]; then
  hinted=
  tries=0
  until (exec 3<>/dev/tcp/127.0.0.2/"$relay") 2>/dev/null; do
    if ! kill -0 $pid 2>/dev/null; then
      wait $pid
      exit $?
    fi
    tries=$((tries + 1))
    # After ~1 s, say once why a server that does listen is not reached.
    if [ -z "$hinted" ] && [ $tries -gt 250 ] && (exec 3<>/dev/tcp/127.0.0.1/"$relay") 2>/dev/null; then
      echo "fnplay: the server listens on 127.0.0.1:$relay only; FC reaches the CAPort on 0.0.0.0:$relay" >&2
      hinted=1
    fi
    sleep 0.004
  done
  socat UNIX-LISTEN:/run/fnplay/ca.sock,fork,unlink-early TCP:127.0.0.2:"$relay",nodelay 2>/dev/null &
fi
# `wait` returns early when a trapped signal arrives; keep waiting until COMMAND itself is gone.
while :; do
  wait $pid
  status=$?
  kill -0 $pid 2>/dev/null || exit $status
done
