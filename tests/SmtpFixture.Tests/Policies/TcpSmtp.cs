using System.Net.Sockets;
using System.Text;

namespace SmtpFixture.Tests.Policies;

/// <summary>
/// A minimal SMTP client over a real loopback socket, for tests that need several connections to one server or must
/// see the server close the socket. Every read is bounded, so a broken server fails the test instead of hanging it.
/// </summary>
internal sealed class TcpSmtp : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _client;
    private readonly StreamReader _reader;
    private readonly Stream _stream;

    private TcpSmtp(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
    }

    public string Greeting { get; private set; } = string.Empty;

    /// <summary>Connects and reads the greeting.</summary>
    public static async Task<TcpSmtp> ConnectAsync(SmtpTestServer server)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var smtp = new TcpSmtp(client);
        smtp.Greeting = await smtp.ReadReplyAsync();
        return smtp;
    }

    /// <summary>Connects, greets with EHLO and returns the session ready for MAIL FROM.</summary>
    public static async Task<TcpSmtp> ConnectAndGreetAsync(SmtpTestServer server, string clientName = "client.example")
    {
        var smtp = await ConnectAsync(server);
        Assert.StartsWith("220 ", smtp.Greeting);
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO " + clientName));
        return smtp;
    }

    public async Task SendAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends a command line (CRLF added) and returns its complete reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads one complete reply; the lines of a multi-line reply are joined with LF.</summary>
    public async Task<string> ReadReplyAsync()
    {
        using var cts = new CancellationTokenSource(ReadTimeout);
        var lines = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token)
                ?? throw new EndOfStreamException("The server closed the connection; reply so far: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join("\n", lines);
            }
        }
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

    /// <summary>Reads until the server closes the connection; returns what arrived meanwhile. Fails if it stays open.</summary>
    public async Task<string> ReadUntilClosedAsync()
    {
        using var cts = new CancellationTokenSource(ReadTimeout);
        var rest = new StringBuilder();
        try
        {
            while (await _reader.ReadLineAsync(cts.Token) is { } line)
            {
                rest.Append(line).Append('\n');
            }
        }
        catch (IOException)
        {
            // A reset instead of an orderly close is still a closed connection.
        }

        return rest.ToString();
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
