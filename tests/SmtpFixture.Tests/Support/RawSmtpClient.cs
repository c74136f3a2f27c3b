using System.Net.Sockets;
using System.Text;

namespace SmtpFixture.Tests.Support;

/// <summary>A bare TCP client speaking SMTP line by line, for what real client libraries cannot be made to do.</summary>
internal sealed class RawSmtpClient : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private RawSmtpClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public Socket Socket => _socket;

    public static async Task<RawSmtpClient> ConnectAsync(SmtpTestServer server, int? receiveBufferSize = null)
    {
        var socket = new Socket(server.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        await socket.ConnectAsync(server.EndPoint);
        return new RawSmtpClient(socket);
    }

    public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads one complete reply (multi-line joined with LF), or throws at end of stream.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new EndOfStreamException("Connection closed; got: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join("\n", lines);
            }
        }
    }

    /// <summary>Reads everything until the server closes the connection.</summary>
    public async Task<string> ReadToEndAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        while (true)
        {
            var n = await _stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                var text = Encoding.UTF8.GetString([.. _pending]);
                _pending.Clear();
                return text;
            }

            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }

    public void Dispose() => _stream.Dispose();

    private async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
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

            var n = await _stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                return null;
            }

            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }
}
