using FluentAssertions;
using MimeKit;
using Xunit.Sdk;
using static SmtpFixture.FluentAssertions.Tests.Text;

namespace SmtpFixture.FluentAssertions.Tests;

public sealed class SmtpTestServerAssertionsTests : IAsyncLifetime
{
    private const string Accepted = "  - *: <app@example.com> -> <alice@example.com> \"Welcome\" (* bytes)";
    private const string Refused = "  - Refused attempt from *: MAIL FROM:<app@example.com>* -> 250 2.1.0 Sender OK; RCPT TO:<nobody@example.com> -> 550 5.1.1 No such user [RefuseRecipient]";

    private SmtpTestServer server = null!;

    public async Task InitializeAsync() =>
        server = await SmtpTestServer.StartAsync(o => o.Policies.Add(new RefuseRecipient("nobody@example.com")));

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task HaveReceivedPassesWithTheExactCountAndGivesTheMessage()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));

        server.Should().HaveReceived(1).Message().Should().HaveSubject("Welcome");
    }

    [Fact]
    public async Task HaveReceivedFailsListingWhatArrivedAndWhatWasRefused()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));
        await Mail.SendRefusedAsync(server, Mail.Create("app@example.com", "nobody@example.com", "Lost"));

        var act = () => server.Should().HaveReceived(2, "both users signed up");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected server to have received 2 messages because both users signed up, but it received 1.",
            "1 message was received:",
            Accepted,
            "1 attempt was refused or aborted:",
            Refused));
    }

    [Fact]
    public async Task HaveReceivedGivesAllMessagesOldestFirst()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "First"));
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Second"));

        server.Should().HaveReceived(2).Messages().Select(m => m.Subject).Should().Equal("First", "Second");
    }

    [Fact]
    public async Task MessageFailsWhenMoreThanOneMessageArrived()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "First"));
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Second"));

        var act = () => server.Should().HaveReceived(2).Message();

        act.Should().Throw<XunitException>().WithMessage("Expected exactly one received message to take with Message(), but there were 2; use Messages().");
    }

    [Fact]
    public void HaveReceivedNoMessagesPassesOnAnIdleServer()
    {
        server.Should().HaveReceivedNoMessages().And.HaveReceived(0);
    }

    [Fact]
    public async Task HaveReceivedNoMessagesFailsListingWhatArrived()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));

        var act = () => server.Should().HaveReceivedNoMessages("the user opted out");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected server to have received no messages because the user opted out, but it received 1.",
            "1 message was received:",
            Accepted,
            "No attempts were refused."));
    }

    [Fact]
    public async Task HaveReceivedMessageMatchingPassesAndGivesTheMatch()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));
        await Mail.SendAsync(server, Mail.Create("app@example.com", "bob@example.com", "Invoice"));

        server.Should().HaveReceivedMessageMatching(m => m.Subject == "Invoice")
            .Which.Should().HaveEnvelopeRecipient("bob@example.com");
    }

    [Fact]
    public async Task HaveReceivedMessageMatchingFailsShowingThePredicate()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));

        var act = () => server.Should().HaveReceivedMessageMatching(m => m.Subject == "Invoice", "an order was placed");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected server to have received a message matching (m.Subject == \"Invoice\") because an order was placed, but none matched.",
            "1 message was received:",
            Accepted,
            "No attempts were refused."));
    }

    [Fact]
    public async Task NotHaveReceivedMessageMatchingPassesWhenNoneMatches()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));

        server.Should().NotHaveReceivedMessageMatching(m => m.Subject == "Invoice");
    }

    [Fact]
    public async Task NotHaveReceivedMessageMatchingFailsCountingTheMatches()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));

        var act = () => server.Should().NotHaveReceivedMessageMatching(m => m.Subject == "Welcome");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected server to have received no message matching (m.Subject == \"Welcome\"), but 1 message matched.",
            "1 message was received:",
            Accepted,
            "No attempts were refused."));
    }

    [Fact]
    public async Task HaveReceivedMessageToFindsABccRecipientInTheEnvelope()
    {
        var message = Mail.Create("app@example.com", "alice@example.com", "Welcome");
        message.Bcc.Add(MailboxAddress.Parse("audit@example.com"));
        await Mail.SendAsync(server, message);

        server.Should().HaveReceivedMessageTo("audit@Example.COM")
            .Which.Should().HaveSubject("Welcome");
    }

    [Fact]
    public async Task HaveReceivedMessageToFailsListingWhatArrived()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));

        var act = () => server.Should().HaveReceivedMessageTo("carol@example.com");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected server to have received a message for envelope recipient \"carol@example.com\", but none was.",
            "1 message was received:",
            Accepted,
            "No attempts were refused."));
    }

    [Fact]
    public async Task NotHaveReceivedMessageToPassesForAnotherRecipient()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));

        server.Should().NotHaveReceivedMessageTo("carol@example.com");
    }

    [Fact]
    public async Task NotHaveReceivedMessageToFailsWhenMailArrivedForTheRecipient()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));

        var act = () => server.Should().NotHaveReceivedMessageTo("alice@example.com", "alice unsubscribed");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected server to have received no message for envelope recipient \"alice@example.com\" because alice unsubscribed, but 1 message arrived for it.",
            "1 message was received:",
            Accepted,
            "No attempts were refused."));
    }

    [Fact]
    public async Task HaveRefusedPassesForTheCodeAtItsStageAndGivesTheExchange()
    {
        await Mail.SendRefusedAsync(server, Mail.Create("app@example.com", "nobody@example.com", "Lost"));

        server.Should().HaveRefused(550, SmtpStage.RcptTo)
            .Which.Command.Should().Be("RCPT TO:<nobody@example.com>");
    }

    [Fact]
    public async Task HaveRefusedWithoutAStagePassesForTheCodeAtAnyStage()
    {
        await Mail.SendRefusedAsync(server, Mail.Create("app@example.com", "nobody@example.com", "Lost"));

        server.Should().HaveRefused(550).Which.Reply.EnhancedStatusCode.Should().Be("5.1.1");
    }

    [Fact]
    public async Task HaveRefusedFailsWhenTheCodeCameAtAnotherStage()
    {
        await Mail.SendRefusedAsync(server, Mail.Create("app@example.com", "nobody@example.com", "Lost"));

        var act = () => server.Should().HaveRefused(550, SmtpStage.MailFrom, "the sender is blocked");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected server to have refused a command with 550 at MailFrom because the sender is blocked, but it did not.",
            "No messages were received.",
            "1 attempt was refused or aborted:",
            Refused));
    }

    [Fact]
    public void HaveRefusedRejectsACodeThatIsNotARefusal()
    {
        var act = () => server.Should().HaveRefused(250);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task AssertionsChainWithAnd()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));
        await Mail.SendRefusedAsync(server, Mail.Create("app@example.com", "nobody@example.com", "Lost"));

        server.Should().HaveReceived(1)
            .And.HaveRefused(550, SmtpStage.RcptTo)
            .And.HaveReceivedMessageTo("alice@example.com")
            .And.NotHaveReceivedMessageTo("nobody@example.com");
    }
}
