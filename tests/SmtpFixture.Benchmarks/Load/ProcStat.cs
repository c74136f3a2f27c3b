using System.Globalization;

namespace SmtpFixture.Benchmarks.Load;

/// <summary>CPU time from /proc: a process's own user+sys time, and the time of the children it has reaped.</summary>
public static class ProcStat
{
    private static readonly Lazy<double> TicksPerSecond = new(ReadClockTicks);

    /// <summary>
    /// A snapshot of a process's CPU time: utime+stime from /proc/PID/stat (complete, but in clock ticks of 10 ms) and
    /// the nanosecond run time of each live thread from /proc/PID/task/TID/schedstat.
    /// </summary>
    public sealed record Snapshot(double TickSeconds, IReadOnlyDictionary<int, long> ThreadNanoseconds)
    {
        /// <summary>
        /// CPU seconds from <paramref name="before"/> to this snapshot: the per-thread nanoseconds when no thread ended in
        /// between (an ended thread's time is only in the tick count), otherwise the ticks.
        /// </summary>
        public double SecondsSince(Snapshot before)
        {
            var ticks = TickSeconds - before.TickSeconds;
            if (before.ThreadNanoseconds.Keys.Any(tid => !ThreadNanoseconds.ContainsKey(tid)) || ThreadNanoseconds.Count == 0)
            {
                return ticks;
            }

            var nanoseconds = ThreadNanoseconds.Sum(t => t.Value - before.ThreadNanoseconds.GetValueOrDefault(t.Key));
            return nanoseconds / 1e9;
        }
    }

    public static Snapshot Take(int pid)
    {
        var threads = new Dictionary<int, long>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var first = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0];
                    threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = long.Parse(first, CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // The thread ended while being listed.
                }
            }
        }
        catch (IOException)
        {
        }

        var f = Fields(pid);
        return new Snapshot((f[11] + f[12]) / TicksPerSecond.Value, threads);
    }

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
