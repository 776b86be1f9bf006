#!/bin/bash
# master.sh - master(8), the mail_server(3) loops and postfix(1), run by an
# ordinary user: start, status, spawning on demand, maxproc, max_use,
# max_idle, wake-ups, throttling, kill -9 of a child, a second start,
# reload (add, remove, malformed master.cf) and stop.
#
# Run as root, the instance belongs to a throw-away account that this test
# creates and removes.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/probe.sh"
probe=$PROBE

# The ordinary user.
user=
if [ "$(id -u)" -eq 0 ]; then
    user=mtat$$
    useradd -M -N -d /nonexistent -s /usr/sbin/nologin "$user" || exit 1
    INSTANCE_USER=$user
fi
at_exit '[ -n "$user" ] && userdel "$user" 2>/dev/null'

instance_create
read -r p_busy p_use p_new p_broken p_multi <<<"$(free_port 5 | tr '\n' ' ')"
instance_main_cf "service_throttle_time = 60s"
instance_master_cf \
    "# name type private unpriv chroot wakeup maxproc command" \
    "127.0.0.1:$p_busy inet n - n - 2 $probe" \
    "127.0.0.1:$p_use inet n - n - 1 $probe -v" \
    "    -o max_use=2 -o { max_idle = 1s }" \
    "wake unix - - n 1 1 $probe trigger" \
    "wakefifo fifo - - n 1 1 $probe trigger" \
    "wakelong unix - - n 3600 1 $probe trigger" \
    "127.0.0.1:$p_multi inet n - n - 1 $probe multi" \
    "127.0.0.1:$p_broken inet n - n - - $TEST_HELPERS/no-such-program"

# Start and status.
instance_start
require "postfix start as an ordinary user"
instance_postfix status 2>&1 | grep -q "the Postern mail system is running: PID: $INSTANCE_MASTER_PID"
check "postfix status names the running master"
instance_wait_log "daemon started -- version [0-9.]+, configuration $INSTANCE_CONF"
check "master logs its start"
want_user=$(id -un ${user:+"$user"})
[ "$(ps -o user= -p "$INSTANCE_MASTER_PID")" = "$want_user" ]
check "master runs as $want_user"
[ "$(probe_count "127.0.0.1:$p_busy")" -eq 0 ]
check "no service process before the first connection"

# Spawning on demand.
hello=$(probe_greet "$p_busy")
pid=$(probe_field "$hello" pid)
[ -n "$pid" ] && instance_procs | grep -q " $pid .*-n 127.0.0.1:$p_busy -t inet"
check "a connection spawns a service process with -n service -t inet"
[ "$(probe_field "$hello" uid)" = "$(id -u ${user:+"$user"})" ]
check "the service runs as the user who started the instance"

# maxproc 2: two held connections, a third waits until one ends.
exec {c1}<>"/dev/tcp/127.0.0.1/$p_busy"
exec {c2}<>"/dev/tcp/127.0.0.1/$p_busy"
read -t 5 -r h1 <&"$c1"
read -t 5 -r h2 <&"$c2"
[ -n "$h1" ] && [ -n "$h2" ] && [ "$(probe_field "$h1" pid)" != "$(probe_field "$h2" pid)" ]
check "two concurrent clients get two processes"
exec {c3}<>"/dev/tcp/127.0.0.1/$p_busy"
read -t 1 -r h3 <&"$c3"
[ -z "$h3" ]
check "a third client waits at maxproc 2"
[ "$(probe_count "127.0.0.1:$p_busy")" -eq 2 ]
check "the process table holds 2 processes for the service"
instance_wait_log "service \"127.0.0.1:$p_busy\" .* has reached its process limit \"2\"" 5
check "master warns that the process limit is reached"
echo quit >&"$c1"
read -t 5 -r h3 <&"$c3"
[ -n "$h3" ]
check "the third client is served when another one leaves"
echo quit >&"$c2"
echo quit >&"$c3"
exec {c1}>&- {c2}>&- {c3}>&-

