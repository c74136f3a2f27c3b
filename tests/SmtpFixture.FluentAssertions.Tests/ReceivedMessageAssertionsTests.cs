using System.Text;
using FluentAssertions;
using FluentAssertions.Execution;
using MimeKit;
using Xunit.Sdk;
using static SmtpFixture.FluentAssertions.Tests.Text;

namespace SmtpFixture.FluentAssertions.Tests;

public sealed class ReceivedMessageAssertionsTests : IAsyncLifetime
{
    private const string Footer = "The message: *: <bounce@example.com> -> <alice@example.com>, <audit@example.com> \"Your invoice\" (* bytes)";

    private SmtpTestServer server = null!;
    private ReceivedMessage message = null!;

    public async Task InitializeAsync()
    {
        server = await SmtpTestServer.StartAsync();
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse("billing@example.com"));
        mime.To.Add(MailboxAddress.Parse("alice@example.com"));
        mime.Bcc.Add(MailboxAddress.Parse("audit@example.com"));
        mime.Subject = "Your invoice";
        mime.Headers.Add("X-Tenant", "acme");
        var body = new BodyBuilder { TextBody = "Total: 42 EUR", HtmlBody = "<p>Total: <b>42 EUR</b></p>" };
        body.Attachments.Add("invoice.pdf", Encoding.ASCII.GetBytes("%PDF-1.4"), new ContentType("application", "pdf"));
        mime.Body = body.ToMessageBody();

        // The envelope sender differs from the From header, as with a bounce address.
        await Mail.SendAsync(server, mime, MailboxAddress.Parse("bounce@example.com"), mime.To.Mailboxes.Concat(mime.Bcc.Mailboxes));
        message = server.Messages.Single();
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public void BeFromComparesTheEnvelopeSenderWithTheDomainWithoutCase()
    {
        message.Should().BeFrom("bounce@EXAMPLE.com");
    }

    [Fact]
    public void BeFromFailsShowingTheEnvelopeSenderAndTheFromHeader()
    {
        var act = () => message.Should().BeFrom("billing@example.com", "replies go to {0}", "billing");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected message to be from <billing@example.com> (envelope MAIL FROM) because replies go to billing, but it was from <bounce@example.com> (header From: billing@example.com).",
            Footer));
    }

    [Fact]
    public void BeFromComparesTheLocalPartExactly()
    {
        var act = () => message.Should().BeFrom("BOUNCE@example.com");

        act.Should().Throw<XunitException>().WithMessage("Expected message to be from <BOUNCE@example.com> (envelope MAIL FROM), but it was from <bounce@example.com>*");
    }

    [Fact]
    public void HaveEnvelopeRecipientFindsABccRecipient()
    {
        message.Should().HaveEnvelopeRecipient("audit@example.com").Which.Address.Should().Be("audit@example.com");
    }

    [Fact]
    public void HaveEnvelopeRecipientFailsListingTheRecipients()
    {
        var act = () => message.Should().HaveEnvelopeRecipient("bob@example.com", "bob is the account owner");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected message to have envelope recipient <bob@example.com> (RCPT TO) because bob is the account owner, but its recipients were <alice@example.com>, <audit@example.com>.",
            Footer));
    }

    [Fact]
    public void HaveSubjectPassesForTheExactSubject()
    {
        message.Should().HaveSubject("Your invoice").And.BeFrom("bounce@example.com");
    }

    [Fact]
    public void HaveSubjectFailsShowingTheActualSubject()
    {
        var act = () => message.Should().HaveSubject("Your receipt");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected message to have subject \"Your receipt\", but it was \"Your invoice\".",
            Footer));
    }

    [Fact]
    public void HaveTextBodyContainingPassesForTextInThePlainBody()
    {
        message.Should().HaveTextBodyContaining("42 EUR");
    }

    [Fact]
    public void HaveTextBodyContainingFailsShowingTheBody()
    {
        var act = () => message.Should().HaveTextBodyContaining("43 EUR");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected message to have a text body containing \"43 EUR\", but it was \"Total: 42 EUR*\".",
            Footer));
    }

    [Fact]
    public void HaveHtmlBodyContainingPassesForMarkupInTheHtmlBody()
    {
        message.Should().HaveHtmlBodyContaining("<b>42 EUR</b>");
    }

    [Fact]
    public async Task HaveHtmlBodyContainingFailsWhenThereIsNoHtmlBody()
    {
        await Mail.SendAsync(server, Mail.Create("app@example.com", "carol@example.com", "Plain"));
        var plain = server.Messages[^1];

        var act = () => plain.Should().HaveHtmlBodyContaining("<p>", "the template is HTML");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected plain to have an HTML body containing \"<p>\" because the template is HTML, but it has no text/html body.",
            "The message: *: <app@example.com> -> <carol@example.com> \"Plain\" (* bytes)"));
    }

    [Fact]
    public void HaveHeaderPassesForAnExistingHeaderWithoutCase()
    {
        message.Should().HaveHeader("x-tenant");
    }

    [Fact]
    public void HaveHeaderWithAValueGivesTheHeader()
    {
        message.Should().HaveHeader("X-Tenant", "acme").Which.Field.Should().Be("X-Tenant");
    }

    [Fact]
    public void HaveHeaderFailsWhenTheHeaderIsMissing()
    {
        var act = () => message.Should().HaveHeader("List-Unsubscribe");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected message to have header \"List-Unsubscribe\", but it has no such header.",
            Footer));
    }

    [Fact]
    public void HaveHeaderFailsShowingTheActualValue()
    {
        var act = () => message.Should().HaveHeader("X-Tenant", "globex");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected message to have header \"X-Tenant\" with value \"globex\", but its value was \"acme\".",
            Footer));
    }

    [Fact]
    public void HaveAttachmentGivesThePartForFurtherAssertions()
    {
        message.Should().HaveAttachment("invoice.pdf").Which.ContentType.MimeType.Should().Be("application/pdf");
    }

    [Fact]
    public void HaveAttachmentFailsListingTheAttachments()
    {
        var act = () => message.Should().HaveAttachment("receipt.pdf", "the order was paid");

        act.Should().Throw<XunitException>().WithMessage(Lines(
            "Expected message to have an attachment named \"receipt.pdf\" because the order was paid, but it has \"invoice.pdf\".",
            Footer));
    }

    [Fact]
    public void FailuresInsideAnAssertionScopeAreReportedTogether()
    {
        var act = () =>
        {
            using var scope = new AssertionScope();
            message.Should().HaveSubject("Your receipt");
            message.Should().HaveAttachment("receipt.pdf");
        };

        act.Should().Throw<XunitException>()
            .WithMessage("*to have subject \"Your receipt\"*to have an attachment named \"receipt.pdf\"*");
    }
}
