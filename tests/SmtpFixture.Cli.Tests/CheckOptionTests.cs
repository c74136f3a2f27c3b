using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SmtpFixture.Cli.Tests;

/// <summary>The checks in the tool: a violation event as each is found, the rule ids on the message event, --strict and --check.</summary>
public sealed class CheckOptionTests
{
    // A bare LF in the body, and none of Date, From or Message-ID.
    private const string Content = "Subject: sloppy\r\n\r\nline one\nline two\r\n.\r\n";

    [Fact]
    public async Task EachViolationIsAnEventAndTheMessageEventListsTheRuleIds()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        var replies = await SendRawAsync(port, Content);

        Assert.StartsWith("250 ", replies[^2]);
        var bare = await cli.ReadEventAsync("violation");
        Assert.Equal("bare-line-ending", bare.GetProperty("rule").GetString());
        Assert.Equal("error", bare.GetProperty("severity").GetString());
        Assert.Equal("RFC 5321 §2.3.8", bare.GetProperty("reference").GetString());
        Assert.Equal("line one\\n", bare.GetProperty("line").GetString());
        Assert.StartsWith("S", bare.GetProperty("session").GetString());
        var id = bare.GetProperty("message").GetString();
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal("missing-date", (await cli.ReadEventAsync("violation")).GetProperty("rule").GetString());
        var message = await cli.ReadEventAsync("message");
        Assert.Equal(id, message.GetProperty("id").GetString());
        Assert.Equal(
            ["bare-line-ending", "missing-date", "missing-from", "missing-message-id"],
            message.GetProperty("violations").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task StrictRefusesTheFirstErrorRuleBroken()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json", "--strict");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        var replies = await SendRawAsync(port, Content);

        Assert.Equal("500 5.5.2 Bare CR or LF in message content not allowed", replies[^2]);
        var refused = await cli.ReadEventAsync("refused");
        Assert.Equal(500, refused.GetProperty("code").GetInt32());
        Assert.Equal("Checks", refused.GetProperty("by").GetString());
    }

    [Fact]
    public async Task CheckSetsOneRuleAfterStrict()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json", "--strict", "--check", "bare-line-ending=off", "--check", "MISSING-FROM=record");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        var replies = await SendRawAsync(port, Content);

        Assert.Equal("550 5.6.0 Message has no Date header field", replies[^2]);
    }

    [Theory]
    [InlineData("bare-lf=off", "--check: unknown rule 'bare-lf'; rules: bare-line-ending, ")]
    [InlineData("bare-line-ending=maybe", "--check: 'maybe' is not off, record or reject.")]
    [InlineData("bare-line-ending", "--check: 'bare-line-ending' is not RULE=off|record|reject.")]
    public async Task AMalformedCheckIsABadOption(string check, string error)
    {
        await using var cli = CliProcess.Start("--port", "0", "--check", check);

        Assert.Equal(2, await cli.WaitForExitAsync());
        Assert.Contains(error, cli.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Sends one message as a raw client (the bytes given, bare LF and all); returns every reply, the 221 last.</summary>
    private static async Task<List<string>> SendRawAsync(int port, string content)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var replies = new List<string> { await ReadReplyAsync(reader) };
        foreach (var command in new[] { "EHLO client.example\r\n", "MAIL FROM:<sender@example.com>\r\n", "RCPT TO:<alice@example.com>\r\n", "DATA\r\n", content, "QUIT\r\n" })
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command));
            replies.Add(await ReadReplyAsync(reader));
        }

        return replies;
    }

    private static async Task<string> ReadReplyAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("The tool closed the connection.");
            if (line.Length < 4 || line[3] != '-')
            {
                return line;
            }
        }
    }
}