# max_use 2: the process leaves after two clients; max_idle 1s. With
# maxproc 1 the second client cannot go to a second process.
u1=$(probe_greet "$p_use")
u2=$(probe_greet "$p_use")
upid=$(probe_field "$u1" pid)
[ "$(probe_field "$u1" use)" = 1 ] && [ "$(probe_field "$u2" use)" = 2 ] && [ "$(probe_field "$u2" pid)" = "$upid" ]
check "one process serves two clients in turn"
instance_wait_gone "$upid" 5 && instance_wait_log "\[$upid\]: use limit reached -- exiting" 2
check "max_use: the process exits after 2 clients"
u3=$(probe_greet "$p_use")
ipid=$(probe_field "$u3" pid)
[ -n "$ipid" ] && [ "$ipid" != "$upid" ] && [ "$(probe_field "$u3" use)" = 1 ]
check "max_use: the next client gets a new process"
instance_wait_gone "$ipid" 5 && instance_wait_log "\[$ipid\]: idle timeout -- exiting" 2
check "max_idle: an idle process exits after 1s"

# A multi server: one process, several clients at once.
exec {m1}<>"/dev/tcp/127.0.0.1/$p_multi"
exec {m2}<>"/dev/tcp/127.0.0.1/$p_multi"
echo one >&"$m1"
echo two >&"$m2"
read -t 5 -r r1 <&"$m1"
read -t 5 -r r2 <&"$m2"
[ "${r1% pid=*}" = "echo one" ] && [ "${r2% pid=*}" = "echo two" ] && [ "${r1#* pid=}" = "${r2#* pid=}" ]
check "a multi server serves two clients at once in one process"
exec {m1}>&- {m2}>&-

# Stand-alone mode: a daemon serves standard input without master.
out=$(printf 'hello\nquit\n' | instance_run "$probe" -c "$INSTANCE_CONF" -S 2>&1)
grep -q "^probe pid=[0-9]* .*service=probe_service" <<<"$out" && grep -q "^echo hello$" <<<"$out"
check "a daemon serves standard input with -S"
out=$(instance_run "$probe" -c "$INSTANCE_CONF" 2>&1 </dev/null)
[ $? -ne 0 ] && grep -q "started by master(8)" <<<"$out"
check "a daemon started by hand without -S says it needs master"

# Wake-up requests every second.
instance_wait_log "probe_service\[[0-9]+\]: wakeup request \"W\" \(1 bytes\) service=wake$" 5
check "master sends wake-up requests to a unix service"
instance_wait_log "probe_service\[[0-9]+\]: wakeup request \"W\" \(1 bytes\) service=wakefifo$" 5
check "master sends wake-up requests to a fifo service"
# The first request comes at start, not one interval later (qmgr and pickup start with master).
instance_wait_log "probe_service\[[0-9]+\]: wakeup request \"W\" \(1 bytes\) service=wakelong$" 5
check "a service with an hour's interval gets its first wake-up at start"

# A program that cannot start is throttled, and master carries on.
(exec 3<>"/dev/tcp/127.0.0.1/$p_broken") 2>/dev/null
instance_wait_log "no-such-program: bad command startup -- throttling" 5
check "a service whose program is missing is throttled"

# kill -9 of a child.
hello=$(probe_greet "$p_busy")
kpid=$(probe_field "$hello" pid)
kill -9 "$kpid"
instance_wait_log "warning: process $probe pid $kpid killed by signal 9" 5
check "master logs a child killed by signal 9"
hello=$(probe_greet "$p_busy")
[ -n "$hello" ] && [ "$(probe_field "$hello" pid)" != "$kpid" ]
check "master serves the next connection after kill -9 of a child"
kill -0 "$INSTANCE_MASTER_PID"
check "master survives its children"

# A second start on the same queue directory.
out=$(instance_postfix start 2>&1)
[ $? -ne 0 ] && grep -q "the Postern mail system is already running" <<<"$out"
check "a second postfix start is refused"
out=$(instance_run "$TEST_LIBEXEC/master" -c "$INSTANCE_CONF" -w 2>&1)
[ $? -ne 0 ] && grep -q "master.pid is locked by another process (pid $INSTANCE_MASTER_PID)" <<<"$out"
check "a second master on the same queue directory is refused"

