using System.Diagnostics;
using System.Globalization;

namespace SmtpFixture.Interop.Tests.Support;

/// <summary>
/// A throw-away Postfix instance that relays everything to one SMTP server: its own main.cf and master.cf in a temp
/// directory, its own queue and data directories, no listening port, a log file under /var/log and short retry
/// delays. See shared/POSTFIX.md for why each setting is there.
/// </summary>
internal sealed class PostfixRelay : IAsyncDisposable
{
    // No inet listener: messages enter through sendmail/postdrop, so no port 25 (or any port) is opened.
    // chroot is off everywhere: a chroot would need copies of /etc files inside each temporary queue directory.
    private const string MasterCf = """
        # service type  private unpriv  chroot  wakeup  maxproc command + args
        #smtp      inet  n       -       n       -       -       smtpd
        pickup    unix  n       -       n       60      1       pickup
        cleanup   unix  n       -       n       -       0       cleanup
        qmgr      unix  n       -       n       300     1       qmgr
        rewrite   unix  -       -       n       -       -       trivial-rewrite
        bounce    unix  -       -       n       -       0       bounce
        defer     unix  -       -       n       -       0       bounce
        trace     unix  -       -       n       -       0       bounce
        verify    unix  -       -       n       -       1       verify
        flush     unix  n       -       n       1000?   0       flush
        proxymap  unix  -       -       n       -       -       proxymap
        smtp      unix  -       -       n       -       -       smtp
        relay     unix  -       -       n       -       -       smtp
        showq     unix  n       -       n       -       -       showq
        error     unix  -       -       n       -       -       error
        retry     unix  -       -       n       -       -       error
        discard   unix  -       -       n       -       -       discard
        local     unix  -       n       n       -       -       local
        anvil     unix  -       -       n       -       1       anvil
        scache    unix  -       -       n       -       1       scache
        postlog   unix-dgram n  -       n       -       1       postlogd

        """;

    private readonly ITestOutputHelper _output;
    private readonly string _root;
    private readonly string _postfix;
    private readonly string _sendmail;
    private bool _registered;
    private bool _started;

    private PostfixRelay(ITestOutputHelper output, string root, string postfix, string sendmail)
    {
        _output = output;
        _root = root;
        _postfix = postfix;
        _sendmail = sendmail;
        ConfigDirectory = Path.Combine(root, "config");
        QueueDirectory = Path.Combine(root, "queue");
        DataDirectory = Path.Combine(root, "data");
        // maillog_file must start with a prefix in maillog_file_prefixes (default /var, /dev/stdout).
        LogFile = $"/var/log/{Path.GetFileName(root)}.log";
    }

    /// <summary>The directory given to <c>postfix -c</c> and <c>sendmail -C</c>.</summary>
    public string ConfigDirectory { get; }

    public string QueueDirectory { get; }

    public string DataDirectory { get; }

    /// <summary>The instance's log (<c>maillog_file</c>): there is no syslog daemon here.</summary>
    public string LogFile { get; }

