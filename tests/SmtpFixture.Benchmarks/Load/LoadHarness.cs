using System.Diagnostics;
using System.Globalization;
using SmtpFixture.Benchmarks.Servers;

namespace SmtpFixture.Benchmarks.Load;

/// <summary>One load case: message size, messages per connection (1, or 100 with smtp-source -d) and parallel sessions.</summary>
public sealed record LoadCase(int Size, int PerConnection, int Sessions)
{
    public string SizeLabel => Size >= 1024 ? $"{Size / 1024} KiB" : $"{Size} B";

    public override string ToString() => $"{SizeLabel}, {PerConnection}/conn, {Sessions} sessions";
}

public sealed record LoadResult(ServerKind Server, LoadCase Case, long Messages, double Seconds, double ServerCpuSeconds, double ClientCpuSeconds, string? Error)
{
    public double MessagesPerSecond => Messages / Seconds;

    public double ServerCpuPerMessageMicroseconds => ServerCpuSeconds / Messages * 1e6;

    public double ClientCpuPerMessageMicroseconds => ClientCpuSeconds / Messages * 1e6;
}

/// <summary>
/// Drives every server with Postfix's smtp-source and reads each server process's CPU time from /proc before and after.
/// All servers run at once (idle between their turns) and take turns case by case, so that the machine's load drifts
/// over all of them alike; the order of the servers rotates from case to case.
/// </summary>
public sealed class LoadHarness(bool quick, TextWriter log)
{
    private const string SmtpSource = "/usr/sbin/smtp-source";

    public static bool Available => File.Exists(SmtpSource);

    public IReadOnlyList<LoadCase> Cases { get; } = BuildCases(quick);

    public static IReadOnlyList<LoadCase> BuildCases(bool quick)
    {
        var sessions = quick ? new[] { 8 } : [1, 8, 32];
        return [.. from size in new[] { 2048, 100 * 1024 } from perConnection in new[] { 1, 100 } from s in sessions select new LoadCase(size, perConnection, s)];
    }

    public async Task<IReadOnlyList<LoadResult>> RunAsync(IReadOnlyList<ServerKind> kinds)
    {
        var servers = new List<ServerProcess>();
        var results = new List<LoadResult>();
        try
        {
            foreach (var kind in kinds)
            {
                try
                {
                    servers.Add(await ServerProcess.StartAsync(kind).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    log.WriteLine($"  {kind.Label()} not measured: {ex.Message}");
                }
            }

            // Warm-up, not measured: every code path of every server, twice, so that tiered compilation has finished
            // (on a busy machine it otherwise recompiles hot methods during the first measured cases).
            foreach (var server in servers)
            {
                for (var round = 0; round < (quick ? 1 : 2); round++)
                {
                    await RunCaseAsync(server, new LoadCase(2048, 100, 8), 1600).ConfigureAwait(false);
                    await RunCaseAsync(server, new LoadCase(2048, 1, 8), 400).ConfigureAwait(false);
                    await RunCaseAsync(server, new LoadCase(100 * 1024, 100, 8), 800).ConfigureAwait(false);
                    await RunCaseAsync(server, new LoadCase(100 * 1024, 1, 8), 200).ConfigureAwait(false);
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);

            for (var c = 0; c < Cases.Count; c++)
            {
                var @case = Cases[c];
                var total = Total(@case);
                for (var i = 0; i < servers.Count; i++)
                {
                    var server = servers[(i + c) % servers.Count];
                    var result = await RunCaseAsync(server, @case, total).ConfigureAwait(false);
                    results.Add(result);
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {@case,-32} {server.Kind.Label(),-18} {result.MessagesPerSecond,8:0} msg/s  server {result.ServerCpuPerMessageMicroseconds,6:0} µs/msg  smtp-source {result.ClientCpuPerMessageMicroseconds,5:0} µs/msg{(result.Error is null ? string.Empty : "  ERROR " + result.Error)}"));
                }
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }

        return results;
    }

    /// <summary>How many messages a case sends: enough for a few seconds, and whole connections of 100 when batched.</summary>
    private int Total(LoadCase @case)
    {
        var target = (@case.Size <= 2048, quick) switch
        {
            (true, false) => 3200,
            (true, true) => 1600,
            (false, false) => 1600,
            (false, true) => 800,
        };
        var batch = @case.PerConnection * @case.Sessions;
        return Math.Max(batch, target / batch * batch);
    }

    private static async Task<LoadResult> RunCaseAsync(ServerProcess server, LoadCase @case, int total)
    {
        await server.ResetAsync().ConfigureAwait(false);

        // With -d (RFC 5321 sessions that send the next message on the same connection) each smtp-source session
        // keeps its connection until the run's -m count is spent: -m = 100 × sessions gives 100 per connection.
        var perRun = @case.PerConnection == 1 ? total : @case.PerConnection * @case.Sessions;
        var runs = total / perRun;
        string? error = null;
        var cpu0 = server.CpuSeconds;
        var client0 = ProcStat.ReapedChildrenSeconds();
        var clock = Stopwatch.StartNew();
        for (var r = 0; r < runs && error is null; r++)
        {
            error = RunSmtpSource(server.Port, @case, perRun);
        }

        clock.Stop();
        var cpu1 = server.CpuSeconds;
        var client1 = ProcStat.ReapedChildrenSeconds();
        var count = await server.CountAsync().ConfigureAwait(false);
        if (error is null && count is { } received && received != total)
        {
            error = $"server counted {received} messages, {total} were sent";
        }

        return new LoadResult(server.Kind, @case, total, clock.Elapsed.TotalSeconds, cpu1 - cpu0, client1 - client0, error);
    }

    private static string? RunSmtpSource(int port, LoadCase @case, int messages)
    {
        var info = new ProcessStartInfo(SmtpSource) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        var args = new List<string>
        {
            "-s", @case.Sessions.ToString(CultureInfo.InvariantCulture),
            "-m", messages.ToString(CultureInfo.InvariantCulture),
            "-l", @case.Size.ToString(CultureInfo.InvariantCulture),
            "-f", "sender@example.com",
            "-t", "rcpt@example.com",
            "-M", "client.example.com",
        };
        if (@case.PerConnection > 1)
        {
            args.Add("-d");
        }

        args.Add($"127.0.0.1:{port}");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"smtp-source exited with {process.ExitCode}: {(stderr.Result + stdout.Result).Trim()}";
    }
}
