using System.IO.Pipelines;
using System.Net;
using System.Text;
using SmtpFixture.Protocol;
using SmtpFixture.Transport;

namespace SmtpFixture.Tests.Support;

/// <summary>
/// Drives one SMTP session over in-memory pipes: no socket, no port. Write client bytes with <c>SendAsync</c>,
/// read complete replies with <see cref="ReadReplyAsync"/>.
/// </summary>
internal sealed class InMemorySmtp : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly StringBuilder _pending = new();

    private InMemorySmtp(SmtpTestServerOptions options)
    {
        Engine = new SmtpEngine(options);
        var transport = new PipeTransport(new DuplexPipe(_toServer.Reader, _toClient.Writer));
        var session = new SmtpSession(Engine, transport, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40000), new IPEndPoint(IPAddress.Loopback, 25));
        Session = Task.Run(async () =>
        {
            await session.RunAsync(_shutdown.Token);
            await _toClient.Writer.CompleteAsync();
        });
    }

    public SmtpEngine Engine { get; }

    public Task Session { get; }

    public MessageStore Store => Engine.Store;

    /// <summary>Starts a session and reads the greeting.</summary>
    public static async Task<InMemorySmtp> StartAsync(Action<SmtpTestServerOptions>? configure = null, bool readGreeting = true)
    {
        var options = new SmtpTestServerOptions();
        configure?.Invoke(options);
        var smtp = new InMemorySmtp(options);
        if (readGreeting)
        {
            var greeting = await smtp.ReadReplyAsync();
            Assert.StartsWith("220 ", greeting);
        }

        return smtp;
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _toServer.Writer.WriteAsync(bytes);
    }

    /// <summary>Sends a command line (CRLF added) and returns its complete reply (all lines).</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads one complete reply, multi-line replies joined with LF (without the final CRLF).</summary>
    public async Task<string> ReadReplyAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(cts.Token);
            if (line is null)
            {
                throw new EndOfStreamException("The server closed the connection; replies so far: " + string.Join(" | ", lines));
            }

            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join("\n", lines);
            }
        }
    }

    /// <summary>Reads until the server closes its side; returns everything that arrived.</summary>
    public async Task<string> ReadToEndAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = new StringBuilder(_pending.ToString());
        _pending.Clear();
        while (true)
        {
            var result = await _toClient.Reader.ReadAsync(cts.Token);
            foreach (var segment in result.Buffer)
            {
                text.Append(Encoding.UTF8.GetString(segment.Span));
            }

            _toClient.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return text.ToString();
            }
        }
    }

    /// <summary>Whether the server has ended the session (after QUIT, a 421, or a drop).</summary>
    public async Task<bool> IsClosedAsync()
    {
        var rest = await ReadToEndAsync();
        return rest.Length >= 0;
    }

    public void CompleteClient() => _toServer.Writer.Complete();

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        _toServer.Writer.Complete();
        try
        {
            await Session.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }

        _shutdown.Dispose();
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = _pending.ToString();
            var lf = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (lf >= 0)
            {
                _pending.Remove(0, lf + 2);
                return text[..lf];
            }

            var result = await _toClient.Reader.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer)
            {
                _pending.Append(Encoding.UTF8.GetString(segment.Span));
            }

            _toClient.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted && result.Buffer.IsEmpty && _pending.Length == 0)
            {
                return null;
            }

            if (result.IsCompleted && result.Buffer.IsEmpty)
            {
                var last = _pending.ToString();
                _pending.Clear();
                return last;
            }
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
