using System.Diagnostics;
using SmtpFixture.Benchmarks.Servers;

namespace SmtpFixture.Benchmarks.InProcess;

public sealed record LatencyResult(int Samples, double MedianMicroseconds, double P99Microseconds, double MedianFromMailMicroseconds, double P99FromMailMicroseconds, int BeforeReply);

/// <summary>
/// How soon a test awaiting <see cref="SmtpTestServer.WaitForMessageAsync"/> continues: from the moment the client has
/// read the final 250 to the first line after the await (negative when the test resumed before the client even saw
/// the reply), and from the moment the client sent MAIL FROM (the whole transaction plus the wake-up).
/// </summary>
public static class LatencyBenchmark
{
    public static async Task<LatencyResult> RunAsync(int samples, TextWriter log)
    {
        var wire = Messages.Wire(2048);
        await using var server = await SmtpTestServer.StartAsync().ConfigureAwait(false);
        await using var client = await WireClient.ConnectAsync(server.Port).ConfigureAwait(false);
        await client.CommandAsync("EHLO client.example.com", 250).ConfigureAwait(false);

        var fromReply = new List<double>(samples);
        var fromMail = new List<double>(samples);
        var warmup = Math.Min(200, samples / 2);
        for (var i = 0; i < samples + warmup; i++)
        {
            server.Reset();
            var continued = WaitAndStampAsync(server);
            long replied = 0;
            var sent = Stopwatch.GetTimestamp();
            await client.SendAsync(wire, () => replied = Stopwatch.GetTimestamp()).ConfigureAwait(false);
            var resumed = await continued.ConfigureAwait(false);
            if (i >= warmup)
            {
                fromReply.Add(Stopwatch.GetElapsedTime(replied, resumed).TotalMicroseconds * (resumed >= replied ? 1 : -1));
                fromMail.Add(Stopwatch.GetElapsedTime(sent, resumed).TotalMicroseconds);
            }
        }

        await client.CommandAsync("QUIT", 221).ConfigureAwait(false);
        var result = new LatencyResult(
            samples,
            Percentile(fromReply, 0.5),
            Percentile(fromReply, 0.99),
            Percentile(fromMail, 0.5),
            Percentile(fromMail, 0.99),
            fromReply.Count(v => v < 0));
        log.WriteLine($"  final 250 → continuation: median {result.MedianMicroseconds:0} µs, p99 {result.P99Microseconds:0} µs ({result.BeforeReply} of {samples} resumed before the client read the 250)");
        log.WriteLine($"  MAIL FROM sent → continuation: median {result.MedianFromMailMicroseconds:0} µs, p99 {result.P99FromMailMicroseconds:0} µs");
        return result;
    }

    private static async Task<long> WaitAndStampAsync(SmtpTestServer server)
    {
        await server.WaitForMessageAsync(timeout: TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return Stopwatch.GetTimestamp();
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
