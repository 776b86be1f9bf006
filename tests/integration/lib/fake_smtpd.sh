# fake_smtpd.sh - scripted SMTP servers (tests/helpers/fake_smtpd.py) as test peers
#
# Source this file from bash after lib/common.sh (lib/instance.sh loads it).
#
#   fake_smtpd_start DIR [ARGS...]
#       starts a scripted server with the fake_smtpd.py options ARGS
#       (--mode, --listen-port, --maildir, --chain, ...), its port file
#       and its transcript in DIR (made when missing): DIR/port, DIR/log.
#       It waits at most 5 seconds for the server to listen and ends the
#       test (fail) when it does not. FAKE_SMTPD_PID is the server's pid and
#       FAKE_SMTPD_PORT its port; the server is killed, by pid, when the
#       test ends. Without --idle the server exits after 90 idle seconds.
#
#   fake_smtpd_arrived DIR SUBJECT
#       prints the file of the message with that Subject: that the server
#       with --maildir DIR kept; fails when none arrived (yet).
#
#   fake_smtpd_rcpts DIR SUBJECT
#       prints the RCPT TO addresses ("<a@b> <c@d>") of the transaction
#       that carried the message with that Subject:, from DIR/log.

[ -n "${FAKE_SMTPD_SH_LOADED:-}" ] && return 0
FAKE_SMTPD_SH_LOADED=1

FAKE_SMTPD_PID=
FAKE_SMTPD_PORT=
FAKE_SMTPD_PIDS=()

# fake_smtpd_stop_all - kill every scripted server this test started
fake_smtpd_stop_all() {
    local pid
    for pid in "${FAKE_SMTPD_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
}

# fake_smtpd_start DIR [ARGS...] - start a scripted server, logging in DIR
fake_smtpd_start() {
    local dir=$1 idle=(--idle 90)
    shift
    case " $* " in *" --idle "*) idle=() ;; esac
    mkdir -p "$dir" && rm -f "$dir/port"
    [ ${#FAKE_SMTPD_PIDS[@]} -eq 0 ] && at_exit fake_smtpd_stop_all
    python3 "$TEST_TOP/tests/helpers/fake_smtpd.py" --port-file "$dir/port" --log "$dir/log" \
        "${idle[@]}" "$@" &
    FAKE_SMTPD_PID=$!
    FAKE_SMTPD_PIDS+=("$FAKE_SMTPD_PID")
    wait_file "$dir/port" 5 || fail "the scripted server in $dir starts"
    FAKE_SMTPD_PORT=$(cat "$dir/port")
}

# fake_smtpd_arrived DIR SUBJECT - the kept message with that subject
fake_smtpd_arrived() {
    local file
    file=$(grep -lx -- "Subject: $2" "$1"/msg.* 2>/dev/null | head -1)
    [ -n "$file" ] && echo "$file"
}

# fake_smtpd_rcpts DIR SUBJECT - the recipients of the transaction with that subject
fake_smtpd_rcpts() {
    python3 - "$1/log" "$2" <<'EOF'
import sys
rcpts, out = [], []
for line in open(sys.argv[1], errors="replace"):
    line = line.rstrip("\n")
    if line.startswith("C: MAIL FROM"):
        rcpts = []
    elif line.startswith("C: RCPT TO:"):
        rcpts.append(line[11:].split(" ")[0])
    elif line == "C: Subject: " + sys.argv[2]:
        out = rcpts
print(" ".join(out))
EOF
}
