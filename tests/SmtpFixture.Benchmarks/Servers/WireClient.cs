using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SmtpFixture.Benchmarks.Servers;

/// <summary>
/// A minimal SMTP client over a raw socket: the same few lines for every server, so that the client costs the same
/// whatever it talks to (MailKit would add its own parsing and MIME work to every measurement).
/// </summary>
public sealed class WireClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private WireClient(Socket socket) => _socket = socket;

    public static async Task<WireClient> ConnectAsync(int port, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new WireClient(socket);
        await client.ExpectAsync(220, cancellationToken).ConfigureAwait(false);
        return client;
    }

    /// <summary>One complete session: greeting, EHLO, QUIT.</summary>
    public static async Task EhloQuitAsync(int port, CancellationToken cancellationToken = default)
    {
        await using var client = await ConnectAsync(port, cancellationToken).ConfigureAwait(false);
        await client.CommandAsync("EHLO client.example.com", 250, cancellationToken).ConfigureAwait(false);
        await client.CommandAsync("QUIT", 221, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> CommandAsync(string line, int expected, CancellationToken cancellationToken = default)
    {
        await _socket.SendAsync(Encoding.ASCII.GetBytes(line + "\r\n"), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return await ExpectAsync(expected, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends one message with MAIL, RCPT and DATA, one command at a time (no pipelining, as smtp-source does).
    /// The content must be dot-stuffed and end with <c>CRLF.CRLF</c>; the callback runs the moment the final 250 has been read.
    /// </summary>
    public async Task SendAsync(ReadOnlyMemory<byte> content, Action? afterFinalReply = null, CancellationToken cancellationToken = default)
    {
        await CommandAsync("MAIL FROM:<sender@example.com>", 250, cancellationToken).ConfigureAwait(false);
        await CommandAsync("RCPT TO:<rcpt@example.com>", 250, cancellationToken).ConfigureAwait(false);
        await CommandAsync("DATA", 354, cancellationToken).ConfigureAwait(false);
        await _socket.SendAsync(content, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        await ExpectAsync(250, cancellationToken).ConfigureAwait(false);
        afterFinalReply?.Invoke();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        _socket.Dispose();
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Reads one (maybe multi-line) reply and checks its code.</summary>
    private async Task<int> ExpectAsync(int expected, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length < 3)
            {
                throw new InvalidOperationException($"Malformed reply '{line}'.");
            }

            if (line.Length > 3 && line[3] == '-')
            {
                continue;
            }

            var code = int.Parse(line.AsSpan(0, 3), provider: null);
            if (code != expected)
            {
                throw new InvalidOperationException($"Expected {expected}, got '{line}'.");
            }

            return code;
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, lf - _start).TrimEnd('\r');
                _start = lf + 1;
                return line;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("The server closed the connection.");
            }

            _end += read;
        }
    }
}
