using System.Globalization;

namespace SmtpFixture.Benchmarks.Load;

/// <summary>CPU time from /proc: a process's own user+sys time, and the time of the children it has reaped.</summary>
public static class ProcStat
{
    private static readonly Lazy<double> TicksPerSecond = new(ReadClockTicks);

    /// <summary>utime+stime of the process (all its threads, also those that ended), in seconds.</summary>
    public static double ProcessSeconds(int pid) => Fields(pid) is var f ? (f[11] + f[12]) / TicksPerSecond.Value : 0;

    /// <summary>cutime+cstime of this process: the CPU time of the children it has waited for (smtp-source), in seconds.</summary>
    public static double ReapedChildrenSeconds() => Fields(Environment.ProcessId) is var f ? (f[13] + f[14]) / TicksPerSecond.Value : 0;

    /// <summary>The fields after the command name (whose parentheses may contain spaces): f[0] is the state, f[11] utime.</summary>
    private static long[] Fields(int pid)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return rest.Select(s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0).ToArray();
    }

    private static double ReadClockTicks()
    {
        try
        {
            var output = Shell.Run("getconf", "CLK_TCK").Trim();
            return double.Parse(output, CultureInfo.InvariantCulture);
        }
        catch (Exception)
        {
            return 100;
        }
    }
}
