using System.IO.Pipelines;
using System.Net;
using System.Text;
using SmtpFixture.Protocol;
using SmtpFixture.Transport;

namespace SmtpFixture.Tests.Robustness;

/// <summary>
/// Drives one <see cref="SmtpSession"/> over in-memory pipes with explicit pipe options, so that a test can rely on
/// the pipe's back-pressure: the writer to the server blocks once <see cref="PauseWriterThreshold"/> bytes are
/// unconsumed, so a large write that completes proves the session consumed (and did not keep) what it was sent.
/// </summary>
internal sealed class PipeSmtpClient : IAsyncDisposable
{
    public const int PauseWriterThreshold = 64 * 1024;

    private static readonly PipeOptions ToServerOptions = new(
        pauseWriterThreshold: PauseWriterThreshold, resumeWriterThreshold: PauseWriterThreshold / 2, useSynchronizationContext: false);

    private readonly Pipe _toServer = new(ToServerOptions);
    private readonly Pipe _toClient = new(new PipeOptions(useSynchronizationContext: false));
    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<byte> _pending = [];

    public PipeSmtpClient(SmtpTestServerOptions options)
        : this(new SmtpEngine(options))
    {
    }

    public PipeSmtpClient(SmtpEngine engine)
    {
        Engine = engine;
        var transport = new PipeTransport(new DuplexPipe(_toServer.Reader, _toClient.Writer));
        var session = new SmtpSession(Engine, transport, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40000), new IPEndPoint(IPAddress.Loopback, 25));
        Session = Task.Run(async () =>
        {
            try
            {
                await session.RunAsync(_shutdown.Token);
            }
            finally
            {
                await _toClient.Writer.CompleteAsync();
            }
        });
    }

    public SmtpEngine Engine { get; }

    public Task Session { get; }

    public MessageStore Store => Engine.Store;

    public static async Task<PipeSmtpClient> StartAsync(Action<SmtpTestServerOptions>? configure = null)
    {
        var options = new SmtpTestServerOptions();
        configure?.Invoke(options);
        var client = new PipeSmtpClient(options);
        var greeting = await client.ReadReplyAsync();
        Assert.StartsWith("220 ", greeting);
        return client;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await _toServer.Writer.WriteAsync(bytes, bound.Token);
        Assert.False(result.IsCanceled);
    }

    public void CompleteClient() => _toServer.Writer.Complete();

    /// <summary>Sends a command line (CRLF added) and returns its complete reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads one complete reply (multi-line joined with LF), or throws if the server closed first.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new EndOfStreamException("The server closed the connection; replies so far: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join("\n", lines);
            }
        }
    }

    /// <summary>Reads every remaining reply line until the server closes its side.</summary>
    public async Task<List<string>> ReadToEndAsync()
    {
        var lines = new List<string>();
        while (await ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        _toServer.Writer.Complete();
        await Session.WaitAsync(TimeSpan.FromSeconds(20));
        _shutdown.Dispose();
    }

    private async Task<string?> ReadLineAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            for (var i = 1; i < _pending.Count; i++)
            {
                if (_pending[i - 1] == '\r' && _pending[i] == '\n')
                {
                    var line = Encoding.UTF8.GetString(_pending.GetRange(0, i - 1).ToArray());
                    _pending.RemoveRange(0, i + 1);
                    return line;
                }
            }

            var result = await _toClient.Reader.ReadAsync(bound.Token);
            foreach (var segment in result.Buffer)
            {
                _pending.AddRange(segment.Span);
            }

            _toClient.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted && result.Buffer.IsEmpty)
            {
                Assert.True(_pending.Count == 0, "The server closed in the middle of a reply line: " + Encoding.UTF8.GetString([.. _pending]));
                return null;
            }
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