# Reload: a client in progress is finished by the old process, which then
# exits; a new service answers; a bare port listens on inet_interfaces.
exec {held}<>"/dev/tcp/127.0.0.1/$p_busy"
read -t 5 -r hello <&"$held"
hpid=$(probe_field "$hello" pid)
instance_master_cf "$p_new inet n - n - - $probe"
instance_postfix reload >/dev/null 2>&1
check "postfix reload"
instance_wait_log "reload -- version [0-9.]+, configuration $INSTANCE_CONF" 5
check "master logs the reload"
deadline=$((SECONDS + 5))
while [ "$(grep -c 'service=wakelong$' "$INSTANCE_LOG")" -lt 2 ] && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.2
done
[ "$(grep -c 'service=wakelong$' "$INSTANCE_LOG")" -ge 2 ]
check "reload: the hourly service gets a wake-up at once"
instance_wait_port "$p_new" 5 && hello=$(probe_greet "$p_new") && [ "$(probe_field "$hello" service)" = "$p_new" ]
check "reload: an added service answers"
hello=$(probe_greet "$p_busy")
[ -n "$hello" ] && [ "$(probe_field "$hello" pid)" != "$hpid" ]
check "reload: an unchanged service answers, from a new process"
echo ping >&"$held"
read -t 5 -r reply <&"$held"
[ "$reply" = "echo ping" ]
check "reload: a client in progress is still served by its old process"
echo quit >&"$held"
exec {held}>&-
instance_wait_gone "$hpid" 5
check "reload: the old process exits when its client is done"

# Reload: a removed service goes away.
grep -v "^$p_new " "$INSTANCE_CONF/master.cf" >"$INSTANCE_DIR/master.cf.new"
cat "$INSTANCE_DIR/master.cf.new" >"$INSTANCE_CONF/master.cf"
instance_postfix reload >/dev/null 2>&1
gone=1
for _ in $(seq 1 100); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p_new") 2>/dev/null; then
        gone=0
        break
    fi
    sleep 0.05
done
[ "$gone" -eq 0 ]
check "reload: a removed service stops listening"

# Reload: a malformed master.cf is refused, and the services stay.
cp "$INSTANCE_CONF/master.cf" "$INSTANCE_DIR/master.cf.good"
instance_master_cf "bad-entry inet"
out=$(instance_postfix reload 2>&1)
[ $? -ne 0 ] && grep -q "master.cf, line [0-9]*" <<<"$out"
check "postfix reload refuses a malformed master.cf and names the line"
kill -HUP "$INSTANCE_MASTER_PID"
instance_wait_log "master.cf, line [0-9]+: .*configuration not reloaded" 5
check "master refuses a malformed master.cf on SIGHUP"
hello=$(probe_greet "$p_busy")
[ -n "$hello" ]
check "the running configuration stays after a refused reload"
cp "$INSTANCE_DIR/master.cf.good" "$INSTANCE_CONF/master.cf"

# Stop.
instance_postfix stop >/dev/null 2>&1
check "postfix stop"
left=$(instance_procs)
[ -z "$left" ]
check "postfix stop leaves no process behind"
if [ -n "$left" ]; then echo "$left" | sed 's/^/#   /'; fi
out=$(instance_postfix status 2>&1)
[ $? -ne 0 ] && grep -q "the Postern mail system is not running" <<<"$out"
check "postfix status says it is not running"
! (exec 3<>"/dev/tcp/127.0.0.1/$p_busy") 2>/dev/null
check "the listeners are closed"
grep -q "terminating on signal 15" "$INSTANCE_LOG"
check "master logs its end"

# kill -9 of master: its children leave, and the instance starts again.
instance_start
check "postfix start after a stop"
hello=$(probe_greet "$p_busy")
cpid=$(probe_field "$hello" pid)
kill -9 "$INSTANCE_MASTER_PID"
[ -n "$cpid" ] && instance_wait_gone "$cpid" 5
check "the children of a killed master exit"
out=$(instance_postfix status 2>&1)
[ $? -ne 0 ] && grep -q "not running" <<<"$out"
check "a killed master does not count as running"
instance_start && [ -n "$(probe_greet "$p_busy")" ]
check "the instance starts again after master was killed"
instance_postfix stop >/dev/null 2>&1
[ -z "$(instance_procs)" ]
check "and stops again without leftovers"

if [ "$ASSERT_FAILURES" -gt 0 ]; then
    instance_log_tail 40
fi
