using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SmtpFixture.Tests.Support;

/// <summary>
/// A byte-level SMTP client over a real loopback socket: writes exactly what it is given (one write call, so one TCP
/// segment on loopback), reads replies line by line, can switch to TLS at any point, half-close or reset. For tests
/// that need control a library client does not give, several connections to one server, or the server's close.
/// Every read is bounded, so a broken server fails the test instead of hanging it.
/// </summary>
internal sealed class RawSmtpClient : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(20);
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private Stream _stream;
    private int _start;
    private int _end;

    private RawSmtpClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    public SslStream? Tls => _stream as SslStream;

    /// <summary>Connects without reading anything (the greeting is the first reply to read).</summary>
    public static async Task<RawSmtpClient> ConnectAsync(SmtpTestServer server, int? receiveBufferSize = null)
    {
        var socket = new Socket(server.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (receiveBufferSize is { } size)
            {
                // Set before connecting, so that the window the server sees stays this small.
                socket.ReceiveBufferSize = size;
            }

            await socket.ConnectAsync(server.EndPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new RawSmtpClient(socket);
    }

    /// <summary>Connects, checks the 220 greeting and the 250 to EHLO: the session is ready for MAIL FROM.</summary>
    public static async Task<RawSmtpClient> ConnectAndGreetAsync(SmtpTestServer server, string clientName = "client.example")
    {
        var client = await ConnectAsync(server);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO " + clientName));
        return client;
    }

    /// <summary>Writes the text, UTF-8 encoded, in one write call.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Writes the bytes in one write call.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends a command line (CRLF added) and returns its complete reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Runs MAIL FROM, RCPT TO for each recipient and, if any was accepted, DATA; returns every reply in order.</summary>
    public async Task<List<string>> SendMailAsync(string from, params string[] recipients)
    {
        var replies = new List<string> { await CommandAsync($"MAIL FROM:<{from}>") };
        if (!replies[0].StartsWith("250", StringComparison.Ordinal))
        {
            return replies;
        }

        var accepted = 0;
        foreach (var recipient in recipients)
        {
            var reply = await CommandAsync($"RCPT TO:<{recipient}>");
            replies.Add(reply);
            accepted += reply.StartsWith("250", StringComparison.Ordinal) ? 1 : 0;
        }

        if (accepted == 0)
        {
            replies.Add(await CommandAsync("RSET"));
            return replies;
        }

        replies.Add(await CommandAsync("DATA"));
        replies.Add(await CommandAsync("Subject: test\r\n\r\nHello\r\n."));
        return replies;
    }

    /// <summary>Performs the client side of a TLS handshake, trusting exactly the given certificate.</summary>
    public async Task StartTlsAsync(X509Certificate2 trusted, string targetHost = "localhost")
    {
        // Nothing may have arrived past the reply to STARTTLS: the server must wait for our handshake.
        Assert.Equal(0, _end - _start);
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == trusted.Thumbprint,
        });
        _stream = tls;
    }

    /// <summary>Reads one complete reply, multi-line replies joined with LF; throws if the server closes first.</summary>
    public async Task<string> ReadReplyAsync()
    {
        using var cts = new CancellationTokenSource(ReadTimeout);
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(cts.Token)
                ?? throw new EndOfStreamException("The server closed the connection; reply so far: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join("\n", lines);
            }
        }
    }

    /// <summary>Reads one CRLF-terminated line, or null when the server has closed the connection.</summary>
    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var crlf = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (crlf >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, crlf);
                _start += crlf + 2;
                return line;
            }

            if (await FillAsync(cancellationToken) == 0)
            {
                return null;
            }
        }
    }

    /// <summary>Reads until the server closes the connection (a reset counts); returns everything that arrived, CRLFs included.</summary>
    public async Task<string> ReadToEndAsync()
    {
        using var cts = new CancellationTokenSource(ReadTimeout);
        var all = new MemoryStream();
        do
        {
            all.Write(_buffer, _start, _end - _start);
            _start = _end = 0;
        }
        while (await FillAsync(cts.Token) > 0);

        return Encoding.UTF8.GetString(all.GetBuffer(), 0, (int)all.Length);
    }

    /// <summary>Half-closes: the server sees end of input (a FIN), as when a client process exits mid-send.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Resets the connection (an RST), as when a client crashes or a network path dies.</summary>
    public void Abort()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Dispose();
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    /// <summary>Reads more into the buffer; returns 0 at the end of the connection (an orderly close or a reset).</summary>
    private async Task<int> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidDataException("More than 16 KiB without a line end: " + Encoding.UTF8.GetString(_buffer, 0, 200));
        }

        try
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            _end += read;
            return read;
        }
        catch (IOException)
        {
            // A reset is also an end.
            return 0;
        }
    }
}
