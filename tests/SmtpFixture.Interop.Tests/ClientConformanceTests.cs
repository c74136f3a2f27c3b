using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpFixture.Checks;
using SmtpFixture.Interop.Tests.Support;

namespace SmtpFixture.Interop.Tests;

/// <summary>
/// No false positives: what real clients send breaks no Error rule of the checks, and the warnings each one triggers
/// are pinned here, with why they are right. The session is checked to its end (the server is disposed first), so
/// session rules such as no-quit count too.
/// </summary>
public sealed class ClientConformanceTests
{
    private static readonly byte[] Pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray();

    public static TheoryData<string> MailKitCases => ["plain", "html+text", "attachment", "utf8-subject", "smtputf8", "bdat"];

    [Theory]
    [MemberData(nameof(MailKitCases))]
    public async Task MailKitBreaksNoRule(string kind)
    {
        var server = await SmtpTestServer.StartAsync();
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@example.com"));
        message.To.Add(kind == "smtputf8" ? new MailboxAddress("Jörg", "jörg@bücher.example") : new MailboxAddress("Alice", "alice@example.com"));
        message.Subject = kind is "utf8-subject" or "smtputf8" ? "Grüße aus Köln" : "Hello";
        var body = new BodyBuilder { TextBody = "Hello Alice,\r\n.a line with a leading dot\r\n" };
        if (kind == "html+text")
        {
            body.HtmlBody = "<p>Hello Alice</p>";
        }

        if (kind == "attachment")
        {
            body.Attachments.Add("invoice.pdf", Pdf, new ContentType("application", "pdf"));
        }

        message.Body = body.ToMessageBody();
        using (var client = kind == "bdat" ? new ChunkingSmtpClient() : new SmtpClient())
        {
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            await client.SendAsync(message);
            await client.DisconnectAsync(quit: true);
        }

        var received = await server.WaitForMessageAsync();
        await server.DisposeAsync();
        Assert.Empty(Conformance.AssertNoErrors(received));
        Assert.Empty(server.Violations);
        if (kind == "bdat")
        {
            Assert.Contains(received.Attempt.Exchanges, e => e.Command.StartsWith("BDAT ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SystemNetMailBreaksNoRule()
    {
        var server = await SmtpTestServer.StartAsync();
        using (var client = new System.Net.Mail.SmtpClient(server.Host, server.Port))
        {
            using var message = new System.Net.Mail.MailMessage("sender@example.com", "alice@example.com", "Grüße", "Hello Alice");
            message.AlternateViews.Add(System.Net.Mail.AlternateView.CreateAlternateViewFromString("<p>Hello Alice</p>", null, "text/html"));
            message.Attachments.Add(new System.Net.Mail.Attachment(new MemoryStream(Pdf), "invoice.pdf", "application/pdf"));
            await client.SendMailAsync(message);
        }

        var received = await server.WaitForMessageAsync();
        await server.DisposeAsync();

        // System.Net.Mail writes no Message-ID (RFC 5322 §3.6.4 says SHOULD): a true warning.
        Assert.Equal([SmtpRules.MissingMessageId], Conformance.AssertNoErrors(received));
        Assert.Equal([SmtpRules.MissingMessageId], server.Violations.Select(v => v.Rule));
    }

    /// <summary>A MailKit client that uses BDAT whenever the server offers CHUNKING, not only for binary content.</summary>
    private sealed class ChunkingSmtpClient : SmtpClient
    {
        protected override bool PreferSendAsBinaryData => true;
    }
}
