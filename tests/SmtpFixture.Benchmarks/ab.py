#!/usr/bin/python3
"""A/B runs of server variants under smtp-source, side by side, taking turns round by round (for profiling by hand).

    ab.py [--rounds 3] [--warm 3] [--messages 6400] [--size 2048] [--sessions 8] [--per-conn 100] NAME='ENV=V ... -- command args' ...
    e.g. ab.py "lib=-- bin/Release/net10.0/SmtpFixture.Benchmarks serve smtpfixture" \
               "inline=DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 -- bin/Release/net10.0/SmtpFixture.Benchmarks serve smtpfixture" \
               "sink=-- /usr/sbin/smtp-sink -u nobody -h localhost 127.0.0.1:{port} 1024"

Each variant is a command that prints its port first, as `PORT n` (the benchmark's `serve` host) or as the tool's
JSON `listening` event. Prints, per round and variant: msg/s, CPU per message (user+sys from /proc/PID/stat, split),
context switches per message (all threads, /proc/PID/task/*/status), and the machine's foreign load during the run.
"""
import json, os, shlex, subprocess, sys, time

def arg(name, default):
    if name in sys.argv:
        i = sys.argv.index(name)
        value = sys.argv[i + 1]
        del sys.argv[i:i + 2]
        return type(default)(value)
    return default

rounds = arg("--rounds", 3)
messages = arg("--messages", 6400)
size = arg("--size", 2048)
sessions = arg("--sessions", 8)
per_conn = arg("--per-conn", 100)
warm = arg("--warm", 3)
tick = os.sysconf("SC_CLK_TCK")

def stat(pid):
    text = open(f"/proc/{pid}/stat").read()
    f = text[text.rindex(")") + 2:].split()
    return int(f[11]) / tick, int(f[12]) / tick

def switches(pid):
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            for line in open(f"/proc/{pid}/task/{tid}/status"):
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split(":")[1])
        except OSError:
            pass
    return total

def busy():
    f = open("/proc/stat").readline().split()
    return sum(int(f[i]) for i in (1, 2, 3, 6, 7)) / tick

def children():
    t = os.times()
    return t.children_user + t.children_system

variants = []
for spec in sys.argv[1:]:
    name, command = spec.split("=", 1)
    env_part, _, cmd_part = command.partition("--")
    env = dict(os.environ)
    for pair in shlex.split(env_part):
        k, _, v = pair.partition("=")
        env[k] = v
    if "{port}" in cmd_part:
        # A server that takes a port (smtp-sink): a free one, then wait until it listens.
        import socket
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free = probe.getsockname()[1]
        p = subprocess.Popen(shlex.split(cmd_part.replace("{port}", str(free))), env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", free)).close()
                break
            except OSError:
                time.sleep(0.025)
        variants.append((name, p, free))
        continue
    p = subprocess.Popen(shlex.split(cmd_part), env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline().strip()
    port = int(line[5:]) if line.startswith("PORT ") else json.loads(line)["port"]
    variants.append((name, p, port))
    # The tool prints a line per message: keep its pipe drained.
    if not line.startswith("PORT "):
        import threading
        threading.Thread(target=lambda s=p.stdout: [None for _ in s], daemon=True).start()

def run(port, count):
    args = ["/usr/sbin/smtp-source", "-s", str(sessions), "-m", str(count), "-l", str(size), "-f", "a@example.com", "-t", "b@example.com", "-M", "client.example.com"]
    if per_conn > 1:
        args.append("-d")
    subprocess.run(args + [f"127.0.0.1:{port}"], check=True, stdout=subprocess.DEVNULL)

results = {}
try:
    for name, p, port in variants:  # warm-up: tiered JIT
        for _ in range(warm):
            run(port, 1600)
    for r in range(rounds):
        for i in range(len(variants)):
            name, p, port = variants[(i + r) % len(variants)]
            u0, s0 = stat(p.pid); c0 = switches(p.pid); b0 = busy(); ch0 = children(); t0 = time.monotonic()
            run(port, messages)
            time.sleep(0.05)
            t1 = time.monotonic(); u1, s1 = stat(p.pid); c1 = switches(p.pid); b1 = busy(); ch1 = children()
            server = (u1 - u0) + (s1 - s0)
            foreign = max(0.0, (b1 - b0) - server - (ch1 - ch0)) / (t1 - t0)
            results.setdefault(name, []).append((server / messages * 1e6, (c1 - c0) / messages, messages / (t1 - t0), foreign))
            print(f"[{r + 1}] {name:<14} {messages / (t1 - t0):7.0f} msg/s  cpu {server / messages * 1e6:5.0f} µs/msg "
                  f"(user {(u1 - u0) / messages * 1e6:4.0f} sys {(s1 - s0) / messages * 1e6:4.0f})  {(c1 - c0) / messages:5.1f} cs/msg  "
                  f"smtp-source {(ch1 - ch0) / messages * 1e6:4.0f} µs/msg  others {foreign:.2f} cores  load {open('/proc/loadavg').read().split()[0]}", flush=True)
    # Medians over the rounds, and each variant's median ÷ the first variant's (the A/B figure).
    import statistics
    first = None
    for name, rows in results.items():
        cpu = statistics.median(r[0] for r in rows); cs = statistics.median(r[1] for r in rows); rate = statistics.median(r[2] for r in rows)
        first = first or (cpu, cs, rate)
        print(f"median {name:<14} {rate:7.0f} msg/s  cpu {cpu:5.0f} µs/msg ({cpu / first[0]:.2f}×)  {cs:5.1f} cs/msg  others max {max(r[3] for r in rows):.2f} cores")
finally:
    for name, p, port in variants:
        p.terminate()
        p.wait(10)
