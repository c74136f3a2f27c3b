using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using SmtpFixture.Protocol;
using SmtpFixture.Transport;

namespace SmtpFixture.Tests.Support;

/// <summary>
/// Drives one SMTP session over in-memory pipes: no socket, no port. Write client bytes with <c>SendAsync</c>,
/// read complete replies with <see cref="ReadReplyAsync"/>. The server's output is counted per flush, so tests can
/// check that a pipelined batch is answered in one write (RFC 2920 §3.1). The pipe to the server stops the writer
/// once <see cref="PauseWriterThreshold"/> bytes are unconsumed, so a large write that completes proves the session
/// consumed (and did not keep) what came before it.
/// </summary>
internal sealed class InMemorySmtp : IAsyncDisposable
{
    /// <summary>Unconsumed bytes at which a write to the server (or a flush of replies to the client) waits.</summary>
    public const int PauseWriterThreshold = 64 * 1024;

    private static readonly PipeOptions Options = new(
        pauseWriterThreshold: PauseWriterThreshold, resumeWriterThreshold: PauseWriterThreshold / 2, useSynchronizationContext: false);

    private readonly Pipe _toServer = new(Options);
    private readonly Pipe _toClient = new(Options);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<byte> _pending = [];
    private readonly CountingPipeWriter _output;
    private bool _serverClosed;

    private InMemorySmtp(SmtpTestServerOptions options)
    {
        Engine = new SmtpEngine(options);
        _output = new CountingPipeWriter(_toClient.Writer);
        var transport = new PipeTransport(new DuplexPipe(_toServer.Reader, _output));
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

    /// <summary>How many times the server flushed output that carried bytes.</summary>
    public int Flushes => _output.Flushes;

    /// <summary>The most reply bytes the server wrote before one flush.</summary>
    public long LargestFlush => _output.LargestFlush;

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

    /// <summary>Starts a session, reads the greeting and sends EHLO.</summary>
    public static async Task<InMemorySmtp> StartWithEhloAsync(Action<SmtpTestServerOptions>? configure = null)
    {
        var smtp = await StartAsync(configure);
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO client.example"));
        return smtp;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Writes bytes to the server in one flush (one read on the server's side, if it is waiting).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _toServer.Writer.WriteAsync(bytes, cts.Token);
    }

    /// <summary>Sends a command line (CRLF added) and returns its complete reply (all lines).</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Sends several command lines in one write (a pipelined batch) and returns one reply per line.</summary>
    public async Task<string[]> PipelineAsync(params string[] lines)
    {
        await SendAsync(string.Concat(lines.Select(l => l + "\r\n")));
        return await ReadRepliesAsync(lines.Length);
    }

    public async Task<string[]> ReadRepliesAsync(int count)
    {
        var replies = new string[count];
        for (var i = 0; i < count; i++)
        {
            replies[i] = await ReadReplyAsync();
        }

        return replies;
    }

    /// <summary>Reads one complete reply, multi-line replies joined with LF (without the final CRLF).</summary>
    public async Task<string> ReadReplyAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
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
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!_serverClosed)
        {
            await FillAsync(cts.Token);
        }

        var text = Encoding.UTF8.GetString([.. _pending]);
        _pending.Clear();
        return text;
    }

    /// <summary>Waits until the server has flushed output, without consuming it (the server's next flush stays blocked past 64 KiB).</summary>
    public async Task WaitForOutputAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await _toClient.Reader.ReadAsync(cts.Token);
        _toClient.Reader.AdvanceTo(result.Buffer.Start);
    }

    /// <summary>Completes the client's side, as a client that closes its socket.</summary>
    public void CompleteClient() => _toServer.Writer.Complete();

    /// <summary>Stops the session as server shutdown does.</summary>
    public Task ShutdownAsync() => _shutdown.CancelAsync();

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        await _toServer.Writer.CompleteAsync();
        await Session.WaitAsync(TimeSpan.FromSeconds(30));
        _shutdown.Dispose();
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            for (var i = 0; i + 1 < _pending.Count; i++)
            {
                if (_pending[i] == '\r' && _pending[i + 1] == '\n')
                {
                    var line = Encoding.UTF8.GetString(_pending.GetRange(0, i).ToArray());
                    _pending.RemoveRange(0, i + 2);
                    return line;
                }
            }

            if (_serverClosed)
            {
                Assert.True(_pending.Count == 0, "The server closed in the middle of a reply line: " + Encoding.UTF8.GetString([.. _pending]));
                return null;
            }

            await FillAsync(cancellationToken);
        }
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        var result = await _toClient.Reader.ReadAsync(cancellationToken);
        foreach (var segment in result.Buffer)
        {
            _pending.AddRange(segment.Span.ToArray());
        }

        _toClient.Reader.AdvanceTo(result.Buffer.End);
        if (result.IsCompleted)
        {
            _serverClosed = true;
        }
    }

    /// <summary>Passes everything through and counts the flushes that carry bytes.</summary>
    private sealed class CountingPipeWriter(PipeWriter inner) : PipeWriter
    {
        private long _unflushed;
        private int _flushes;
        private long _largestFlush;

        public int Flushes => Volatile.Read(ref _flushes);

        public long LargestFlush => Volatile.Read(ref _largestFlush);

        public override void Advance(int bytes)
        {
            _unflushed += bytes;
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (_unflushed > 0)
            {
                Volatile.Write(ref _largestFlush, Math.Max(_largestFlush, _unflushed));
                _unflushed = 0;
                Interlocked.Increment(ref _flushes);
            }

            return inner.FlushAsync(cancellationToken);
        }
    }
}