    /// <summary>
    /// Writes the configuration and starts Postfix relaying to <paramref name="relayHost"/>:<paramref name="relayPort"/>.
    /// Skips the test (fails it in CI) when Postfix is absent or cannot run here, saying why.
    /// </summary>
    public static async Task<PostfixRelay> StartAsync(ITestOutputHelper output, string relayHost, int relayPort)
    {
        var postfix = ExternalTool.Require("postfix", "postfix");
        var sendmail = ExternalTool.Require("sendmail", "postfix");
        if (GetUid() != 0)
        {
            ExternalTool.Unavailable("Postfix can only be started as root here (master must own its queue and hand data_directory to the 'postfix' user); the tests run as uid " + GetUid().ToString(CultureInfo.InvariantCulture));
        }

        if (!File.Exists("/etc/passwd") || !File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postfix:", StringComparison.Ordinal)))
        {
            ExternalTool.Unavailable("the 'postfix' user does not exist; the Debian package 'postfix' creates it");
        }

        // The postfix user must traverse every folder above data_directory and queue_directory.
        var root = Directory.CreateTempSubdirectory("smtpfixture-postfix-").FullName;
        const UnixFileMode Mode755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(root, Mode755);
        var relay = new PostfixRelay(output, root, postfix, sendmail);
        try
        {
            await relay.StartAsync(relayHost, relayPort, Mode755);
            return relay;
        }
        catch
        {
            await relay.DisposeAsync();
            throw;
        }
    }

    /// <summary>Submits <paramref name="message"/> with <c>sendmail -C DIR -f FROM -i TO…</c>, as an application on the host would.</summary>
    public Task<ProcessResult> SendmailAsync(string from, IEnumerable<string> recipients, string message) =>
        ExternalProcess.RunAsync(_output, _sendmail, ["-C", ConfigDirectory, "-f", from, "-i", .. recipients], message);

    /// <summary>The instance's log so far (empty if Postfix has not written one).</summary>
    public string ReadLog()
    {
        try
        {
            return File.Exists(LogFile) ? File.ReadAllText(LogFile) : string.Empty;
        }
        catch (IOException e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    /// <summary>Stops Postfix (stop, then abort, then kill as fallbacks), writes its log to the test output and removes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await StopAsync();
        }

        _output.WriteLine($"--- Postfix log {LogFile} ---{Environment.NewLine}{ReadLog()}");
        if (_registered)
        {
            PostfixDefaultConfig.Unregister(ConfigDirectory);
        }

        TryDelete(() => File.Delete(LogFile));
        TryDelete(() => Directory.Delete(_root, recursive: true));
    }

    private async Task StartAsync(string relayHost, int relayPort, UnixFileMode mode755)
    {
        Directory.CreateDirectory(ConfigDirectory);
        File.SetUnixFileMode(ConfigDirectory, mode755);
        await CreateQueueAsync(mode755);

        var host = relayHost.Contains(':', StringComparison.Ordinal) ? "ipv6:" + relayHost : relayHost;
        var mainCf = $"""
            compatibility_level = 3.6
            queue_directory = {QueueDirectory}
            data_directory = {DataDirectory}
            maillog_file = {LogFile}
            myhostname = relay.test
            mydomain = relay.test
            myorigin = $myhostname
            mydestination =
            relayhost = [{host}]:{relayPort.ToString(CultureInfo.InvariantCulture)}
            inet_interfaces = loopback-only
            inet_protocols = all
            smtp_tls_security_level = none
            disable_dns_lookups = yes
            smtp_host_lookup = native
            alias_maps =
            alias_database =
            biff = no
            # Retry a deferred message after seconds, not minutes. The backoff stays above one second: qmgr takes a
            # deferred file whose retry time is at most a second away at once, and if the smtp process still holds
            # the file's lock then, qmgr logs "skipped, still being delivered" and leaves it in the active queue,
            # never retried until qmgr restarts.
            minimal_backoff_time = 3s
            maximal_backoff_time = 4s
            queue_run_delay = 1s
            # A refused message must be retried, never bounced, within the test's time.
            maximal_queue_lifetime = 1h
            bounce_queue_lifetime = 1h

            """;
        File.WriteAllText(Path.Combine(ConfigDirectory, "main.cf"), mainCf);
        File.WriteAllText(Path.Combine(ConfigDirectory, "master.cf"), MasterCf);

        PostfixDefaultConfig.Register(ConfigDirectory);
        _registered = true;

        // The queue is laid out as postfix-files says, so skip the integrity checks (quick-start, as Postfix's own
        // quick-stop does): on a loaded machine they take seconds. If Postfix still refuses, start it the slow way,
        // which creates or repairs whatever is missing.
        File.WriteAllBytes(Path.Combine(QueueDirectory, "quick-start"), []);
        var start = await ExternalProcess.RunAsync(_output, _postfix, ["-c", ConfigDirectory, "start"]);
        _started = true;
        if (start.ExitCode != 0)
        {
            _output.WriteLine("Postfix did not start without its checks; starting it with them.");
            start = await ExternalProcess.RunAsync(_output, _postfix, ["-c", ConfigDirectory, "start"]);
        }

        if (start.ExitCode != 0)
        {
            var log = ReadLog();
            ExternalTool.Unavailable($"'postfix -c {ConfigDirectory} start' failed with exit code {start.ExitCode}: {start.StandardError.Trim()} {log.Trim()}");
        }
    }

    /// <summary>Creates queue_directory and data_directory with the owners and modes of Postfix's postfix-files.</summary>
    private async Task CreateQueueAsync(UnixFileMode mode755)
    {
        const UnixFileMode Mode700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode Mode730 = Mode700 | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;
        const UnixFileMode Mode710 = Mode700 | UnixFileMode.GroupExecute;
        Directory.CreateDirectory(QueueDirectory);
        File.SetUnixFileMode(QueueDirectory, mode755);
        string[] postfixOwned = ["active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "private", "saved", "trace"];
        foreach (var name in postfixOwned)
        {
            Directory.CreateDirectory(Path.Combine(QueueDirectory, name));
            File.SetUnixFileMode(Path.Combine(QueueDirectory, name), Mode700);
        }

        (string Name, UnixFileMode Mode)[] postdropShared = [("maildrop", Mode730), ("public", Mode710)];
        foreach (var (name, mode) in postdropShared)
        {
            Directory.CreateDirectory(Path.Combine(QueueDirectory, name));
            File.SetUnixFileMode(Path.Combine(QueueDirectory, name), mode);
        }

        Directory.CreateDirectory(Path.Combine(QueueDirectory, "pid"));
        File.SetUnixFileMode(Path.Combine(QueueDirectory, "pid"), mode755);
        Directory.CreateDirectory(DataDirectory);
        File.SetUnixFileMode(DataDirectory, Mode700);

        var chown = ExternalTool.Find("chown") ?? "chown";
        var owned = await ExternalProcess.RunAsync(_output, chown, ["postfix", DataDirectory, .. postfixOwned.Select(n => Path.Combine(QueueDirectory, n))]);
        var shared = await ExternalProcess.RunAsync(_output, chown, ["postfix:postdrop", .. postdropShared.Select(d => Path.Combine(QueueDirectory, d.Name))]);
        if (owned.ExitCode != 0 || shared.ExitCode != 0)
        {
            ExternalTool.Unavailable($"the queue and data_directory cannot be given to the 'postfix' user and 'postdrop' group: {owned.StandardError.Trim()} {shared.StandardError.Trim()}");
        }
    }

    private async Task StopAsync()
    {
        var masterPid = ReadMasterPid();
        var stop = await ExternalProcess.RunAsync(_output, _postfix, ["-c", ConfigDirectory, "stop"]);
        if (masterPid is not int pid)
        {
            return;
        }

        if (stop.ExitCode == 0 && await WaitForExitAsync(pid, TimeSpan.FromSeconds(10)))
        {
            return;
        }

        await ExternalProcess.RunAsync(_output, _postfix, ["-c", ConfigDirectory, "abort"]);
        if (await WaitForExitAsync(pid, TimeSpan.FromSeconds(5)))
        {
            return;
        }

        try
        {
            using var master = Process.GetProcessById(pid);
            master.Kill(entireProcessTree: true);
            _output.WriteLine($"Postfix master {pid} did not stop; killed it and its children.");
        }
        catch (ArgumentException)
        {
            // It exited in the meantime.
        }
    }

    private int? ReadMasterPid()
    {
        var file = Path.Combine(QueueDirectory, "pid", "master.pid");
        try
        {
            return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            using var cts = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static uint GetUid()
    {
        // /proc/self/status: "Uid:	real	effective	saved	fs".
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var fields = line?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: > 2 } && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : uint.MaxValue;
    }

    private void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _output.WriteLine($"cleanup: {e.Message}");
        }
    }
}
