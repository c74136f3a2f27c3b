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
    public sealed record Snapshot(double TickSeconds, IReadOnlyDictionary<int, long> ThreadNanoseconds, long ContextSwitches)
    {
        /// <summary>
        /// Context switches (voluntary + involuntary, summed over the live threads) from <paramref name="before"/> to this
        /// snapshot. A thread that ended in between takes its count with it, so this can only undercount.
        /// </summary>
        public long ContextSwitchesSince(Snapshot before) => ContextSwitches - before.ContextSwitches;

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
        long switches = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var first = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0];
                    threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = long.Parse(first, CultureInfo.InvariantCulture);
                    switches += ContextSwitches(Path.Combine(task, "status"));
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
        return new Snapshot((f[11] + f[12]) / TicksPerSecond.Value, threads, switches);
    }

    /// <summary>voluntary_ctxt_switches + nonvoluntary_ctxt_switches of one thread (/proc/PID/task/TID/status).</summary>
    private static long ContextSwitches(string statusPath)
    {
        long sum = 0;
        foreach (var line in File.ReadLines(statusPath))
        {
            if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
            {
                sum += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    /// <summary>
    /// The machine's busy CPU time so far (user, nice, system, irq, softirq of all cores, from /proc/stat), in seconds.
    /// Busy time over a case minus what the measured processes used is what everybody else used: the machine's
    /// foreign load during the case.
    /// </summary>
    public static double MachineBusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return (Field(1) + Field(2) + Field(3) + Field(6) + Field(7)) / TicksPerSecond.Value;
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>utime+stime of this process (the harness itself), in seconds.</summary>
    public static double SelfSeconds() => ProcessSeconds(Environment.ProcessId);

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
