using System.Text;
using SmtpFixture.Checks;

namespace SmtpFixture.Tests.Protocol;

/// <summary>DATA content (RFC 5321 §4.5.2): dot-unstuffing, end of data, and bytes kept exactly.</summary>
public sealed class DataTests
{
    [Fact]
    public async Task DotStuffedLinesAreUnstuffed()
    {
        var raw = await CaptureAsync("..leading dot\r\n...two dots\r\n.\tdot tab\r\nmid . dot\r\n..\r\n");
        Assert.Equal(".leading dot\r\n..two dots\r\n\tdot tab\r\nmid . dot\r\n.\r\n", Encoding.ASCII.GetString(raw));
    }

    [Fact]
    public async Task EmptyMessageIsCaptured()
    {
        var raw = await CaptureAsync(string.Empty);
        Assert.Empty(raw);
    }

    [Fact]
    public async Task MessageOfOneEmptyLineIsCaptured()
    {
        var raw = await CaptureAsync("\r\n");
        Assert.Equal("\r\n"u8.ToArray(), raw);
    }

    [Fact]
    public async Task EightBitContentIsKeptByteExact()
    {
        var content = new byte[256 * 3];
        for (var i = 0; i < 256; i++)
        {
            // Every byte value except CR, LF and a line-start dot, each line ended by CRLF.
            content[i * 3] = (byte)(i is '\r' or '\n' or '.' ? 'x' : i);
            content[i * 3 + 1] = (byte)'\r';
            content[i * 3 + 2] = (byte)'\n';
        }

        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com> BODY=8BITMIME");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        await smtp.SendAsync(content);
        Assert.StartsWith("250 2.0.0", await smtp.CommandAsync("."));
        Assert.Equal(content, Assert.Single(smtp.Store.Messages).RawData.ToArray());
    }

    [Fact]
    public async Task Utf8ContentIsKeptByteExactAndParsed()
    {
        const string text = "From: Jörg <jörg@exämple.com>\r\nSubject: Grüße 👋 用户\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNaïve café – 東京\r\n";
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<jörg@exämple.com> SMTPUTF8 BODY=8BITMIME");
        await smtp.CommandAsync("RCPT TO:<用户@例子.广告>");
        await smtp.CommandAsync("DATA");
        Assert.StartsWith("250 2.0.0", await smtp.CommandAsync(text + "."));
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal(Encoding.UTF8.GetBytes(text), message.RawData.ToArray());
        Assert.Equal("Grüße 👋 用户", message.Message.Subject);
        Assert.Equal("Naïve café – 東京", message.Message.TextBody?.TrimEnd());
    }

    [Theory]
    [InlineData("a\n.\nb\r\n", "bare LF")]
    [InlineData("a\r.\rb\r\n", "bare CR")]
    [InlineData("a\n.\r\nb\r\n", "bare LF")]
    [InlineData("a\r\n.\nb\r\n", "bare LF")]
    public async Task OnlyCrLfDotCrLfEndsTheData(string content, string violation)
    {
        // The SMTP smuggling class (CVE-2023-51764): lone CR or LF around a dot must not end the message.
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        Assert.StartsWith("250 2.0.0", await smtp.CommandAsync(content + "."));
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Contains(message.Attempt.Violations, v => v.Rule == SmtpRules.BareLineEnding && v.Detail.Contains(violation, StringComparison.Ordinal));
        var expected = content.StartsWith("a\r\n.", StringComparison.Ordinal) ? "a\r\n\nb\r\n" : content;
        Assert.Equal(expected, Encoding.ASCII.GetString(message.RawData.Span));
    }

    [Fact]
    public async Task ContentLooksLikeCommandsButIsContent()
    {
        var raw = await CaptureAsync("QUIT\r\nRSET\r\nMAIL FROM:<x@example.com>\r\n");
        Assert.Equal("QUIT\r\nRSET\r\nMAIL FROM:<x@example.com>\r\n", Encoding.ASCII.GetString(raw));
    }

    [Fact]
    public async Task CommandsAfterTheEndOfDataInTheSameWriteAreAnswered()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.PipelineAsync("MAIL FROM:<a@example.com>", "RCPT TO:<b@example.com>", "DATA");
        await smtp.SendAsync("x\r\n.\r\nNOOP\r\nQUIT\r\n");
        var output = await smtp.ReadToEndAsync();
        Assert.Matches("^250 2.0.0 OK queued as \\S+\r\n250 2.0.0 OK\r\n221 2.0.0 localhost closing connection\r\n$", output);
    }

    [Fact]
    public async Task ReceivedMessageRecordsTheSessionAndTime()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.TimeProvider = time);
        await CommandTests.SendMessageAsync(smtp);
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal(new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero), message.ReceivedAt);
        Assert.Equal("192.0.2.10:40000", message.Session.RemoteEndPoint.ToString());
        Assert.StartsWith("S", message.Session.SessionId);
        Assert.False(message.Session.IsSecure);
        Assert.Null(message.Session.AuthenticatedUser);
    }

    private static async Task<byte[]> CaptureAsync(string content)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        Assert.StartsWith("250 2.0.0", await smtp.CommandAsync(content + "."));
        return Assert.Single(smtp.Store.Messages).RawData.ToArray();
    }
}
