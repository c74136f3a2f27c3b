namespace SmtpFixture.Benchmarks.Load;

/// <summary>
/// Connections in TIME_WAIT hold an ephemeral port for a minute. The lifecycle benchmark opens tens of thousands of
/// connections in seconds (a faster server, more of them), which can use up the ephemeral range (28,000 ports on
/// Linux by default): the next server then cannot bind port 0 ("Address already in use"). Waiting for them to drain
/// between benchmarks keeps one benchmark from breaking the next.
/// </summary>
public static class TimeWait
{
    private const int Quiet = 2000;

    public static int Count() =>
        new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists)
            .Sum(path => File.ReadLines(path).Skip(1).Count(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 3 } f && f[3] == "06"));

    /// <summary>Waits (at most 70 s) until fewer than 2,000 connections are in TIME_WAIT.</summary>
    public static void WaitForDrain(TextWriter? log = null)
    {
        var count = Count();
        if (count < Quiet)
        {
            return;
        }

        log?.WriteLine($"  waiting for {count} connections in TIME_WAIT to drain (ephemeral ports)");
        var until = DateTime.UtcNow.AddSeconds(70);
        while (Count() >= Quiet && DateTime.UtcNow < until)
        {
            Thread.Sleep(1000);
        }
    }
}
