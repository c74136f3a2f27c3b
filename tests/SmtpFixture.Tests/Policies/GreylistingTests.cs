using Microsoft.Extensions.Time.Testing;
using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Policies;

public sealed class GreylistingTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task FirstAttemptIsGreylistedWith450AtRcptToAndTheSessionGoesOn()
    {
        await using var server = await StartAsync();
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.Equal("450 4.7.1 Greylisted, try again later", await client.CommandAsync("RCPT TO:<alice@example.com>"));
        Assert.Equal("554 5.5.1 No valid recipients", await client.CommandAsync("DATA"));
        Assert.StartsWith("250", await client.CommandAsync("RSET"));
        Assert.StartsWith("221", await client.CommandAsync("QUIT"));
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task RetryBeforeTheMinimumDelayIsRefusedAgain()
    {
        await using var server = await StartAsync();
        await SendAsync(server, "alice@example.com");
        _time.Advance(Delay - TimeSpan.FromSeconds(1));

        var replies = await SendAsync(server, "alice@example.com");

        Assert.Equal("450 4.7.1 Greylisted, try again later", replies[1]);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task RetryAfterTheMinimumDelayIsAccepted()
    {
        await using var server = await StartAsync();
        await SendAsync(server, "alice@example.com");
        _time.Advance(Delay);

        var replies = await SendAsync(server, "alice@example.com");

        Assert.StartsWith("250 2.1.5", replies[1]);
        Assert.StartsWith("250 2.0.0", replies[^1]);
        var message = await server.WaitForMessageAsync();
        Assert.Equal(["alice@example.com"], message.Envelope.Recipients);
    }

    [Fact]
    public async Task ADifferentTripletIsRefusedAgainAfterOneWasAccepted()
    {
        await using var server = await StartAsync();
        await SendAsync(server, "alice@example.com");
        _time.Advance(Delay);
        Assert.StartsWith("250", (await SendAsync(server, "alice@example.com"))[1]);

        var otherRecipient = await SendAsync(server, "bob@example.com");
        var otherSender = await SendAsync(server, "alice@example.com", from: "billing@example.com");

        Assert.Equal("450 4.7.1 Greylisted, try again later", otherRecipient[1]);
        Assert.Equal("450 4.7.1 Greylisted, try again later", otherSender[1]);
    }

    [Fact]
    public async Task EachRecipientOfATransactionIsGreylistedOnItsOwn()
    {
        await using var server = await StartAsync();
        await SendAsync(server, "alice@example.com");
        _time.Advance(Delay);

        var replies = await SendAsync(server, "alice@example.com", "bob@example.com");

        Assert.StartsWith("250", replies[1]);
        Assert.StartsWith("450 4.7.1", replies[2]);
        var message = await server.WaitForMessageAsync();
        Assert.Equal(["alice@example.com"], message.Envelope.Recipients);
    }

    [Fact]
    public async Task ATripletNotSeenForTheExpiryIsGreylistedAgain()
    {
        await using var server = await StartAsync(SmtpPolicies.Greylisting(Delay, expiry: TimeSpan.FromHours(1)));
        await SendAsync(server, "alice@example.com");
        _time.Advance(Delay);
        Assert.StartsWith("250", (await SendAsync(server, "alice@example.com"))[1]);
        _time.Advance(TimeSpan.FromHours(2));

        var replies = await SendAsync(server, "alice@example.com");

        Assert.Equal("450 4.7.1 Greylisted, try again later", replies[1]);
    }

    [Fact]
    public async Task ACustomKeyGreylistsWhatItNames()
    {
        await using var server = await StartAsync(SmtpPolicies.Greylisting(Delay, key: c => c.Session.RemoteAddress!.ToString()));
        await SendAsync(server, "alice@example.com");
        _time.Advance(Delay);

        // The key is the client address alone, so a new sender and recipient from the same client are accepted.
        var replies = await SendAsync(server, "bob@example.com", from: "other@example.com");

        Assert.StartsWith("250", replies[1]);
    }

    [Fact]
    public async Task AttemptsShowTheGreylistedFirstAttemptAndTheRetryAcceptedFiveMinutesLater()
    {
        await using var server = await StartAsync();
        await SendAsync(server, "alice@example.com");
        _time.Advance(Delay);
        await SendAsync(server, "alice@example.com");
        await server.WaitForMessageAsync();

        var attempts = server.Attempts.Where(a => a.MailFrom is not null).ToArray();

        Assert.Equal(2, attempts.Length);
        var refusal = Assert.Single(attempts[0].Refusals);
        Assert.Equal("Greylisting", refusal.AnsweredBy);
        Assert.Equal(SmtpStage.RcptTo, refusal.Stage);
        Assert.Equal(SmtpAttemptOutcome.Refused, attempts[0].Outcome);
        Assert.Equal(SmtpAttemptOutcome.Accepted, attempts[1].Outcome);
        Assert.Equal(Delay, attempts[1].StartedAt - attempts[0].StartedAt);
    }

    [Fact]
    public async Task ResetForgetsTheTripletsSeen()
    {
        await using var server = await StartAsync();
        await SendAsync(server, "alice@example.com");
        _time.Advance(Delay);
        server.Reset();

        var replies = await SendAsync(server, "alice@example.com");

        Assert.Equal("450 4.7.1 Greylisted, try again later", replies[1]);
    }

    private Task<SmtpTestServer> StartAsync(SmtpPolicy? policy = null) => SmtpTestServer.StartAsync(o =>
    {
        o.TimeProvider = _time;
        o.IdleTimeout = TimeSpan.FromDays(1);
        o.Policies.Add(policy ?? SmtpPolicies.Greylisting(Delay));
    });

    /// <summary>One delivery try on a connection of its own, as a real client's retry would be.</summary>
    private static async Task<List<string>> SendAsync(SmtpTestServer server, string to, string? alsoTo = null, string from = "app@example.com")
    {
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        var replies = await client.SendMailAsync(from, alsoTo is null ? [to] : [to, alsoTo]);
        await client.CommandAsync("QUIT");
        return replies;
    }
}
