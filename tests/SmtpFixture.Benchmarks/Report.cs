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
    private readonly List<(string Goal, string Measured, bool? Met)> _goals = [];

    public string Command { get; set; } = string.Empty;

    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    public string LoadAverageAtStart { get; } = LoadAverage();

    public IReadOnlyDictionary<ServerKind, double>? LifecycleMeanMicroseconds { get; set; }

    public IReadOnlyList<LoadResult>? Load { get; set; }

    public IReadOnlyList<PipelineResult>? Pipeline { get; set; }

    public IReadOnlyList<MemoryResult>? Memory { get; set; }

    public LatencyResult? Latency { get; set; }

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
        GoalsSection();
        return _text.ToString();
    }

    private void Machine()
    {
        Line("### Machine");
        Line();
        Line($"- nproc: {Environment.ProcessorCount}; CPU: {CpuModel()}; load average at start {LoadAverageAtStart}, at end {LoadAverage()} (shared machine)");
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
        var peers = kinds.Where(k => k != ServerKind.SmtpFixture).ToArray();
        var cases = load.Select(r => r.Case).Distinct().ToArray();
        Line("### 2. Throughput and server CPU per message (smtp-source as the load generator, each server in its own process)");
        Line();
        Line("SmtpFixture captures every message (kept in its store until the reset between cases); SmtpServer, aiosmtpd and smtp-sink count or discard; "
            + "netDumbster keeps messages in its own store (it has no other way to notice one). "
            + "CPU per message is the server process's CPU time over the case ÷ messages (nanosecond run time of its threads from /proc/PID/task/*/schedstat; "
            + "user+sys ticks from /proc/PID/stat when a thread ended during the case). Each case runs smtp-source repeatedly for a few seconds; "
            + "a full run measures the 8-session cases twice and keeps the better round. "
            + "Ratios are SmtpFixture ÷ peer: above 1 is better for throughput, below 1 is better for CPU.");
        Line();
        Line("Messages per second:");
        Line();
        Line("| case | " + string.Join(" | ", kinds.Select(k => k.Label())) + " | " + string.Join(" | ", peers.Select(p => "÷ " + p.Label())) + " |");
        Line("|---|" + string.Concat(Enumerable.Repeat("---:|", kinds.Length + peers.Length)));
        foreach (var @case in cases)
        {
            var row = kinds.Select(k => Find(load, k, @case)).ToArray();
            var ours = Find(load, ServerKind.SmtpFixture, @case);
            Line($"| {@case} | " + string.Join(" | ", row.Select(r => r is null ? "–" : r.Skipped ? "skipped" : r.Error is null ? r.MessagesPerSecond.ToString("0", Inv) : "failed"))
                + " | " + string.Join(" | ", peers.Select(p => Ratio(ours, Find(load, p, @case), r => r.MessagesPerSecond))) + " |");
        }

        Line();
        Line("Server CPU per message (µs), and smtp-source's own CPU per message (µs, the load generator's share of the 2 cores):");
        Line();
        Line("| case | " + string.Join(" | ", kinds.Select(k => k.Label())) + " | " + string.Join(" | ", peers.Select(p => "÷ " + p.Label())) + " | smtp-source |");
        Line("|---|" + string.Concat(Enumerable.Repeat("---:|", kinds.Length + peers.Length + 1)));
        foreach (var @case in cases)
        {
            var row = kinds.Select(k => Find(load, k, @case)).ToArray();
            var ours = Find(load, ServerKind.SmtpFixture, @case);
            var client = load.Where(r => r.Case == @case && r.Error is null && !r.Skipped).Select(r => r.ClientCpuPerMessageMicroseconds).DefaultIfEmpty().Average();
            Line($"| {@case} | " + string.Join(" | ", row.Select(r => r is null ? "–" : r.Skipped ? "skipped" : r.Error is null ? r.ServerCpuPerMessageMicroseconds.ToString("0", Inv) : "failed"))
                + " | " + string.Join(" | ", peers.Select(p => Ratio(ours, Find(load, p, @case), r => r.ServerCpuPerMessageMicroseconds))) + $" | {client:0} |");
        }

        var errors = load.Where(r => r.Error is not null).ToArray();
        if (load.Any(r => r.Skipped))
        {
            Line();
            Line("Skipped: a case whose single smtp-source run would last too long at the server's measured rate.");
        }

        if (errors.Length > 0)
        {
            Line();
            foreach (var error in errors.Where(e => !e.Skipped))
            {
                Line($"- {error.Server.Label()}, {error.Case}: {error.Error}");
            }
        }

        Line();
        ThroughputGoal(load, "2 KiB: throughput ≥ 1.0× smtp-sink", ServerKind.SmtpSink, c => c.Size == 2048, 1.0);
        ThroughputGoal(load, "2 KiB: throughput ≥ 1.3× SmtpServer", ServerKind.SmtpServer, c => c.Size == 2048, 1.3);
        ThroughputGoal(load, "100 KiB: throughput ≥ 1.0× SmtpServer", ServerKind.SmtpServer, c => c.Size > 2048, 1.0);
        ThroughputGoal(load, "Throughput ≥ 4× netDumbster everywhere", ServerKind.NetDumbster, _ => true, 4.0);
        CpuGoal(load, "CPU per message ≤ 1.0× smtp-sink", ServerKind.SmtpSink, 1.0);
        CpuGoal(load, "CPU per message ≤ 0.5× SmtpServer", ServerKind.SmtpServer, 0.5);
    }

    private void ThroughputGoal(IReadOnlyList<LoadResult> load, string goal, ServerKind peer, Func<LoadCase, bool> filter, double target)
    {
        var ratios = Ratios(load, peer, filter, r => r.MessagesPerSecond);
        if (ratios.Length == 0)
        {
            return;
        }

        var worst = ratios.MinBy(r => r.Ratio);
        var met = ratios.Count(r => r.Ratio >= target);
        Goal(goal, $"{F(worst.Ratio)}× at worst ({worst.Case}); met in {met} of {ratios.Length} cases{GoalCase(ratios)}", met == ratios.Length);
    }

    private void CpuGoal(IReadOnlyList<LoadResult> load, string goal, ServerKind peer, double target)
    {
        var ratios = Ratios(load, peer, _ => true, r => r.ServerCpuPerMessageMicroseconds);
        if (ratios.Length == 0)
        {
            return;
        }

        var worst = ratios.MaxBy(r => r.Ratio);
        var met = ratios.Count(r => r.Ratio <= target);
        Goal(goal, $"{F(worst.Ratio)}× at worst ({worst.Case}); met in {met} of {ratios.Length} cases{GoalCase(ratios)}", met == ratios.Length);
    }

    private static string GoalCase((LoadCase Case, double Ratio)[] ratios)
    {
        var reference = ratios.FirstOrDefault(r => r.Case is { Size: 2048, PerConnection: 100, Sessions: 8 });
        return reference.Case is null ? string.Empty : $"; {F(reference.Ratio)}× at 2 KiB, 8 sessions × 100/conn";
    }

    private static (LoadCase Case, double Ratio)[] Ratios(IReadOnlyList<LoadResult> load, ServerKind peer, Func<LoadCase, bool> filter, Func<LoadResult, double> value) =>
        [.. from ours in load
            where ours.Server == ServerKind.SmtpFixture && ours.Error is null && !ours.Skipped && filter(ours.Case)
            let other = Find(load, peer, ours.Case)
            where other is { Error: null, Skipped: false }
            select (ours.Case, value(ours) / value(other))];

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
        foreach (var (goal, measured, met) in _goals)
        {
            Line($"| {goal} | {measured} | {(met switch { true => "yes", false => "**no**", null => "?" })} |");
        }

        Line();
    }

    private void Goal(string goal, string measured, bool? met) => _goals.Add((goal, measured, met));

    private static LoadResult? Find(IReadOnlyList<LoadResult> load, ServerKind kind, LoadCase @case) =>
        load.FirstOrDefault(r => r.Server == kind && r.Case == @case);

    private static string Ratio(LoadResult? ours, LoadResult? peer, Func<LoadResult, double> value) =>
        ours is { Error: null, Skipped: false } && peer is { Error: null, Skipped: false } ? F(value(ours) / value(peer)) + "×" : "–";

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
