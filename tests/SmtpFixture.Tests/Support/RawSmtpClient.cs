using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SmtpFixture.Tests.Support;

/// <summary>
/// A byte-level SMTP client over a real socket that can switch to TLS at any point, for tests that need control a
/// library client does not give (sending STARTTLS and another command in one packet, for instance).
/// </summary>
internal sealed class RawSmtpClient : IAsyncDisposable, IDisposable
{
    private readonly TcpClient _tcp;
    private readonly StringBuilder _pending = new();
    private Stream _stream;

    private RawSmtpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public SslStream? Tls => _stream as SslStream;

    public static async Task<RawSmtpClient> ConnectAsync(SmtpTestServer server, int? receiveBufferSize = null)
    {
        var tcp = new TcpClient(server.EndPoint.AddressFamily) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            // Set before connecting, so that the window the server sees stays this small.
            tcp.ReceiveBufferSize = size;
        }

        await tcp.ConnectAsync(server.EndPoint);
        return new RawSmtpClient(tcp);
    }

    /// <summary>Writes the text as one write call (one TCP segment on loopback).</summary>
    public async Task SendAsync(string text)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        await _stream.FlushAsync();
    }

    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Performs the client side of a TLS handshake, trusting exactly the given certificate.</summary>
    public async Task StartTlsAsync(X509Certificate2 trusted, string targetHost = "localhost")
    {
        Assert.Equal(0, _pending.Length);
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == trusted.Thumbprint,
        });
        _stream = tls;
    }

    /// <summary>Reads one complete reply, multi-line replies joined with LF.</summary>
    public async Task<string> ReadReplyAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("Connection closed; so far: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join("\n", lines);
            }
        }
    }

    /// <summary>Reads until the server closes the connection; returns what arrived.</summary>
    public async Task<string> ReadToEndAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        var text = new StringBuilder(_pending.ToString());
        _pending.Clear();
        try
        {
            int read;
            while ((read = await _stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // A reset is also an end.
        }

        return text.ToString();
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1];
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.Remove(0, end + 2);
                return text[..end];
            }

            // One byte at a time: nothing past the reply may be consumed, since a TLS handshake may follow it.
            var read = await _stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _pending.Append((char)buffer[0]);
        }
    }
}
