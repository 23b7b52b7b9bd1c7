#!/bin/bash
# Runs inside an instance's sandbox, in front of a server that listens on TCP (a custom runtime):
#   tcp-relay.sh PORT COMMAND [ARGS...]
# starts COMMAND, waits until something accepts on 127.0.0.2:PORT, then relays the Unix socket
# the service connects to (/run/fnplay/ca.sock) to that port, and lives exactly as long as COMMAND.
# 127.0.0.2, not 127.0.0.1: FC reaches the CAPort from outside the instance, so a server bound to
# 127.0.0.1 alone must not start (seed 000 §4.2); one bound to 0.0.0.0 answers on every address.
port=$1
shift
"$@" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null' TERM
trap 'kill -INT $pid 2>/dev/null' INT
hinted=
tries=0
until (exec 3<>/dev/tcp/127.0.0.2/"$port") 2>/dev/null; do
  if ! kill -0 $pid 2>/dev/null; then
    wait $pid
    exit $?
  fi
  tries=$((tries + 1))
  # After ~1 s, say once why a server that does listen is not reached.
  if [ -z "$hinted" ] && [ $tries -gt 250 ] && (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
    echo "fnplay: the server listens on 127.0.0.1:$port only; FC reaches the CAPort on 0.0.0.0:$port" >&2
    hinted=1
  fi
  sleep 0.004
done
socat UNIX-LISTEN:/run/fnplay/ca.sock,fork,unlink-early TCP:127.0.0.2:"$port",nodelay 2>/dev/null &
# `wait` returns early when a trapped signal arrives; keep waiting until COMMAND itself is gone.
while :; do
  wait $pid
  status=$?
  kill -0 $pid 2>/dev/null || exit $status
done
