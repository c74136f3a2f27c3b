using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SmtpFixture.Benchmarks.Servers;

namespace SmtpFixture.Benchmarks.Load;

/// <summary>
/// A server in a process of its own, so that its CPU time is its own: a .NET server in this program's <c>serve</c>
/// mode, aiosmtpd with a counting handler, or Postfix's smtp-sink.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly bool _controllable;
    private readonly ToolEvents? _events;
    private long _countedAtReset;

    private ServerProcess(ServerKind kind, Process process, int port, bool controllable, ToolEvents? events = null)
    {
        Kind = kind;
        _process = process;
        Port = port;
        _controllable = controllable;
        _events = events;
    }

    public ServerKind Kind { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    /// <summary>The server process's CPU time so far (see <see cref="ProcStat.Snapshot"/>).</summary>
    public ProcStat.Snapshot Cpu() => ProcStat.Take(_process.Id);

    public static async Task<ServerProcess> StartAsync(ServerKind kind)
    {
        switch (kind)
        {
            case ServerKind.SmtpSink:
            {
                // smtp-sink takes a port, not port 0: ask the OS for a free one just before starting it.
                var port = FreePort();
                var info = new ProcessStartInfo("/usr/sbin/smtp-sink") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var arg in new[] { "-u", "nobody", "-h", "localhost", $"127.0.0.1:{port}", "1024" })
                {
                    info.ArgumentList.Add(arg);
                }

                var process = Process.Start(info)!;
                Drain(process);
                await WaitForListenerAsync(port, process).ConfigureAwait(false);
                return new ServerProcess(kind, process, port, controllable: false);
            }

            case ServerKind.Aiosmtpd:
            {
                var script = Path.Combine(AppContext.BaseDirectory, "aiosmtpd_sink.py");
                var info = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
                info.ArgumentList.Add(script);
                return await StartControllableAsync(kind, info).ConfigureAwait(false);
            }

            case ServerKind.SmtpFixtureTool:
                return await StartToolAsync().ConfigureAwait(false);

            default:
            {
                var (file, prefix) = Shell.Self();
                var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var arg in prefix.Append("serve").Append(kind.ToString()))
                {
                    info.ArgumentList.Add(arg);
                }

                return await StartControllableAsync(kind, info).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Forgets the messages received (the .NET hosts also collect garbage), so that every run starts alike.</summary>
    public async Task ResetAsync()
    {
        _countedAtReset = _events?.Messages ?? 0;
        if (_controllable)
        {
            var reply = await AskAsync("reset").ConfigureAwait(false);
            if (reply != "ok")
            {
                throw new InvalidOperationException($"{Kind}: unexpected reply to reset: '{reply}'.");
            }
        }
    }

    /// <summary>
    /// Messages received since the last reset, or null when the server cannot tell (smtp-sink). The tool's count is its
    /// <c>message</c> events on standard output: this waits (bounded) until <paramref name="expected"/> have been printed.
    /// </summary>
    public async Task<long?> CountAsync(long expected)
    {
        if (_events is { } events)
        {
            await events.WaitForAsync(_countedAtReset + expected, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            return events.Messages - _countedAtReset;
        }

        return _controllable ? long.Parse(await AskAsync("count").ConfigureAwait(false), CultureInfo.InvariantCulture) : null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_events is not null && !_process.HasExited)
            {
                // The tool stops gracefully on SIGTERM.
                Shell.TryRun("kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            }

            if (_controllable && !_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("quit").ConfigureAwait(false);
                await _process.StandardInput.FlushAsync().ConfigureAwait(false);
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }

            _process.Dispose();
        }
    }

    private static async Task<ServerProcess> StartControllableAsync(ServerKind kind, ProcessStartInfo info)
    {
        var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(bound.Token).ConfigureAwait(false);
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"{kind} did not start: '{line}'.");
        }

        return new ServerProcess(kind, process, int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture), controllable: true);
    }

    /// <summary>
    /// The shipped tool as a user starts it: <c>smtp-fixture --port 0 --json</c>, the apphost built next to this program
    /// (the benchmark project references the tool's project, so one build builds both), with the tool's own runtimeconfig.
    /// </summary>
    private static async Task<ServerProcess> StartToolAsync()
    {
        var path = ToolPath();
        var info = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", "0", "--json" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(bound.Token).ConfigureAwait(false);
        int port;
        try
        {
            using var listening = System.Text.Json.JsonDocument.Parse(line ?? string.Empty);
            port = listening.RootElement.GetProperty("port").GetInt32();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            process.Kill();
            throw new InvalidOperationException($"smtp-fixture did not start: '{line}'.", ex);
        }

        return new ServerProcess(ServerKind.SmtpFixtureTool, process, port, controllable: false, new ToolEvents(process.StandardOutput));
    }

    /// <summary>The tool's apphost in the tool project's output for this program's configuration.</summary>
    public static string ToolPath()
    {
        var attribute = typeof(ServerProcess).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().First(a => a.Key == "SmtpFixtureToolDirectory");
        var path = Path.Combine(attribute.Value!, "smtp-fixture");
        return File.Exists(path) ? path : throw new InvalidOperationException($"the tool was not built: {path} is missing");
    }

    /// <summary>Counts the <c>message</c> lines the tool prints (one JSON object per line).</summary>
    private sealed class ToolEvents
    {
        private readonly Task _reading;
        private long _messages;

        public ToolEvents(StreamReader output) => _reading = ReadAsync(output);

        public long Messages => Interlocked.Read(ref _messages);

        public async Task WaitForAsync(long count, TimeSpan quietLimit)
        {
            // Bounded by silence, not by total time: a slow but moving writer is waited for.
            var last = Messages;
            var since = Stopwatch.StartNew();
            while (Messages < count && !_reading.IsCompleted && since.Elapsed < quietLimit)
            {
                await Task.Delay(1).ConfigureAwait(false);
                if (Messages != last)
                {
                    last = Messages;
                    since.Restart();
                }
            }
        }

        private async Task ReadAsync(StreamReader output)
        {
            while (await output.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Contains("\"event\":\"message\"", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _messages);
                }
            }
        }
    }

    private async Task<string> AskAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return (await _process.StandardOutput.ReadLineAsync(bound.Token).ConfigureAwait(false))?.Trim()
            ?? throw new InvalidOperationException($"{Kind} exited.");
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static void Drain(Process process)
    {
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
    }

    private static async Task WaitForListenerAsync(int port, Process process)
    {
        for (var i = 0; i < 200; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"smtp-sink exited with {process.ExitCode}.");
            }

            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(25).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException("smtp-sink did not start listening.");
    }
}
