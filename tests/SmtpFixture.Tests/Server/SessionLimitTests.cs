
namespace SmtpFixture.Tests.Server;

/// <summary>The session limit: clients beyond it get 421 at connect (RFC 5321 §3.1) and are recorded.</summary>
public sealed class SessionLimitTests
{
    [Fact]
    public async Task ClientBeyondTheSessionLimitGets421AtConnect()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.MaxSessions = 1);
        using var first = await RawSmtpClient.ConnectAsync(server);
        Assert.StartsWith("220 ", await first.ReadReplyAsync());

        using var second = await RawSmtpClient.ConnectAsync(server);
        Assert.Equal("421 4.3.2 Too many connections, try again later\r\n", await second.ReadToEndAsync());

        // The refusal is on record, and the first session is unaffected.
        var refused = Assert.Single(server.Attempts);
        Assert.Equal(SmtpAttemptOutcome.Refused, refused.Outcome);
        var exchange = Assert.Single(refused.Exchanges);
        Assert.Equal(SmtpStage.Connect, exchange.Stage);
        Assert.Equal(421, exchange.Reply.Code);
        Assert.Equal("250 2.0.0 OK", await first.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task RefusalAtConnectHasNoEnhancedCodeWhenThoseAreHidden()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.MaxSessions = 1;
            o.AdvertiseEnhancedStatusCodes = false;
        });
        using var first = await RawSmtpClient.ConnectAsync(server);
        await first.ReadReplyAsync();
        using var second = await RawSmtpClient.ConnectAsync(server);
        Assert.Equal("421 Too many connections, try again later\r\n", await second.ReadToEndAsync());
    }
}
