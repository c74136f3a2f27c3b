
namespace SmtpFixture.Tests.Protocol;

/// <summary>MAIL FROM and RCPT TO parameters (RFC 1870, 6152, 3030, 6531, 3461, 4954): kept when valid, 501/555 otherwise.</summary>
public sealed class ParameterTests
{
    [Fact]
    public async Task MailParametersAreKeptInTheEnvelope()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("250 2.1.0 Sender OK", await smtp.CommandAsync("MAIL FROM:<a@example.com> SIZE=123 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=QQ314159 AUTH=<>"));
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        await smtp.CommandAsync("x\r\n.");
        var envelope = Assert.Single(smtp.Store.Messages).Envelope;
        Assert.Equal(123, envelope.DeclaredSize);
        Assert.Equal("8BITMIME", envelope.Body);
        Assert.True(envelope.SmtpUtf8);
        Assert.Equal("HDRS", envelope.Ret);
        Assert.Equal("QQ314159", envelope.EnvelopeId);
        Assert.Equal("<>", envelope.MailParameters["AUTH"]);
        Assert.Equal("SIZE=123 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=QQ314159 AUTH=<>", envelope.MailParameters.ToString());
    }

    [Theory]
    [InlineData("7BIT")]
    [InlineData("8BITMIME")]
    [InlineData("8bitmime")]
    public async Task BodyTypesAreAccepted(string body)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("250 2.1.0", await smtp.CommandAsync("MAIL FROM:<a@example.com> BODY=" + body));
    }

    [Fact]
    public async Task RcptParametersAreKeptPerRecipient()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.com"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<c@example.com> NOTIFY=NEVER"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<d@example.com>"));
        await smtp.CommandAsync("DATA");
        await smtp.CommandAsync("x\r\n.");
        var recipients = Assert.Single(smtp.Store.Messages).Envelope.RecipientDetails;
        Assert.Equal("SUCCESS,FAILURE", recipients[0].Notify);
        Assert.Equal("rfc822;b@example.com", recipients[0].OriginalRecipient);
        Assert.Equal("NEVER", recipients[1].Notify);
        Assert.Null(recipients[1].OriginalRecipient);
        Assert.Empty(recipients[2].Parameters);
    }

    [Theory]
    [InlineData("MAIL FROM:a@example.com")]
    [InlineData("MAIL FROM:<a@example.com")]
    [InlineData("MAIL TO:<a@example.com>")]
    [InlineData("MAIL")]
    [InlineData("MAIL FROM:<a@example.com>SIZE=1")]
    public async Task MalformedMailIs501(string line)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("501 5.5.4 Syntax: MAIL FROM:<address> [parameters]", await smtp.CommandAsync(line));
    }

    [Theory]
    [InlineData("RCPT TO:b@example.com")]
    [InlineData("RCPT FROM:<b@example.com>")]
    [InlineData("RCPT")]
    public async Task MalformedRcptIs501(string line)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal("501 5.5.4 Syntax: RCPT TO:<address> [parameters]", await smtp.CommandAsync(line));
    }

    [Theory]
    [InlineData("SIZE=abc")]
    [InlineData("SIZE=-1")]
    [InlineData("SIZE")]
    [InlineData("BODY=9BIT")]
    [InlineData("SMTPUTF8=yes")]
    [InlineData("RET=ALL")]
    [InlineData("ENVID")]
    [InlineData("SIZE=1 SIZE=2")]
    [InlineData("=1")]
    [InlineData("SIZE=")]
    public async Task BadMailParameterIs501(string parameters)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("501 5.5.4 Malformed or repeated parameter", await smtp.CommandAsync("MAIL FROM:<a@example.com> " + parameters));
    }

    [Theory]
    [InlineData("NOTIFY=SOMETIMES")]
    [InlineData("NOTIFY=NEVER,SUCCESS")]
    [InlineData("NOTIFY=SUCCESS,SUCCESS")]
    [InlineData("ORCPT=b@example.com")]
    public async Task BadRcptParameterIs501(string parameters)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal("501 5.5.4 Malformed or repeated parameter", await smtp.CommandAsync("RCPT TO:<b@example.com> " + parameters));
    }

    [Fact]
    public async Task UnknownMailParameterIs555()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("555 5.5.4 Parameter not recognized or not implemented", await smtp.CommandAsync("MAIL FROM:<a@example.com> XFOO=1"));
    }

    [Fact]
    public async Task UnknownRcptParameterIs555()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal("555 5.5.4 Parameter not recognized or not implemented", await smtp.CommandAsync("RCPT TO:<b@example.com> XFOO"));
    }

    [Theory]
    [InlineData("SIZE=10", nameof(SmtpTestServerOptions.AdvertiseSize))]
    [InlineData("BODY=8BITMIME", nameof(SmtpTestServerOptions.Advertise8BitMime))]
    [InlineData("BODY=BINARYMIME", nameof(SmtpTestServerOptions.AdvertiseBinaryMime))]
    [InlineData("BODY=BINARYMIME", nameof(SmtpTestServerOptions.AdvertiseChunking))]
    [InlineData("SMTPUTF8", nameof(SmtpTestServerOptions.AdvertiseSmtpUtf8))]
    [InlineData("RET=FULL", nameof(SmtpTestServerOptions.AdvertiseDsn))]
    [InlineData("ENVID=x", nameof(SmtpTestServerOptions.AdvertiseDsn))]
    public async Task MailParameterOfAHiddenExtensionIs555(string parameter, string option)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => typeof(SmtpTestServerOptions).GetProperty(option)!.SetValue(o, false));
        Assert.Equal("555 5.5.4 Parameter not recognized or not implemented", await smtp.CommandAsync("MAIL FROM:<a@example.com> " + parameter));
    }

    [Theory]
    [InlineData("NOTIFY=NEVER")]
    [InlineData("ORCPT=rfc822;b@example.com")]
    public async Task RcptParameterOfHiddenDsnIs555(string parameter)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.AdvertiseDsn = false);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal("555 5.5.4 Parameter not recognized or not implemented", await smtp.CommandAsync("RCPT TO:<b@example.com> " + parameter));
    }

    [Fact]
    public async Task Utf8AddressWithSmtpUtf8IsAccepted()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<jörg@exämple.com> SMTPUTF8"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<用户@例子.广告>"));
        await smtp.CommandAsync("DATA");
        await smtp.CommandAsync("x\r\n.");
        var envelope = Assert.Single(smtp.Store.Messages).Envelope;
        Assert.Equal("jörg@exämple.com", envelope.MailFrom);
        Assert.Equal(["用户@例子.广告"], envelope.Recipients);
    }

    [Fact]
    public async Task Utf8SenderWithoutSmtpUtf8Is553()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("553 5.6.7 Non-ASCII address requires SMTPUTF8", await smtp.CommandAsync("MAIL FROM:<jörg@example.com>"));
    }

    [Fact]
    public async Task Utf8RecipientWithoutSmtpUtf8Is553()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal("553 5.6.7 Non-ASCII address requires SMTPUTF8", await smtp.CommandAsync("RCPT TO:<jörg@example.com>"));
    }

    [Fact]
    public async Task EmptyForwardPathIs553()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal("553 5.1.3 Bad recipient address syntax", await smtp.CommandAsync("RCPT TO:<>"));
    }

    [Fact]
    public async Task DataWithAnArgumentIs501()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        Assert.Equal("501 5.5.4 Syntax: DATA (no arguments)", await smtp.CommandAsync("DATA now"));
    }

    [Theory]
    [InlineData("BDAT")]
    [InlineData("BDAT x")]
    [InlineData("BDAT -1")]
    [InlineData("BDAT 1 FIRST")]
    [InlineData("BDAT 1 LAST extra")]
    public async Task MalformedBdatIs501(string line)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("501 5.5.4 Syntax: BDAT chunk-size [LAST]", await smtp.CommandAsync(line));
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task NulInACommandIs500()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("500 5.5.2 NUL characters not allowed in commands", await smtp.CommandAsync("NOOP \0"));
    }

    [Fact]
    public async Task SpaceAfterTheColonIsTolerated()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM: <a@example.com>"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO: <b@example.com>"));
    }
}
