#!/usr/bin/python3
"""Splits a `perf record -g` profile of a .NET SMTP server into where the CPU goes (for the benchmark README's profile).

    perf script -i perf.data -F comm,tid,ip,sym,dso | perf_split.py [CATEGORY-TO-EXPLAIN]

Record with DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 so that JIT frames have names. Each sample goes to
the first category whose pattern matches a frame, walking its stack from the leaf (the function on the CPU) to the
root: a sample in tcp_sendmsg called from Socket.Send is kernel socket work, one in a parser is parsing, one in
futex wake-up under the thread pool's semaphore is a wake-up. Printed: the share of each category, and of each thread
name (comm).
"""
import collections, re, sys

# (category, pattern over the frame's symbol) in the order they are tried for each frame.
CATEGORIES = [
    ("kernel: context switch / scheduling", r"finish_task_switch|__schedule|schedule_hrtimeout|do_sched_yield|pick_next|try_to_wake_up|ttwu|enqueue_task|dequeue_task|futex|__x64_sys_sched_yield"),
    ("kernel: epoll", r"do_epoll_wait|ep_poll|ep_send_events|__x64_sys_epoll"),
    ("kernel: TCP send", r"tcp_sendmsg|__sys_sendto|sock_sendmsg|tcp_write_xmit|__tcp_transmit_skb|ip_queue_xmit|loopback_xmit|__dev_queue_xmit|net_rx_action|tcp_v4_rcv|tcp_rcv_established|ip_finish_output"),
    ("kernel: TCP receive", r"tcp_recvmsg|__sys_recvfrom|sock_recvmsg|inet_recvmsg|tcp_cleanup_rbuf|skb_copy_datagram"),
    ("kernel: accept/close/other socket", r"__sys_accept|inet_accept|tcp_close|sock_close|__sys_shutdown|tcp_v4_connect|setsockopt"),
    ("kernel: page faults / memory", r"exc_page_fault|do_anonymous_page|clear_page|handle_mm_fault|madvise|mprotect|munmap"),
    ("GC", r"WKS::|SVR::|gc_heap|GCHeap|memset_avx2|JIT_CopiedWriteBarriers|RhpNewFast|JIT_New|AllocateObject|Alloc"),
    ("JIT / tiering", r"libclrjit|CallCountingManager|TieredCompilation|jitNativeCode|Compiler::"),
    ("timers", r"System.Threading.TimerQueue|TimerQueueTimer|CancellationTokenSource::CancelAfter|TimeProvider|ITimer|CancelAfter"),
    ("logging", r"\[Microsoft.Extensions.Logging|SmtpFixture.Log::|LoggerMessage"),
    ("tool: event writer (JSON lines, subject)", r"SmtpFixture\.Cli|Utf8JsonWriter|System.Text.Json|StreamWriter|ConsolePal|System.Console"),
    ("capture (store, content copy, MIME)", r"SmtpFixture\.Capture|MessageStore|ReceivedMessage|MessageBuffer|DotUnstuffer|SmtpAttempt|SmtpExchange|CompleteMessageAsync|MimeKit"),
    ("parsing and session logic", r"SmtpFixture\.Protocol|SmtpFixture\.Policies|SmtpFixture\.Transport|SmtpFixture\.Server|SmtpFixture\.[A-Z]"),
    ("pipelines / streams", r"System.IO.Pipelines|NetworkStream|System.Buffers"),
    ("socket engine (epoll thread, completions)", r"SocketAsyncEngine|SocketAsyncContext|SocketPal|System.Net.Sockets|SystemNative_Receive|SystemNative_Send|SystemNative_WaitForSocketEvents|__libc_recv|__send\b|epoll_wait"),
    ("thread pool dispatch and async machinery", r"ThreadPoolWorkQueue|PortableThreadPool|WorkerThread|LowLevelLifoSemaphore|LowLevelMonitor|ExecutionContext|AsyncTaskMethodBuilder|AsyncStateMachineBox|AwaitTaskContinuation|ValueTask|Task`|System.Threading.Tasks|ThreadPool|pthread_cond|__tls_get_addr"),
    ("kernel: syscall entry/exit", r"do_syscall_64|entry_SYSCALL|syscall_exit|irqentry_exit|fdget|fput"),
]
COMPILED = [(name, re.compile(pattern)) for name, pattern in CATEGORIES]

def samples(stream):
    comm, frames = None, []
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if comm is not None:
                yield comm, frames
            comm, frames = None, []
        elif not line.startswith((" ", "\t")):
            comm = line.split()[0] if line.split() else "?"
            comm = re.split(r"\s+\d+\s*$", line.strip())[0]
        else:
            parts = line.strip().split(" ", 1)
            frames.append(parts[1] if len(parts) > 1 else parts[0])
    if comm is not None:
        yield comm, frames

def classify(frames):
    # libcoreclr has no symbols here: its frames (allocation helpers, GC allocation, stubs) are skipped, so that their
    # cost goes to the managed code that called them (a parser's allocations count as parsing).
    for frame in frames:
        if "[unknown]" in frame:
            continue
        for name, pattern in COMPILED:
            if pattern.search(frame):
                return name
    return "runtime native code with no named caller (thread start, GC threads, runtime internals)"

# perf_split.py "parsing" shows, for the categories whose name contains the argument, the frames that decided them.
show = sys.argv[1] if len(sys.argv) > 1 else None
by_category, by_comm, total, deciding = collections.Counter(), collections.Counter(), 0, collections.Counter()
for comm, frames in samples(sys.stdin):
    total += 1
    category = classify(frames)
    by_category[category] += 1
    by_comm[comm] += 1
    if show and show in category:
        deciding[(frames[0] if frames else "?", next((f for f in frames if any(p.search(f) for _, p in COMPILED)), "?"))] += 1

print(f"{total} samples")
for name, count in by_category.most_common():
    print(f"  {100.0 * count / total:5.1f} %  {name}")
for (leaf, decided), count in deciding.most_common(25):
    print(f"    {count:5d}  leaf {leaf[:90]}  <- {decided[:110]}")
print("by thread:")
for name, count in by_comm.most_common(8):
    print(f"  {100.0 * count / total:5.1f} %  {name}")
