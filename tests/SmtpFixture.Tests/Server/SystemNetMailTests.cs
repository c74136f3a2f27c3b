using System.Net.Mail;
using System.Text;

namespace SmtpFixture.Tests.Server;

/// <summary>System.Net.Mail.SmtpClient over loopback (it speaks EHLO without pipelining and always uses DATA).</summary>
public sealed class SystemNetMailTests
{
    [Fact]
    public async Task MessageIsCapturedWithEnvelopeAndContent()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using (var client = new SmtpClient(server.Host, server.Port))
        using (var mail = new MailMessage("sender@example.com", "alice@example.com"))
        {
            mail.CC.Add("carol@example.com");
            mail.Bcc.Add("hidden@example.com");
            mail.Subject = "From System.Net.Mail";
            mail.Body = "First line\r\n.leading dot\r\nLast line";
            await client.SendMailAsync(mail);
        }

        var received = await server.WaitForMessageAsync();
        Assert.Equal("sender@example.com", received.Envelope.MailFrom);
        Assert.Equal(["alice@example.com", "carol@example.com", "hidden@example.com"], received.Envelope.Recipients.Order());
        Assert.Equal("From System.Net.Mail", received.Message.Subject);
        Assert.Equal("First line\r\n.leading dot\r\nLast line", received.Message.TextBody?.ReplaceLineEndings("\r\n").TrimEnd());
        Assert.Equal(["alice@example.com"], received.Message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal(["carol@example.com"], received.Message.Cc.Mailboxes.Select(m => m.Address));
        Assert.Empty(received.Message.Bcc);
        Assert.DoesNotContain("hidden@example.com", Encoding.ASCII.GetString(received.RawData.Span), StringComparison.Ordinal);
        Assert.EndsWith("\r\n", Encoding.ASCII.GetString(received.RawData.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonAsciiContentIsCapturedAndDecoded()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using (var client = new SmtpClient(server.Host, server.Port))
        using (var mail = new MailMessage("sender@example.com", "alice@example.com"))
        {
            mail.Subject = "Grüße";
            mail.Body = "Naïve café – 東京";
            mail.BodyEncoding = Encoding.UTF8;
            mail.SubjectEncoding = Encoding.UTF8;
            await client.SendMailAsync(mail);
        }

        var received = await server.WaitForMessageAsync();
        Assert.Equal("Grüße", received.Message.Subject);
        Assert.Equal("Naïve café – 東京", received.Message.TextBody?.TrimEnd());
    }

    [Fact]
    public async Task RefusedRecipientSurfacesAsSmtpFailedRecipientException()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.MaxRecipients = 1);
        using var client = new SmtpClient(server.Host, server.Port);
        using var mail = new MailMessage("sender@example.com", "alice@example.com");
        mail.To.Add("bob@example.com");
        mail.Subject = "Too many";
        var error = await Assert.ThrowsAnyAsync<SmtpFailedRecipientException>(() => client.SendMailAsync(mail));
        Assert.Equal(SmtpStatusCode.InsufficientStorage, error.StatusCode);
        Assert.Contains(server.Attempts.SelectMany(a => a.Exchanges), e => e.Reply.Code == 452 && e.Command.Contains("bob@example.com", StringComparison.Ordinal));
    }
}
