using System.Net;
using Microsoft.Extensions.Time.Testing;
using SmtpFixture.Policies;
using SmtpFixture.Tests.Support;

namespace SmtpFixture.Tests.Policies;

/// <summary>The public context: what a user needs to unit-test a policy, and what the server fills in.</summary>
public sealed class PolicyContextTests
{
    [Fact]
    public async Task AUserBuildsAContextToUnitTestAPolicyWithoutAServer()
    {
        var policy = SmtpPolicies.KnownRecipients("alice@example.com");

        var unknown = await policy.EvaluateAsync(new SmtpPolicyContext(SmtpStage.RcptTo) { Argument = "bob@example.com", MailFrom = "app@example.com" });
        var known = await policy.EvaluateAsync(new SmtpPolicyContext(SmtpStage.RcptTo) { Argument = "alice@example.com", MailFrom = "app@example.com" });

        Assert.Equal(SmtpVerdictKind.Reply, unknown.Kind);
        Assert.Equal(550, unknown.ReplyToSend?.Code);
        Assert.Same(SmtpVerdict.Continue, known);
    }

    [Theory]
    [InlineData(SmtpStage.MailFrom, "anne@example.com", null, null)]
    [InlineData(SmtpStage.RcptTo, "bob@example.com", null, null)]
    [InlineData(SmtpStage.Helo, null, "client.example", null)]
    [InlineData(SmtpStage.Auth, null, null, "PLAIN")]
    public void TheArgumentIsReadByTheAccessorOfItsStageOnly(SmtpStage stage, string? address, string? clientName, string? mechanism)
    {
        var argument = address ?? clientName ?? mechanism;

        var context = new SmtpPolicyContext(stage) { Argument = argument };

        Assert.Equal(argument, context.Argument);
        Assert.Equal(address, context.Address);
        Assert.Equal(clientName, context.ClientName);
        Assert.Equal(mechanism, context.Mechanism);
    }

    [Fact]
    public void UnsetMembersHaveTheValuesOfASessionThatHasNotGreetedYet()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        var context = new SmtpPolicyContext(SmtpStage.Connect) { TimeProvider = time };

        Assert.Equal(IPAddress.Loopback, context.Session.RemoteAddress);
        Assert.Null(context.Session.ClientName);
        Assert.Equal(time.GetUtcNow(), context.Session.ConnectedAt);
        Assert.Same(context.Session, context.Session);
        Assert.Empty(context.Recipients);
        Assert.Empty(context.Parameters);
        Assert.Equal(0, context.TransactionNumber);
        Assert.Null(context.Command);
    }

    [Fact]
    public void ANullSessionIsRefusedAtTheCall()
    {
        Assert.Throws<ArgumentNullException>(() => new SmtpPolicyContext(SmtpStage.Connect) { Session = null! });
    }

    [Fact]
    public async Task TheServerFillsInTheTypedArgumentAndCountsTransactionsNotMessages()
    {
        var seen = new Recorder();
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(seen));
        server.Script.OnRcptTo("nobody@example.com").Reply(SmtpReplies.MailboxUnavailable);
        await using var client = await RawSmtpClient.ConnectAsync(server);

        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        await client.CommandAsync("MAIL FROM:<anne@example.com>");
        await client.CommandAsync("RCPT TO:<nobody@example.com>");
        await client.CommandAsync("RSET");
        await client.CommandAsync("MAIL FROM:<anne@example.com>");
        await client.CommandAsync("RCPT TO:<bob@example.com>");
        await client.CommandAsync("DATA");
        var final = await client.CommandAsync("Subject: hi\r\n\r\nbody\r\n.");

        Assert.StartsWith("250 ", final);
        Assert.Equal(
            [
                "Helo client.example 0",
                "MailFrom anne@example.com 1",
                "MailFrom anne@example.com 2",
                "RcptTo bob@example.com 2",
                "Data  2",
                "EndOfMessage  2",
            ],
            seen.Lines);
    }

    private sealed class Recorder : SmtpPolicy
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public override ValueTask<SmtpVerdict> OnHeloAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => Record(context, context.ClientName);

        public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => Record(context, context.Address);

        public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => Record(context, context.Address);

        public override ValueTask<SmtpVerdict> OnDataAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => Record(context, context.Argument);

        public override ValueTask<SmtpVerdict> OnMessageAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => Record(context, context.Argument);

        private ValueTask<SmtpVerdict> Record(SmtpPolicyContext context, string? argument)
        {
            lock (_lines)
            {
                _lines.Add($"{context.Stage} {argument} {context.TransactionNumber}");
            }

            return new(SmtpVerdict.Continue);
        }
    }
}
