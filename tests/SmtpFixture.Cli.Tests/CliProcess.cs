using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace SmtpFixture.Cli.Tests;

/// <summary>
/// Runs <c>smtp-fixture</c> as a real process (<c>dotnet smtp-fixture.dll …</c>) and reads its standard output line by
/// line as it comes, so tests wait for events instead of sleeping.
/// </summary>
internal sealed partial class CliProcess : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _seen = [];

    private CliProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stdout.Writer.TryComplete();
            }
            else
            {
                _stdout.Writer.TryWrite(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string DllPath { get; } = typeof(CliProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SmtpFixtureCliPath").Value!;

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public int ProcessId => _process.Id;

    public static CliProcess Start(params string[] args)
    {
        Assert.True(File.Exists(DllPath), $"The tool was not built at {DllPath}.");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return new CliProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Reads output lines until one that <paramref name="match"/> accepts; fails with everything seen on timeout or exit.</summary>
    public async Task<string> ReadLineAsync(Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            while (true)
            {
                var line = await _stdout.Reader.ReadAsync(timeout.Token);
                _seen.Add(line);
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException(
                $"No matching output line ({(ex is OperationCanceledException ? "timed out" : "the process ended")}).{Environment.NewLine}" +
                $"stdout:{Environment.NewLine}{string.Join(Environment.NewLine, _seen)}{Environment.NewLine}stderr:{Environment.NewLine}{StandardError}");
        }
    }

    /// <summary>Reads JSON lines until the next one whose <c>event</c> is <paramref name="name"/>.</summary>
    public async Task<JsonElement> ReadEventAsync(string name)
    {
        var line = await ReadLineAsync(l => l.StartsWith('{') && JsonDocument.Parse(l).RootElement.GetProperty("event").GetString() == name);
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>Sends SIGTERM, as a service manager or <c>docker stop</c> would (Process.Kill would be SIGKILL).</summary>
    public void Terminate()
    {
        if (kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
