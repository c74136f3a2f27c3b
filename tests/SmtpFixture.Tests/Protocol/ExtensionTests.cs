
namespace SmtpFixture.Tests.Protocol;

/// <summary>Each EHLO extension can be hidden by its option (RFC 1869 §4.3).</summary>
public sealed class ExtensionTests
{
    [Theory]
    [InlineData(nameof(SmtpTestServerOptions.AdvertiseSize), "SIZE")]
    [InlineData(nameof(SmtpTestServerOptions.AdvertisePipelining), "PIPELINING")]
    [InlineData(nameof(SmtpTestServerOptions.Advertise8BitMime), "8BITMIME")]
    [InlineData(nameof(SmtpTestServerOptions.AdvertiseSmtpUtf8), "SMTPUTF8")]
    [InlineData(nameof(SmtpTestServerOptions.AdvertiseEnhancedStatusCodes), "ENHANCEDSTATUSCODES")]
    [InlineData(nameof(SmtpTestServerOptions.AdvertiseChunking), "CHUNKING")]
    [InlineData(nameof(SmtpTestServerOptions.AdvertiseBinaryMime), "BINARYMIME")]
    [InlineData(nameof(SmtpTestServerOptions.AdvertiseDsn), "DSN")]
    public async Task EachExtensionCanBeHidden(string option, string keyword)
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => typeof(SmtpTestServerOptions).GetProperty(option)!.SetValue(o, false));
        var keywords = (await smtp.CommandAsync("EHLO client.example")).Split('\n').Skip(1).Select(l => l[4..].Split(' ')[0]).ToArray();
        Assert.DoesNotContain(keyword, keywords);
        Assert.Equal(keyword == "CHUNKING" ? 7 : 8, keywords.Length);
    }

    [Fact]
    public async Task HidingChunkingAlsoHidesBinaryMime()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.AdvertiseChunking = false);
        var reply = await smtp.CommandAsync("EHLO client.example");
        Assert.DoesNotContain("BINARYMIME", reply);
    }

    [Fact]
    public async Task BdatWithChunkingHiddenIs502AfterTheChunkIsRead()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.AdvertiseChunking = false);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.SendAsync("BDAT 6 LAST\r\nNOOP\r\n");
        Assert.Equal("502 5.5.1 Command not implemented", await smtp.ReadReplyAsync());
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task WithEnhancedStatusCodesHiddenRepliesCarryNone()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.AdvertiseEnhancedStatusCodes = false);
        Assert.Equal("250 Sender OK", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("503 Sender already given; send RCPT TO, or RSET to start over", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("500 Command unrecognized", await smtp.CommandAsync("XYZZY"));
    }

    [Fact]
    public async Task PipelinedCommandsAreAcceptedWithPipeliningHidden()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.AdvertisePipelining = false);
        var replies = await smtp.PipelineAsync("MAIL FROM:<a@example.com>", "RCPT TO:<b@example.com>", "DATA");
        Assert.Equal(["250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "354 Start mail input; end with <CRLF>.<CRLF>"], replies);
    }

    [Fact]
    public async Task NonAsciiEhloNameWithSmtpUtf8HiddenIs501()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.AdvertiseSmtpUtf8 = false);
        Assert.Equal("501 5.5.2 Non-ASCII characters not allowed here", await smtp.CommandAsync("EHLO exämple.com"));
    }
}
