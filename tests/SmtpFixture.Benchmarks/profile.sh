#!/bin/bash
# Profiles one server under smtp-source (8 sessions): perf record -g (6 s), per-thread CPU from /proc, strace -c -f.
# usage: profile.sh NAME PERCONN [ARGS]   (BIN=program, default the benchmark host; ARGS default "serve smtpfixture";
#        SIZE, MSGS, WARM: message size, messages measured, warm-up messages). Writes /tmp/prof-NAME.*; then
#        perf script -i /tmp/prof-NAME.perf.data -F comm,tid,ip,sym,dso | perf_split.py
set -e
B=${BIN:-$(cd "$(dirname "$0")" && pwd)/bin/Release/net10.0/SmtpFixture.Benchmarks}
NAME=$1; PC=$2; CMD=${3:-serve smtpfixture}
mkfifo /tmp/prof-$NAME.in 2>/dev/null || true
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 $B $CMD < /tmp/prof-$NAME.in > /tmp/prof-$NAME.out 2>/dev/null &
PID=$!
exec 3>/tmp/prof-$NAME.in
for i in $(seq 100); do grep -q -E "PORT|\"port\"" /tmp/prof-$NAME.out && break; sleep 0.2; done
PORT=$(grep -o -E "PORT [0-9]+|\"port\":[0-9]+" /tmp/prof-$NAME.out | grep -o "[0-9]*$")
D=""; [ "$PC" = 100 ] && D=-d
src() { /usr/sbin/smtp-source -s 8 -m $1 -l ${SIZE:-2048} -f a@example.com -t b@example.com -M client.example.com $D 127.0.0.1:$PORT; }
for w in 1 2 3 4 5; do src ${WARM:-6400}; done   # warm-up: tiered JIT done
perf record -F 999 -g -p $PID -o /tmp/prof-$NAME.perf.data -- sleep 6 > /dev/null 2>&1 &
PERF=$!
threads() { for t in /proc/$PID/task/*; do echo "$(basename $t) $(cut -d' ' -f1 $t/schedstat) $(cat $t/comm | tr ' ' '_')"; done; }
threads > /tmp/prof-$NAME.threads0
sleep 0.3
src ${MSGS:-20000}
threads > /tmp/prof-$NAME.threads1
wait $PERF || true
join <(sort /tmp/prof-$NAME.threads0) <(sort /tmp/prof-$NAME.threads1) | awk -v n=${MSGS:-20000} '{d=$4-$2; c[$5]+=d; t+=d} END {for (k in c) printf "  %-20s %6.1f us/msg %5.1f%%\n", k, c[k]/n/1000, 100*c[k]/t}' | sort -k2 -nr > /tmp/prof-$NAME.percpu
strace -c -f -p $PID -o /tmp/prof-$NAME.strace 2>/dev/null &
ST=$!
sleep 0.5
src 4000
sleep 0.3
kill -INT $ST; wait $ST || true
echo quit >&3; kill -TERM $PID 2>/dev/null || true
wait $PID || true
