using Microsoft.Extensions.Time.Testing;
using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Policies;

public sealed class RateLimitTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task MessagesUpToTheLimitAreAcceptedAndTheNextGets421AndTheConnectionIsClosed()
    {
        await using var server = await StartAsync(SmtpPolicies.RateLimit(3, Window));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        for (var i = 0; i < 3; i++)
        {
            Assert.StartsWith("250 2.0.0", (await client.SendMailAsync("app@example.com", "alice@example.com"))[^1]);
        }

        Assert.Equal("421 4.7.0 Rate limit exceeded, closing transmission channel", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.Equal(string.Empty, await client.ReadToEndAsync());
        Assert.Equal(3, server.Messages.Count);
        Assert.Equal("RateLimit", server.Attempts[^1].Refusals.Single().AnsweredBy);
    }

    [Fact]
    public async Task ANewWindowAcceptsAgain()
    {
        await using var server = await StartAsync(SmtpPolicies.RateLimit(1, Window));
        Assert.StartsWith("250", (await SendOnNewConnectionAsync(server))[0]);
        Assert.StartsWith("421 4.7.0", (await SendOnNewConnectionAsync(server))[0]);

        _time.Advance(Window);

        Assert.StartsWith("250 2.0.0", (await SendOnNewConnectionAsync(server))[^1]);
    }

    [Fact]
    public async Task WithoutClosingTheMessageLimitAnswers450AndTheSessionGoesOn()
    {
        await using var server = await StartAsync(SmtpPolicies.RateLimit(1, Window, closeConnection: false));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        await client.SendMailAsync("app@example.com", "alice@example.com");

        Assert.Equal("450 4.7.0 Rate limit exceeded, try again later", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task TheRecipientLimitGets421AndClosesAtTheFirstRecipientOverIt()
    {
        await using var server = await StartAsync(SmtpPolicies.RateLimit(2, Window, RateLimitUnit.Recipients));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.com>"));

        Assert.Equal("421 4.7.0 Rate limit exceeded, closing transmission channel", await client.CommandAsync("RCPT TO:<c@example.com>"));
        await client.ReadToEndAsync();
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task WithoutClosingTheRecipientLimitAnswers452AndTheMessageGoesToTheOthers()
    {
        await using var server = await StartAsync(SmtpPolicies.RateLimit(2, Window, RateLimitUnit.Recipients, closeConnection: false));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        var replies = await client.SendMailAsync("app@example.com", "a@example.com", "b@example.com", "c@example.com");

        Assert.Equal("452 4.5.3 Too many recipients", replies[3]);
        Assert.StartsWith("250 2.0.0", replies[^1]);
        Assert.Equal(["a@example.com", "b@example.com"], (await server.WaitForMessageAsync()).Envelope.Recipients);
    }

    [Fact]
    public async Task TheConnectionLimitAnswersTheGreetingWith421AndCloses()
    {
        await using var server = await StartAsync(SmtpPolicies.RateLimit(2, Window, RateLimitUnit.Connections));
        await using var first = await RawSmtpClient.ConnectAsync(server);
        Assert.StartsWith("220 ", await first.ReadReplyAsync());
        await using var second = await RawSmtpClient.ConnectAsync(server);
        Assert.StartsWith("220 ", await second.ReadReplyAsync());

        await using var third = await RawSmtpClient.ConnectAsync(server);

        Assert.Equal("421 4.7.0 Rate limit exceeded, closing transmission channel", await third.ReadReplyAsync());
        Assert.Equal(string.Empty, await third.ReadToEndAsync());
    }

    [Fact]
    public async Task WithoutClosingAConnectionOverTheLimitIsGreetedButItsMailGets450()
    {
        await using var server = await StartAsync(SmtpPolicies.RateLimit(1, Window, RateLimitUnit.Connections, closeConnection: false));
        await using var first = await RawSmtpClient.ConnectAndGreetAsync(server);
        await using var second = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.Equal("450 4.7.0 Rate limit exceeded, try again later", await second.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await first.CommandAsync("MAIL FROM:<app@example.com>"));
    }

    [Fact]
    public async Task PerSenderEachReversePathHasItsOwnCount()
    {
        await using var server = await StartAsync(SmtpPolicies.RateLimit(1, Window, scope: RateLimitScope.Sender, closeConnection: false));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        await client.SendMailAsync("one@example.com", "alice@example.com");

        Assert.StartsWith("250", (await client.SendMailAsync("two@example.com", "alice@example.com"))[0]);
        Assert.StartsWith("450 4.7.0", (await client.SendMailAsync("one@example.com", "alice@example.com"))[0]);
    }

    [Fact]
    public async Task PerAuthenticatedIdentitySessionsThatDidNotAuthenticateAreNotLimited()
    {
        await using var server = await StartAsync(SmtpPolicies.RateLimit(1, Window, scope: RateLimitScope.AuthenticatedIdentity));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.StartsWith("250 2.0.0", (await client.SendMailAsync("app@example.com", "alice@example.com"))[^1]);
        Assert.StartsWith("250 2.0.0", (await client.SendMailAsync("app@example.com", "alice@example.com"))[^1]);
    }

    [Fact]
    public async Task PerAuthenticatedIdentityTheIdentityIsCounted()
    {
        var policy = SmtpPolicies.RateLimit(1, Window, scope: RateLimitScope.AuthenticatedIdentity);
        var alice = PolicyContexts.Create(SmtpStage.MailFrom, "app@example.com", _time, session: s => s with { AuthenticatedUser = "alice" });
        var bob = PolicyContexts.Create(SmtpStage.MailFrom, "app@example.com", _time, session: s => s with { AuthenticatedUser = "bob" });

        Assert.Equal(SmtpVerdictKind.Continue, (await PolicyContexts.EvaluateAsync(policy, alice)).Kind);
        Assert.Equal(SmtpVerdictKind.Continue, (await PolicyContexts.EvaluateAsync(policy, bob)).Kind);
        Assert.Equal(421, (await PolicyContexts.EvaluateAsync(policy, alice)).ReplyToSend?.Code);
    }

    [Fact]
    public async Task ResetStartsTheCountsAfresh()
    {
        await using var server = await StartAsync(SmtpPolicies.RateLimit(1, Window));
        Assert.StartsWith("250 2.0.0", (await SendOnNewConnectionAsync(server))[^1]);

        server.Reset();

        Assert.StartsWith("250 2.0.0", (await SendOnNewConnectionAsync(server))[^1]);
    }

    [Fact]
    public async Task MessagesCountsAttemptsNotDeliveriesSoGreylistedRetriesUseUpTheLimit()
    {
        // smtp-fixture --greylist 2s --rate-limit 2/1m: each try is a message delivery request (MAIL FROM), as Postfix's
        // anvil counts them, whether or not a later policy refuses its recipients.
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.TimeProvider = _time;
            o.IdleTimeout = TimeSpan.FromDays(1);
            o.Policies.Add(SmtpPolicies.Greylisting(TimeSpan.FromSeconds(2)));
            o.Policies.Add(SmtpPolicies.RateLimit(2, Window));
        });

        Assert.StartsWith("450 4.7.1", (await SendOnNewConnectionAsync(server))[1]);
        Assert.StartsWith("450 4.7.1", (await SendOnNewConnectionAsync(server))[1]);
        _time.Advance(TimeSpan.FromSeconds(2));
        var third = await SendOnNewConnectionAsync(server);

        Assert.Equal("421 4.7.0 Rate limit exceeded, closing transmission channel", Assert.Single(third));
        Assert.Empty(server.Messages);

        _time.Advance(Window);
        Assert.StartsWith("250 2.0.0", (await SendOnNewConnectionAsync(server))[^1]);
    }

    private Task<SmtpTestServer> StartAsync(SmtpPolicy policy) => SmtpTestServer.StartAsync(o =>
    {
        o.TimeProvider = _time;
        o.IdleTimeout = TimeSpan.FromDays(1);
        o.Policies.Add(policy);
    });

    private static async Task<List<string>> SendOnNewConnectionAsync(SmtpTestServer server)
    {
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        return await client.SendMailAsync("app@example.com", "alice@example.com");
    }
}
