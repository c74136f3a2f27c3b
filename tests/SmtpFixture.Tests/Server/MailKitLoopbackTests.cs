using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace SmtpFixture.Tests.Server;

/// <summary>MailKit over loopback: envelope, raw bytes and parsed message are what MailKit sent.</summary>
public sealed class MailKitLoopbackTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task MessageIsCapturedByteExact(bool pipelining, bool chunking)
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.AdvertisePipelining = pipelining;
            o.AdvertiseChunking = chunking;
        });
        var message = NewMessage("Byte exact");
        message.Body = new TextPart("plain") { Text = "Line one\r\n.leading dot\r\n..two dots\r\n.\r\nlast line without newline" };

        await SendAsync(server, message);

        var received = await server.WaitForMessageAsync();
        Assert.Equal(MailKitWire.BytesOf(message, international: false), received.RawData.ToArray());
        Assert.Equal("sender@example.com", received.Envelope.MailFrom);
        Assert.Equal(["alice@example.com", "carol@example.com", "hidden@example.com"], received.Envelope.Recipients);
        Assert.Equal("Byte exact", received.Message.Subject);
        Assert.Equal(message.MessageId, received.Message.MessageId);
        Assert.Contains("\n.leading dot\n..two dots\n.\n", received.Message.TextBody?.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains(received.Attempt.Exchanges, e => e.Command == "DATA");
    }

    [Fact]
    public async Task BinaryContentIsSentWithBdatAndCapturedByteExact()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var message = NewMessage("Binary");
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 13)).ToArray();
        message.Body = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(new MemoryStream(bytes)),
            ContentTransferEncoding = ContentEncoding.Binary,
        };

        await SendAsync(server, message);

        var received = await server.WaitForMessageAsync();
        Assert.Equal("BINARYMIME", received.Envelope.Body);
        Assert.Contains(received.Attempt.Exchanges, e => e.Command.StartsWith("BDAT ", StringComparison.Ordinal));
        Assert.Equal(MailKitWire.BytesOf(message, international: false), received.RawData.ToArray());
        using var content = new MemoryStream();
        await Assert.IsType<MimePart>(received.Message.Body).Content!.DecodeToAsync(content);
        Assert.Equal(bytes, content.ToArray());
    }

    [Fact]
    public async Task BccRecipientsAppearInTheEnvelopeOnly()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var message = NewMessage("Bcc");
        await SendAsync(server, message);

        var received = await server.WaitForMessageAsync();
        Assert.Contains("hidden@example.com", received.Envelope.Recipients);
        Assert.Empty(received.Message.Bcc);
        Assert.DoesNotContain("hidden@example.com", Encoding.UTF8.GetString(received.RawData.Span), StringComparison.Ordinal);
        Assert.Equal(["alice@example.com"], received.Message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal(["carol@example.com"], received.Message.Cc.Mailboxes.Select(m => m.Address));
    }

    [Fact]
    public async Task InternationalMessageIsCapturedByteExactWithSmtpUtf8()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Jörg", "jörg@exämple.com"));
        message.To.Add(new MailboxAddress("用户", "用户@例子.广告"));
        message.Subject = "Grüße 👋";
        message.Body = new TextPart("plain") { Text = "Naïve café – 東京\r\n" };

        await SendAsync(server, message);

        var received = await server.WaitForMessageAsync();
        Assert.True(received.Envelope.SmtpUtf8);
        Assert.Equal("jörg@exämple.com", received.Envelope.MailFrom);
        Assert.Equal(["用户@例子.广告"], received.Envelope.Recipients);
        // MailKit uses SMTPUTF8 for the envelope but still encodes the headers (RFC 2047) by default.
        Assert.Equal(MailKitWire.BytesOf(message, international: false), received.RawData.ToArray());
        Assert.Equal("Grüße 👋", received.Message.Subject);
        Assert.Equal("Naïve café – 東京", received.Message.TextBody?.TrimEnd());
    }

    [Fact]
    public async Task MultipartMessageWithAttachmentIsCapturedByteExact()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var message = NewMessage("Invoice");
        var attachment = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31)).ToArray();
        var builder = new BodyBuilder { TextBody = "See attached.", HtmlBody = "<p>See <b>attached</b>.</p>" };
        builder.Attachments.Add("invoice.bin", attachment, new ContentType("application", "octet-stream"));
        message.Body = builder.ToMessageBody();

        await SendAsync(server, message);

        var received = await server.WaitForMessageAsync();
        Assert.Equal(MailKitWire.BytesOf(message, international: false), received.RawData.ToArray());
        var part = Assert.IsType<MimePart>(Assert.Single(received.Message.Attachments));
        using var content = new MemoryStream();
        await part.Content!.DecodeToAsync(content);
        Assert.Equal(attachment, content.ToArray());
    }

    [Fact]
    public async Task SeveralMessagesOnOneConnectionAreEachCaptured()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var client = new SmtpClient();
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        var sent = new List<MimeMessage>();
        for (var i = 0; i < 5; i++)
        {
            var message = NewMessage("Message " + i);
            await client.SendAsync(message);
            sent.Add(message);
        }

        await client.DisconnectAsync(true);
        var received = await server.WaitForMessagesAsync(5);
        Assert.Equal(sent.Select(m => m.Subject), received.Select(m => m.Subject));
        Assert.Single(received.Select(m => m.Session.SessionId).Distinct());
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(MailKitWire.BytesOf(sent[i], international: false), received[i].RawData.ToArray());
        }
    }

    [Fact]
    public async Task QueueIdReturnedToMailKitIsTheMessageId()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var client = new SmtpClient();
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        var response = await client.SendAsync(NewMessage("Queue id"));
        await client.DisconnectAsync(true);
        var received = await server.WaitForMessageAsync();
        Assert.Equal("2.0.0 OK queued as " + received.Id, response);
    }

    [Fact]
    public async Task MailKitClientNameIsRecorded()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var client = new SmtpClient { LocalDomain = "app.example" };
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        await client.SendAsync(NewMessage("Name"));
        await client.DisconnectAsync(true);
        var received = await server.WaitForMessageAsync();
        Assert.Equal("app.example", received.Session.ClientName);
        Assert.True(received.Session.IsExtended);
        Assert.Equal(server.EndPoint, received.Session.LocalEndPoint);
    }

    internal static MimeMessage NewMessage(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.com"));
        message.To.Add(MailboxAddress.Parse("alice@example.com"));
        message.Cc.Add(MailboxAddress.Parse("carol@example.com"));
        message.Bcc.Add(MailboxAddress.Parse("hidden@example.com"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Hello " + subject + "\r\n" };
        return message;
    }

    private static async Task SendAsync(SmtpTestServer server, MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }
}
