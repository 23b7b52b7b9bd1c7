#!/bin/bash
# Runs on the host side of a container instance, inside only its network namespace (nsenter):
#   netns-relay.sh SOCKET PORT [FORWARD_PORT:FORWARD_SOCKET]...
# The image holds none of fnplay's tools, so what instance-init.sh does inside other sandboxes is
# done from here with the host's socat: once something accepts on 127.0.0.2:PORT, the Unix socket
# SOCKET (in the service's run dir) is relayed to it, and each host port the user named is served
# at 127.0.0.1:FORWARD_PORT. 127.0.0.2, not 127.0.0.1: FC reaches the CAPort from outside the
# instance, so a server bound to 127.0.0.1 alone must not start (seed 000 §5.1).
# The service kills this script's process group when the instance ends.
socket=$1
port=$2
shift 2
for f in "$@"; do
  socat TCP-LISTEN:"${f%%:*}",bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"${f#*:}" 2>/dev/null &
done
# A pipe nobody writes to: `read -t` on it waits without forking a `sleep` each round.
exec 9<> <(:)
tries=0
hinted=
until (exec 3<>/dev/tcp/127.0.0.2/"$port") 2>/dev/null; do
  tries=$((tries + 1))
  if [ -z "$hinted" ] && [ $tries -gt 50 ] && (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.2/"$port") 2>/dev/null; then
    echo "fnplay: the server listens on 127.0.0.1:$port only; FC reaches the CAPort on 0.0.0.0:$port" >&2
    hinted=1
  fi
  read -r -t 0.002 -u 9 || true
done
exec 9<&-
exec socat UNIX-LISTEN:"$socket",fork,unlink-early TCP:127.0.0.2:"$port",nodelay 2>/dev/null
