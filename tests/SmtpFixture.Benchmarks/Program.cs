using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SmtpFixture.Benchmarks;
using SmtpFixture.Benchmarks.InProcess;
using SmtpFixture.Benchmarks.Load;
using SmtpFixture.Benchmarks.Servers;

// SmtpFixture benchmarks: see README.md. One command runs everything:
//   dotnet run -c Release --project tests/SmtpFixture.Benchmarks -- all [--quick] [--out FILE]
var command = args.FirstOrDefault() ?? "help";
var quick = args.Contains("--quick");
var outIndex = Array.IndexOf(args, "--out");
var output = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : "BenchmarkResults.md";

if (command == "serve")
{
    return await HostCommand.RunAsync(ServerKinds.Parse(args.ElementAtOrDefault(1) ?? "fixture"));
}

#if DEBUG
Console.Error.WriteLine("Benchmarks measure a Release build: run with -c Release.");
return 2;
#else
var log = Console.Out;
var report = new Report { Command = "SmtpFixture.Benchmarks " + string.Join(' ', args) };
var all = command == "all";
switch (command)
{
    case "all" or "lifecycle" or "load" or "pipeline" or "memory" or "latency" or "send":
        break;
    case "checks":
        // What the client and message checks cost: the load cases against SmtpFixture with the default checks and
        // with every check off, side by side in one run (server CPU per message is the figure to compare).
        if (!LoadHarness.Available)
        {
            Console.Error.WriteLine("checks needs Postfix's smtp-source.");
            return 2;
        }

        var checkResults = await new LoadHarness(quick, log).RunAsync([ServerKind.SmtpFixture, ServerKind.SmtpFixtureNoChecks]);
        foreach (var group in checkResults.GroupBy(r => r.Case))
        {
            var on = group.FirstOrDefault(r => r.Server == ServerKind.SmtpFixture);
            var off = group.FirstOrDefault(r => r.Server == ServerKind.SmtpFixtureNoChecks);
            if (on is { Error: null, Skipped: false } && off is { Error: null, Skipped: false })
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{group.Key}: server CPU/message {on.ServerCpuPerMessageMicroseconds:0} µs with checks, {off.ServerCpuPerMessageMicroseconds:0} µs without: {on.ServerCpuPerMessageMicroseconds / off.ServerCpuPerMessageMicroseconds:0.00}x; msg/s {on.MessagesPerSecond:0} vs {off.MessagesPerSecond:0}"));
            }
        }

        return 0;
    default:
        Console.WriteLine("usage: SmtpFixture.Benchmarks all|lifecycle|load|pipeline|memory|latency|send [--quick] [--out FILE] [--readme README.md]");
        Console.WriteLine("       SmtpFixture.Benchmarks serve smtpfixture|smtpserver|netdumbster   (a server for the load harness)");
        return command == "help" ? 0 : 2;
}

if (all || command == "lifecycle")
{
    log.WriteLine("== 1. Lifecycle (BenchmarkDotNet)");
    report.LifecycleMeanMicroseconds = RunLifecycle(quick);
    foreach (var (kind, mean) in report.LifecycleMeanMicroseconds)
    {
        log.WriteLine($"  {kind.Label(),-18} {mean,8:0} µs per cycle");
    }
}

if (all || command == "load")
{
    TimeWait.WaitForDrain(log);
    log.WriteLine("== 2. Throughput and CPU per message (smtp-source)");
    if (LoadHarness.Available)
    {
        // --servers smtpfixture,tool,smtp-sink: a subset (for A/B runs); --goals: only the 8-session cases the goals name.
        var serversIndex = Array.IndexOf(args, "--servers");
        var kinds = serversIndex >= 0 && serversIndex + 1 < args.Length
            ? args[serversIndex + 1].Split(',').Select(ServerKinds.Parse).ToArray()
            : ServerKinds.All.Where(k => k != ServerKind.Aiosmtpd || File.Exists("/usr/bin/python3")).ToArray();
        report.Load = await new LoadHarness(quick, log, goalsOnly: args.Contains("--goals")).RunAsync(kinds);
    }
    else
    {
        log.WriteLine("  skipped: /usr/sbin/smtp-source not found (apt-get install postfix; see README.md)");
    }
}

if (all || command == "pipeline")
{
    log.WriteLine("== 3. Pipelined throughput (MailKit, one connection)");
    report.Pipeline = await PipelineBenchmark.RunAsync(quick ? 2_000 : 10_000, TimeSpan.FromSeconds(quick ? 8 : 20), log);
}

if (all || command == "memory")
{
    log.WriteLine("== 4. Memory per captured message");
    report.Memory = await MemoryBenchmark.RunAsync(quick ? 2_000 : 10_000, log);
}

if (all || command == "latency")
{
    log.WriteLine("== 5. Wait latency");
    report.Latency = await LatencyBenchmark.RunAsync(quick ? 300 : 2_000, log);
}

if (all || command == "send")
{
    log.WriteLine("== 6. Per-message latency (one MailKit client, sequential)");
    report.SendLatency = await SendLatencyBenchmark.RunAsync(quick ? 400 : 2_000, TimeSpan.FromSeconds(quick ? 8 : 20), log);
}

var markdown = report.Render();
await File.WriteAllTextAsync(output, markdown);
var readmeIndex = Array.IndexOf(args, "--readme");
if (readmeIndex >= 0 && readmeIndex + 1 < args.Length)
{
    // Replace the results section of the README (between the markers) with this run's.
    const string Start = "<!-- results:start -->", End = "<!-- results:end -->";
    var readme = await File.ReadAllTextAsync(args[readmeIndex + 1]);
    var from = readme.IndexOf(Start, StringComparison.Ordinal);
    var to = readme.IndexOf(End, StringComparison.Ordinal);
    if (from >= 0 && to > from)
    {
        readme = readme[..(from + Start.Length)] + "\n" + markdown + readme[to..];
        await File.WriteAllTextAsync(args[readmeIndex + 1], readme);
        log.WriteLine($"Results written into {args[readmeIndex + 1]}");
    }
}
log.WriteLine();
log.WriteLine(markdown);
log.WriteLine($"Written to {Path.GetFullPath(output)}");
return 0;

static Dictionary<ServerKind, double> RunLifecycle(bool quick)
{
    // In-process toolchain: no child project build per benchmark (minutes on a busy machine), same JIT as the harness.
    var job = Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithWarmupCount(quick ? 2 : 5)
        .WithIterationCount(quick ? 5 : 15)
        .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250));
    var config = ManualConfig.CreateEmpty()
        .AddJob(job)
        .AddLogger(ConsoleLogger.Default)
        .AddColumnProvider(DefaultColumnProviders.Instance)
        .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "SmtpFixture.Benchmarks.Artifacts"))
        .WithOptions(ConfigOptions.DisableLogFile);
    var summary = BenchmarkRunner.Run<LifecycleBenchmarks>(config);
    var means = new Dictionary<ServerKind, double>();
    foreach (var benchmark in summary.BenchmarksCases)
    {
        var kind = (ServerKind)benchmark.Parameters["Server"];
        if (summary[benchmark]?.ResultStatistics is { } stats)
        {
            means[kind] = stats.Mean / 1000.0;
        }
    }

    return means.OrderBy(p => p.Key).ToDictionary(p => p.Key, p => p.Value);
}
#endif
