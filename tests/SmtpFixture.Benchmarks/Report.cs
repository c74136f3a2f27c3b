using System.Globalization;
using System.Text;
using SmtpFixture.Benchmarks.InProcess;
using SmtpFixture.Benchmarks.Load;
using SmtpFixture.Benchmarks.Servers;

namespace SmtpFixture.Benchmarks;

/// <summary>The results of one run as Markdown: the figures, SmtpFixture's ratio to each peer, and whether each performance goal is met.</summary>
public sealed class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly StringBuilder _text = new();
    private readonly List<(string Goal, string Measured, bool? Met, bool Loaded)> _goals = [];

    public string Command { get; set; } = string.Empty;

    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    public string LoadAverageAtStart { get; } = LoadAverage();

    public IReadOnlyDictionary<ServerKind, double>? LifecycleMeanMicroseconds { get; set; }

    public IReadOnlyList<LoadResult>? Load { get; set; }

    public IReadOnlyList<PipelineResult>? Pipeline { get; set; }

    public IReadOnlyList<MemoryResult>? Memory { get; set; }

    public LatencyResult? Latency { get; set; }

    public IReadOnlyList<SendLatencyResult>? SendLatency { get; set; }

    public string Render()
    {
        _text.Clear();
        _goals.Clear();
        Line($"Run of {Started:yyyy-MM-dd HH:mm} UTC, {(DateTimeOffset.UtcNow - Started).TotalMinutes:0.0} min: `{Command}`");
        Line();
        Machine();
        LifecycleSection();
        LoadSection();
        PipelineSection();
        MemorySection();
        LatencySection();
        SendLatencySection();
        GoalsSection();
        return _text.ToString();
    }

    private void Machine()
    {
        Line("### Machine");
        Line();
        Line($"- nproc: {Environment.ProcessorCount}; CPU: {CpuModel()}; load average at start {LoadAverageAtStart}, at end {LoadAverage()}{(double.Parse(LoadAverageAtStart.Split(' ')[0], Inv) > 1.5 ? " — **not a quiet machine** (above 1.5 at start)" : string.Empty)}");
        Line($"- {DotnetInfo()}");
        Line($"- Postfix {Shell.TryRun("/usr/sbin/postconf", "-d", "-h", "mail_version")?.Trim() ?? "?"} (smtp-source, smtp-sink); aiosmtpd {Shell.TryRun("dpkg-query", "-W", "-f=${Version}", "python3-aiosmtpd")?.Trim() ?? "?"} on /usr/bin/python3 {Shell.TryRun("/usr/bin/python3", "-c", "import platform; print(platform.python_version())")?.Trim() ?? "?"}");
        Line();
    }

    private void LifecycleSection()
    {
        if (LifecycleMeanMicroseconds is not { Count: > 0 } lifecycle)
        {
            return;
        }

        Line("### 1. Lifecycle: start on port 0, one session EHLO/QUIT, dispose (BenchmarkDotNet, in-process)");
        Line();
        Line("| server | mean per cycle | SmtpFixture ÷ server |");
        Line("|---|---:|---:|");
        lifecycle.TryGetValue(ServerKind.SmtpFixture, out var ours);
        foreach (var (kind, mean) in lifecycle)
        {
            Line($"| {kind.Label()} | {mean:0} µs | {(kind == ServerKind.SmtpFixture ? "" : F(ours / mean) + "×")} |");
        }

        Line();
        var peers = lifecycle.Where(p => p.Key != ServerKind.SmtpFixture).ToArray();
        if (ours > 0 && peers.Length > 0)
        {
            var fastest = peers.MinBy(p => p.Value);
            Goal($"Lifecycle ≤ 0.5× the faster peer ({fastest.Key.Label()})", $"{F(ours / fastest.Value)}×", ours / fastest.Value <= 0.5);
        }
    }

    private void LoadSection()
    {
        if (Load is not { Count: > 0 } load)
        {
            return;
        }

        var kinds = ServerKinds.All.Where(k => load.Any(r => r.Server == k)).ToArray();
        var ours = kinds.Where(k => k.IsOurs()).ToArray();
        var references = new[] { ServerKind.SmtpSink, ServerKind.SmtpServer }.Where(kinds.Contains).ToArray();
        var ratioColumns = (from o in ours from p in references select (Ours: o, Peer: p)).ToArray();
        var cases = load.Select(r => r.Case).Distinct().ToArray();
        Line("### 2. Throughput and server CPU per message (smtp-source as the load generator, each server in its own process)");
        Line();
        Line("SmtpFixture is measured twice: the library in a host process with default runtime settings (what a test process gets), "
            + "and the shipped tool as a user starts it (`smtp-fixture --port 0 --json`, its own runtimeconfig; its JSON lines are read and counted, "
            + "and its CPU is read once every message's line is out). Both capture every message; SmtpServer, aiosmtpd and smtp-sink count or discard; "
            + "netDumbster keeps messages in its own store (it has no other way to notice one). "
            + "CPU per message is the server process's CPU time over the case ÷ messages (nanosecond run time of its threads from /proc/PID/task/*/schedstat; "
            + "user+sys ticks from /proc/PID/stat when a thread ended during the case). Each case runs smtp-source repeatedly for a few seconds; "
            + "the 8-session cases are measured in more than one round and the best quiet round is kept. "
            + "Ratios are ours ÷ peer: above 1 is better for throughput, below 1 is better for CPU. "
            + $"† marks a figure measured while other processes used more than {LoadResult.QuietForeignCores:0.0} cores (see the load table).");
        Line();
        Line("Messages per second:");
        Line();
        Table(load, kinds, ratioColumns, cases, r => r.MessagesPerSecond, "0", extra: null);
        Line("Server CPU per message (µs), and smtp-source's own CPU per message (µs, the load generator's share of the 2 cores):");
        Line();
        Table(load, kinds, ratioColumns, cases, r => r.ServerCpuPerMessageMicroseconds, "0",
            extra: ("smtp-source", c => load.Where(r => r.Case == c && r.Error is null && !r.Skipped).Select(r => r.ClientCpuPerMessageMicroseconds).DefaultIfEmpty().Average().ToString("0", Inv)));
        Line("Server context switches per message (voluntary + involuntary, summed over the server's threads from /proc/PID/task/*/status; "
            + "a thread that ends during a case takes its count with it, so a figure can only be low, and ? marks a case where that was visible):");
        Line();
        Table(load, kinds, ratioColumns, cases, r => r.ContextSwitchesPerMessage, "0.0", extra: null);
        Line("Load while measuring: 1-minute load average before → after each case (it counts this benchmark's own server and smtp-source, "
            + "about 2 on its own once a run is under way), and the CPU other processes used during the case, in cores "
            + "(machine busy time from /proc/stat minus the server's, smtp-source's and the harness's, ÷ wall time):");
        Line();
        Line("| case | " + string.Join(" | ", kinds.Select(k => k.Label())) + " |");
        Line("|---|" + string.Concat(Enumerable.Repeat("---:|", kinds.Length)));
        foreach (var @case in cases)
        {
            Line($"| {@case} | " + string.Join(" | ", kinds.Select(k => Find(load, k, @case) is { Skipped: false } r
                ? string.Create(Inv, $"{r.LoadBefore:0.0}→{r.LoadAfter:0.0}, {r.ForeignCores:0.00}{(r.Loaded ? " †" : "")}")
                : "–")) + " |");
        }

        Line();
        var errors = load.Where(r => r.Error is not null).ToArray();
        if (load.Any(r => r.Skipped))
        {
            Line("Skipped: a case whose single smtp-source run would last too long at the server's measured rate.");
            Line();
        }

        foreach (var error in errors.Where(e => !e.Skipped))
        {
            Line($"- {error.Server.Label()}, {error.Case}: {error.Error}");
        }

        if (errors.Any(e => !e.Skipped))
        {
            Line();
        }

        // The goals of issue 16, for the library and for the tool alike: 2 KiB at 8 sessions (100 and 1 per connection),
        // 100 KiB at 8 sessions.
        static bool TwoKiB(LoadCase c) => c is { Size: 2048, Sessions: 8 };
        static bool HundredKiB(LoadCase c) => c is { Size: > 2048, Sessions: 8 };
        foreach (var o in ours)
        {
            var name = o == ServerKind.SmtpFixture ? "library" : "tool";
            Compare(load, o, $"{name}: CPU per message ≤ 1.0× smtp-sink (2 KiB, 8 sessions)", ServerKind.SmtpSink, TwoKiB, r => r.ServerCpuPerMessageMicroseconds, 1.0, higherIsBetter: false);
            Compare(load, o, $"{name}: CPU per message ≤ 0.6× SmtpServer (2 KiB, 8 sessions)", ServerKind.SmtpServer, TwoKiB, r => r.ServerCpuPerMessageMicroseconds, 0.6, higherIsBetter: false);
            Compare(load, o, $"{name}: throughput ≥ 1.0× smtp-sink (2 KiB, 8 sessions)", ServerKind.SmtpSink, TwoKiB, r => r.MessagesPerSecond, 1.0, higherIsBetter: true);
            Compare(load, o, $"{name}: throughput ≥ 1.2× SmtpServer (100 KiB, 8 sessions)", ServerKind.SmtpServer, HundredKiB, r => r.MessagesPerSecond, 1.2, higherIsBetter: true);
            Compare(load, o, $"{name}: CPU per message ≤ 1.0× smtp-sink (100 KiB, 8 sessions)", ServerKind.SmtpSink, HundredKiB, r => r.ServerCpuPerMessageMicroseconds, 1.0, higherIsBetter: false);
            Compare(load, o, $"{name}: CPU per message ≤ 0.6× SmtpServer (100 KiB, 8 sessions)", ServerKind.SmtpServer, HundredKiB, r => r.ServerCpuPerMessageMicroseconds, 0.6, higherIsBetter: false);
        }
    }

    /// <summary>One table: a column per server, then a ratio column per (ours, reference peer); † on figures measured under foreign load.</summary>
    private void Table(IReadOnlyList<LoadResult> load, ServerKind[] kinds, (ServerKind Ours, ServerKind Peer)[] ratios, LoadCase[] cases, Func<LoadResult, double> value, string format, (string Header, Func<LoadCase, string> Cell)? extra)
    {
        Line("| case | " + string.Join(" | ", kinds.Select(k => k.Label())) + " | " + string.Join(" | ", ratios.Select(r => $"{r.Ours.Short()} ÷ {r.Peer.Label()}"))
            + (extra is { } e ? " | " + e.Header : string.Empty) + " |");
        Line("|---|" + string.Concat(Enumerable.Repeat("---:|", kinds.Length + ratios.Length + (extra is null ? 0 : 1))));
        foreach (var @case in cases)
        {
            Line($"| {@case} | "
                + string.Join(" | ", kinds.Select(k => Find(load, k, @case) switch
                {
                    null => "–",
                    { Skipped: true } => "skipped",
                    { Error: not null } => "failed",
                    var r when double.IsNaN(value(r)) => "?",
                    var r => value(r).ToString(format, Inv) + (r.Loaded ? " †" : string.Empty),
                }))
                + " | " + string.Join(" | ", ratios.Select(r => Ratio(Find(load, r.Ours, @case), Find(load, r.Peer, @case), value)))
                + (extra is { } x ? " | " + x.Cell(@case) : string.Empty) + " |");
        }

        Line();
    }

    private void Compare(IReadOnlyList<LoadResult> load, ServerKind ours, string goal, ServerKind peer, Func<LoadCase, bool> filter, Func<LoadResult, double> value, double target, bool higherIsBetter)
    {
        var rows = (from mine in load
                    where mine.Server == ours && mine.Error is null && !mine.Skipped && filter(mine.Case)
                    let other = Find(load, peer, mine.Case)
                    where other is { Error: null, Skipped: false }
                    select (mine.Case, Ratio: value(mine) / value(other), Loaded: mine.Loaded || other.Loaded)).ToArray();
        if (rows.Length == 0)
        {
            return;
        }

        var met = rows.All(r => higherIsBetter ? r.Ratio >= target : r.Ratio <= target);
        var loaded = rows.Any(r => r.Loaded);
        var measured = string.Join("; ", rows.Select(r => $"{F(r.Ratio)}× ({r.Case.SizeLabel}, {r.Case.PerConnection}/conn){(r.Loaded ? " †" : "")}"));
        Goal(goal, measured, met, loaded);
    }

    private void PipelineSection()
    {
        if (Pipeline is not { Count: > 0 } pipeline)
        {
            return;
        }

        Line("### 3. Pipelined throughput: one MailKit connection, 2 KiB messages (client and server in one process)");
        Line();
        Line("Each server gets the same number of messages or, if it is slower, as many as fit in the time limit (the messages column).");
        Line();
        Line("| server | messages | msg/s | process CPU per message | negotiated | SmtpFixture ÷ server |");
        Line("|---|---:|---:|---:|---|---:|");
        var ours = pipeline.FirstOrDefault(p => p.Server == ServerKind.SmtpFixture);
        foreach (var p in pipeline)
        {
            Line($"| {p.Server.Label()} | {p.Messages} | {p.MessagesPerSecond:0} | {p.ProcessCpuSeconds / p.Messages * 1e6:0} µs | {p.Transfer} | {(p.Server == ServerKind.SmtpFixture || ours is null ? "" : F(ours.MessagesPerSecond / p.MessagesPerSecond) + "×")} |");
        }

        Line();
    }

    private void MemorySection()
    {
        if (Memory is not { Count: > 0 } memory)
        {
            return;
        }

        Line("### 4. Memory retained per captured message (in-process, GC.GetTotalMemory(true) after − before)");
        Line();
        Line("| server | message | messages | raw size | retained per message | ratio to raw |");
        Line("|---|---:|---:|---:|---:|---:|");
        foreach (var m in memory)
        {
            Line($"| {m.Server} | {m.Size / 1024} KiB | {m.Messages} | {m.RawSize} B | {m.RetainedPerMessage:0} B | {m.Ratio:0.00}× |");
        }

        Line();
        foreach (var m in memory.Where(m => m.Server == ServerKind.SmtpFixture.Label()))
        {
            Goal($"Memory ≤ 1.3× raw ({m.Size / 1024} KiB)", $"{m.Ratio:0.00}×", m.Ratio <= 1.3);
        }
    }

    private void LatencySection()
    {
        if (Latency is not { } latency)
        {
            return;
        }

        Line("### 5. Wait latency (in-process, one connection, 2 KiB messages)");
        Line();
        Line($"- final `250` read by the client → continuation after `await WaitForMessageAsync()`: median {latency.MedianMicroseconds:0} µs, p99 {latency.P99Microseconds:0} µs ({latency.Samples} samples; {latency.BeforeReply} resumed before the client had read the 250, counted as negative)");
        Line($"- for scale, MAIL FROM sent → continuation (the whole transaction plus the wake-up): median {latency.MedianFromMailMicroseconds:0} µs, p99 {latency.P99FromMailMicroseconds:0} µs");
        Line();
        Goal("Wait latency < 1 ms median", $"{latency.MedianMicroseconds:0} µs median, {latency.P99Microseconds:0} µs p99", latency.MedianMicroseconds < 1000);
    }

    private void SendLatencySection()
    {
        if (SendLatency is not { Count: > 0 } latency)
        {
            return;
        }

        Line("### 6. Per-message latency: one MailKit client sending 2 KiB messages one after another");
        Line();
        Line("Each `SendAsync` timed on its own, on one open connection and with a connection per message (connect, EHLO, send, QUIT). "
            + "The .NET servers run in the benchmark's process, as in a test; the tool runs as its own process.");
        Line();
        Line("| server | negotiated | open connection: median | p99 | samples | connection per message: median | p99 | samples |");
        Line("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in latency)
        {
            Line(string.Create(Inv, $"| {r.Server.Label()} | {r.Transfer} | {r.Median:0} µs | {r.P99:0} µs | {r.Samples} | {r.ConnectMedian:0} µs | {r.ConnectP99:0} µs | {r.ConnectSamples} |"));
        }

        Line();
        var ours = latency.FirstOrDefault(r => r.Server == ServerKind.SmtpFixture);
        var peers = latency.Where(r => !r.Server.IsOurs()).ToArray();
        if (ours is not null && peers.Length > 0)
        {
            var best = peers.MinBy(p => p.Median)!;
            Goal($"Per-message latency (reported): library median vs the faster peer ({best.Server.Label()})",
                string.Create(Inv, $"{ours.Median:0} µs vs {best.Median:0} µs ({F(ours.Median / best.Median)}×); p99 {ours.P99:0} vs {best.P99:0} µs"), null);
        }
    }

    private void GoalsSection()
    {
        if (_goals.Count == 0)
        {
            return;
        }

        Line("### Goals");
        Line();
        Line("| goal | measured | met |");
        Line("|---|---|---|");
        foreach (var (goal, measured, met, loaded) in _goals)
        {
            Line($"| {goal} | {measured} | {(met switch { true => "yes", false => "**no**", null => "?" })}{(loaded ? " †" : "")} |");
        }

        Line();
        if (_goals.Any(g => g.Loaded))
        {
            Line($"† measured while other processes used more than {LoadResult.QuietForeignCores:0.0} cores: not a quiet-machine figure, the verdict does not count.");
            Line();
        }
    }

    private void Goal(string goal, string measured, bool? met, bool loaded = false) => _goals.Add((goal, measured, met, loaded));

    private static LoadResult? Find(IReadOnlyList<LoadResult> load, ServerKind kind, LoadCase @case) =>
        load.FirstOrDefault(r => r.Server == kind && r.Case == @case);

    private static string Ratio(LoadResult? ours, LoadResult? peer, Func<LoadResult, double> value) =>
        ours is { Error: null, Skipped: false } && peer is { Error: null, Skipped: false } && value(ours) / value(peer) is var ratio && double.IsFinite(ratio) ? F(ratio) + "×" : "–";

    private static string F(double value) => value.ToString(value >= 10 ? "0" : "0.00", Inv);

    private void Line(string text = "") => _text.Append(text).Append('\n');

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string DotnetInfo()
    {
        var info = Shell.TryRun("dotnet", "--info") ?? string.Empty;
        string Value(string key) => info.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?[key.Length..].Trim() ?? "?";
        return $".NET SDK {Value("Version:")}, runtime {Environment.Version}, {Value("OS Name:")} {Value("OS Version:")}, {Value("RID:")}; GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}";
    }
}
