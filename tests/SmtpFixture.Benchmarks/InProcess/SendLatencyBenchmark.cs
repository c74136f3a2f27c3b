using System.Diagnostics;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpFixture.Benchmarks.Load;
using SmtpFixture.Benchmarks.Servers;

namespace SmtpFixture.Benchmarks.InProcess;

/// <summary>Per-message latency of one sequential MailKit client against one server.</summary>
public sealed record SendLatencyResult(ServerKind Server, int Samples, double Median, double P99, int ConnectSamples, double ConnectMedian, double ConnectP99, string Transfer);

/// <summary>
/// What a test suite feels: one MailKit <see cref="SmtpClient"/> sending 2 KiB messages one after another, each
/// <c>SendAsync</c> timed on its own (median and p99, µs). Two ways a test sends: on one open connection, and a
/// connection per message (connect, EHLO, send, QUIT), as code under test that opens a client per email does.
/// The .NET servers run in this process, as they do in a test; the tool runs as a process of its own.
/// </summary>
public static class SendLatencyBenchmark
{
    private static readonly ServerKind[] Servers = [ServerKind.SmtpFixture, ServerKind.SmtpFixtureTool, ServerKind.SmtpServer, ServerKind.NetDumbster];

    public static async Task<IReadOnlyList<SendLatencyResult>> RunAsync(int samples, TimeSpan timeLimit, TextWriter log)
    {
        var message = PipelineBenchmark.BuildMessage(2048);
        var results = new List<SendLatencyResult>();
        foreach (var kind in Servers)
        {
            InProcessServer? inProcess = null;
            ServerProcess? process = null;
            try
            {
                int port;
                if (kind == ServerKind.SmtpFixtureTool)
                {
                    process = await ServerProcess.StartAsync(kind).ConfigureAwait(false);
                    port = process.Port;
                }
                else
                {
                    inProcess = await InProcessServer.StartAsync(kind).ConfigureAwait(false);
                    port = inProcess.Port;
                }

                var (open, transfer) = await OpenConnectionAsync(port, message, samples, timeLimit).ConfigureAwait(false);
                var perConnection = await ConnectionPerMessageAsync(port, message, samples / 4, timeLimit / 2).ConfigureAwait(false);
                var result = new SendLatencyResult(
                    kind, open.Count, Percentile(open, 0.5), Percentile(open, 0.99),
                    perConnection.Count, Percentile(perConnection, 0.5), Percentile(perConnection, 0.99), transfer);
                results.Add(result);
                log.WriteLine($"  {kind.Label(),-18} open connection: median {result.Median,7:0} µs, p99 {result.P99,7:0} µs ({result.Samples}, {transfer});  connection per message: median {result.ConnectMedian,7:0} µs, p99 {result.ConnectP99,7:0} µs ({result.ConnectSamples})");
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or SmtpCommandException or SmtpProtocolException)
            {
                log.WriteLine($"  {kind.Label(),-18} not measured: {ex.Message}");
            }
            finally
            {
                if (inProcess is not null)
                {
                    await inProcess.DisposeAsync().ConfigureAwait(false);
                }

                if (process is not null)
                {
                    await process.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        return results;
    }

    private static async Task<(List<double> Samples, string Transfer)> OpenConnectionAsync(int port, MimeMessage message, int samples, TimeSpan timeLimit)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None).ConfigureAwait(false);
        var transfer = ((client.Capabilities & SmtpCapabilities.Pipelining) != 0 ? "PIPELINING, " : string.Empty)
            + ((client.Capabilities & SmtpCapabilities.Chunking) != 0 ? "BDAT" : "DATA");
        var values = new List<double>(samples);
        var clock = Stopwatch.StartNew();
        var warmup = Math.Min(200, samples / 4);
        for (var i = 0; i < samples + warmup && clock.Elapsed < timeLimit; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.SendAsync(message).ConfigureAwait(false);
            if (i >= warmup)
            {
                values.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }

        await client.DisconnectAsync(true).ConfigureAwait(false);
        return (values, transfer);
    }

    private static async Task<List<double>> ConnectionPerMessageAsync(int port, MimeMessage message, int samples, TimeSpan timeLimit)
    {
        var values = new List<double>(samples);
        var clock = Stopwatch.StartNew();
        var warmup = Math.Min(50, samples / 4);
        for (var i = 0; i < samples + warmup && clock.Elapsed < timeLimit; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using (var client = new SmtpClient())
            {
                await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None).ConfigureAwait(false);
                await client.SendAsync(message).ConfigureAwait(false);
                await client.DisconnectAsync(true).ConfigureAwait(false);
            }

            if (i >= warmup)
            {
                values.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }

        return values;
    }

    internal static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
