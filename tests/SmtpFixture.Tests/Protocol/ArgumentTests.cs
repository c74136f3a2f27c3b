using SmtpFixture.Tests.Support;

namespace SmtpFixture.Tests.Protocol;

/// <summary>
/// Commands whose RFC 5321 grammar (§4.1.1) takes no argument refuse one with 501 and the session goes on; NOOP and
/// HELP take an optional string.
/// </summary>
public sealed class ArgumentTests
{
    [Theory]
    [InlineData("RSET now", "501 5.5.4 Syntax: RSET (no arguments)")]
    [InlineData("QUIT now", "501 5.5.4 Syntax: QUIT (no arguments)")]
    public async Task ArgumentLessVerbWithAnArgumentIs501AndChangesNothing(string line, string reply)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal(reply, await smtp.CommandAsync(line));

        // The transaction is still open and the session still serves.
        Assert.Equal("250 2.1.5 Recipient OK", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
    }

    [Fact]
    public async Task StartTlsWithAnArgumentIs501()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.Tls = SmtpTlsMode.StartTls);
        Assert.Equal("501 5.5.4 Syntax: STARTTLS (no parameters allowed)", await smtp.CommandAsync("STARTTLS now"));
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Theory]
    [InlineData("NOOP anything at all", "250 2.0.0 OK")]
    [InlineData("HELP MAIL", "214-2.0.0 Commands:")]
    public async Task NoopAndHelpTakeAnOptionalString(string line, string start)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith(start, await smtp.CommandAsync(line));
    }

    [Fact]
    public async Task HelpListsBdatOnlyWhenChunkingIsOffered()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.AdvertiseChunking = false);
        Assert.StartsWith("214-2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP\n", await smtp.CommandAsync("HELP"));
    }
}
