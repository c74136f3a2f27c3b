using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.Cryptography;
using SmtpFixture.Dkim;

namespace SmtpFixture.Tests.Dkim;

/// <summary>Messages signed by MimeKit's DkimSigner (or not) and sent through MailKit, as an application under test would.</summary>
internal static class SignedMail
{
    public static MimeMessage New(string from = "noreply@example.com", string body = "Hello Alice,\r\n\r\nyour order has shipped.\r\n")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("alice@example.org"));
        message.Subject = "Your order";
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    /// <summary>
    /// Signs after preparing for 7-bit transport, so that MailKit's own Prepare when sending finds nothing to
    /// re-encode: the bytes on the wire are the bytes that were signed.
    /// </summary>
    public static MimeMessage Sign(
        MimeMessage message,
        SmtpDkimKey key,
        DkimCanonicalizationAlgorithm header = DkimCanonicalizationAlgorithm.Relaxed,
        DkimCanonicalizationAlgorithm body = DkimCanonicalizationAlgorithm.Relaxed,
        TimeSpan? expireAfter = null)
    {
        message.Prepare(EncodingConstraint.SevenBit);
        var signer = key.CreateSigner();
        signer.HeaderCanonicalizationAlgorithm = header;
        signer.BodyCanonicalizationAlgorithm = body;
        if (expireAfter is { } expiry)
        {
            signer.SignaturesExpireAfter = expiry;
        }

        signer.Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
        return message;
    }

    public static async Task<ReceivedMessage> SendAsync(SmtpTestServer server, MimeMessage message)
    {
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
        }

        // By Message-ID: a test may send several messages to one server.
        return await server.WaitForMessageAsync(m => m.Message.MessageId == message.MessageId);
    }
}
