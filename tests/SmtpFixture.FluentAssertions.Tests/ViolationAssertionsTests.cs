using FluentAssertions;
using MimeKit;
using SmtpFixture.Checks;
using Xunit.Sdk;
using static SmtpFixture.FluentAssertions.Tests.Text;

namespace SmtpFixture.FluentAssertions.Tests;

public sealed class ViolationAssertionsTests : IAsyncLifetime
{
    private SmtpTestServer server = null!;

    public async Task InitializeAsync() => server = await SmtpTestServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task HaveNoViolationsPassesForAWellFormedMessage()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome", html: "<p>Welcome</p>"));

        server.Should().HaveNoViolations();
        server.Messages[0].Should().HaveNoViolations();
    }

    [Fact]
    public async Task HaveNoViolationsFailsListingEachViolationWithItsReferenceAndOffendingLine()
    {
        var message = Mail.Create("app@example.com", "alice@example.com", "Welcome");
        message.Headers.Replace(HeaderId.Date, "yesterday");
        await Mail.SendAsync(server, message);

        var act = () => server.Should().HaveNoViolations("the app sends valid mail");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected server to have no violations because the app sends valid mail, but found 1:",
            "  - Error malformed-date (RFC 5322 §3.3) in S*, message *, header Date: The Date field does not follow the RFC 5322 date-time grammar, e.g. \"Mon, 7 Dec 2026 10:00:00 +0000\". Offending line: \"Date: yesterday\""));
    }

    [Fact]
    public async Task TheMessageAssertionGivesTheSameTextAsDescribe()
    {
        var message = Mail.Create("app@example.com", "alice@example.com", "Welcome");
        message.Headers.Remove(HeaderId.Date);
        await Mail.SendAsync(server, message);
        var received = server.Messages[0];

        var act = () => received.Should().HaveNoViolations();

        var line = $"  - Error missing-date (RFC 5322 §3.6) in {received.Session.SessionId}, message {received.Id}, header: Every message has a Date header field.";
        act.Should().Throw<XunitException>().Which.Message.Should().Be(Lines("Expected message to have no violations, but found 1:", line));
        server.Describe().Should().EndWith(Lines("1 violation:", line));
    }

    [Fact]
    public async Task HaveNoViolationsWithAMinimumSeverityIgnoresLesserOnes()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome", text: null!, html: "<p>Only HTML</p>"));

        server.Should().HaveNoViolations(SmtpViolationSeverity.Warning);
        var act = () => server.Should().HaveNoViolations(SmtpViolationSeverity.Info);
        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected server to have no violations, but found 1:",
            "  - Info html-without-text (RFC 2046 §5.1.4) in S*, message *, body: The message has an HTML body and no text/plain alternative."));
    }

    [Fact]
    public async Task HaveViolationGivesTheViolation()
    {
        var message = Mail.Create("app@example.com", "alice@example.com", "Welcome");
        message.Headers.Remove(HeaderId.MessageId);
        await Mail.SendAsync(server, message);

        server.Messages[0].Should().HaveViolation(SmtpRules.MissingMessageId).Which.Severity.Should().Be(SmtpViolationSeverity.Warning);
        server.Should().HaveViolation("missing-message-id").Which.Reference.Should().Be("RFC 5322 §3.6.4");
    }

    [Fact]
    public async Task HaveViolationFailsSayingWhatWasFoundInstead()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "alice@example.com", "Welcome"));

        var act = () => server.Messages[0].Should().HaveViolation(SmtpRules.BareLineEnding, "the client is known to send bare LF");

        act.Should().Throw<XunitException>().WithMessage(
            "Expected message to have a violation of bare-line-ending because the client is known to send bare LF, but found none.");
    }

    [Fact]
    public void HaveViolationRefusesAnUnknownRule()
    {
        var act = () => server.Should().HaveViolation("bare-lf");

        act.Should().Throw<ArgumentException>().WithMessage("Unknown rule 'bare-lf'. Rules: bare-line-ending, *");
    }
}
