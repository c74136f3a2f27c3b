using System.Security.Authentication;
using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Policies;

public sealed class LimitPolicyTests
{
    [Fact]
    public async Task ADeclaredSizeOverTheLimitGets552AtMailFrom()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.MaxMessageSize(1000)));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await client.CommandAsync("MAIL FROM:<app@example.com> SIZE=1001"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com> SIZE=1000"));
        Assert.Equal("MaxMessageSize", server.Attempts[0].Refusals.Single().AnsweredBy);
    }

    [Fact]
    public async Task ContentOverTheLimitGets552AfterTheFinalDotAndNothingIsCaptured()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.MaxMessageSize(100)));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<alice@example.com>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));

        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await client.CommandAsync("Subject: big\r\n\r\n" + new string('x', 200) + "\r\n."));

        Assert.StartsWith("250 2.0.0", (await client.SendMailAsync("app@example.com", "alice@example.com"))[^1]);
        Assert.Single(server.Messages);
        Assert.Equal(SmtpAttemptOutcome.Refused, server.Attempts[0].Outcome);
    }

    [Fact]
    public async Task RecipientsOverTheLimitGet452AndTheMessageGoesToTheOthers()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.MaxRecipients(2)));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        var replies = await client.SendMailAsync("app@example.com", "a@example.com", "b@example.com", "c@example.com");

        Assert.Equal("452 4.5.3 Too many recipients", replies[3]);
        Assert.StartsWith("250 2.0.0", replies[^1]);
        Assert.Equal(["a@example.com", "b@example.com"], (await server.WaitForMessageAsync()).Envelope.Recipients);
        Assert.Equal("MaxRecipients", server.Attempts.Single().Refusals.Single().AnsweredBy);
    }

    [Fact]
    public async Task AnUnauthenticatedSessionGets530AtMailFromAndMaySendOtherCommands()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.RequireAuthentication()));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.Equal("530 5.7.0 Authentication required", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("NOOP"));
        Assert.Equal("RequireAuthentication", server.Attempts.Single().Refusals.Single().AnsweredBy);
    }

    [Fact]
    public async Task AnAuthenticatedSessionPassesRequireAuthentication()
    {
        var context = PolicyContexts.Create(SmtpStage.MailFrom, "app@example.com", session: s => s with { AuthenticatedUser = "alice", AuthenticationMechanism = "PLAIN" });

        var verdict = await PolicyContexts.EvaluateAsync(SmtpPolicies.RequireAuthentication(), context);

        Assert.Equal(SmtpVerdictKind.Continue, verdict.Kind);
    }

    [Fact]
    public async Task ASessionWithoutTlsGets530AtMailFrom()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.RequireTls()));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("NOOP"));
        Assert.Equal("RequireTls", server.Attempts.Single().Refusals.Single().AnsweredBy);
    }

    [Fact]
    public async Task ASecureSessionPassesRequireTls()
    {
        var context = PolicyContexts.Create(SmtpStage.MailFrom, "app@example.com", session: s => s with { IsSecure = true, TlsProtocol = SslProtocols.Tls13 });

        var verdict = await PolicyContexts.EvaluateAsync(SmtpPolicies.RequireTls(), context);

        Assert.Equal(SmtpVerdictKind.Continue, verdict.Kind);
    }
}
