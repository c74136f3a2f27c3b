using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpFixture.Interop.Tests.Support;

namespace SmtpFixture.Interop.Tests;

/// <summary>MailKit's ESMTP extensions against the fixture: CHUNKING (BDAT), BINARYMIME and DSN (RFC 3030, RFC 3461).</summary>
public sealed class MailKitTests
{
    // Every byte value, including NUL, bare CR and bare LF, which only BINARYMIME may carry unencoded (RFC 3030 §3).
    private static readonly byte[] BinaryPayload = Enumerable.Range(0, 512).Select(i => (byte)(i % 256)).ToArray();

    [Fact]
    public async Task BdatIsUsedWhenChunkingIsOfferedAndTheClientPrefersIt()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var message = TextMessage("chunked");

        using (var client = new ChunkingSmtpClient())
        {
            await SendAsync(client, server, message);
        }

        var received = await server.WaitForMessageAsync();

        Assert.Empty(Conformance.AssertNoErrors(received));
        var commands = received.Attempt.Exchanges.Select(e => e.Command).ToList();
        Assert.Contains(commands, c => c.StartsWith("BDAT ", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(commands, c => c.Equals("DATA", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("chunked", received.Subject);
        Assert.Equal(ToBytes(message), received.RawData.ToArray());
    }

    [Fact]
    public async Task BinaryPartIsSentWithBdatAndBodyBinaryMimeAndArrivesUnaltered()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var message = BinaryMessage();

        using (var client = new SmtpClient())
        {
            await SendAsync(client, server, message);
        }

        var received = await server.WaitForMessageAsync();

        Assert.Empty(Conformance.AssertNoErrors(received));
        Assert.Equal("BINARYMIME", received.Envelope.Body);
        Assert.Contains(received.Attempt.Exchanges, e => e.Command.StartsWith("BDAT ", StringComparison.OrdinalIgnoreCase));
        Assert.True(received.RawData.Span.IndexOf(BinaryPayload) >= 0, "the binary payload is not in the raw data byte for byte");
        Assert.Equal(ToBytes(message), received.RawData.ToArray());
    }

    [Fact]
    public async Task BinaryPartIsSentWithDataAndNoBinaryMimeWhenChunkingIsHidden()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.AdvertiseChunking = false);

        using (var client = new SmtpClient())
        {
            await SendAsync(client, server, BinaryMessage());
        }

        // Without CHUNKING MailKit must re-encode the binary part; the fixture must not have advertised BINARYMIME.
        var received = await server.WaitForMessageAsync();
        Assert.Empty(Conformance.AssertNoErrors(received));
        Assert.NotEqual("BINARYMIME", received.Envelope.Body);
        Assert.Contains(received.Attempt.Exchanges, e => e.Command.Equals("DATA", StringComparison.OrdinalIgnoreCase));
        var part = Assert.IsType<MimePart>(Assert.Single(received.Message.Attachments));
        Assert.NotEqual(ContentEncoding.Binary, part.ContentTransferEncoding);
        using var decoded = new MemoryStream();
        Assert.NotNull(part.Content);
        await part.Content.DecodeToAsync(decoded);
        Assert.Equal(BinaryPayload, decoded.ToArray());
    }

    [Fact]
    public async Task DsnParametersAreKeptInTheEnvelope()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var message = TextMessage("dsn");
        message.MessageId = "dsn-test-1@example.com";

        using (var client = new DsnSmtpClient { DeliveryStatusNotificationType = DeliveryStatusNotificationType.HeadersOnly })
        {
            await SendAsync(client, server, message);
        }

        var received = await server.WaitForMessageAsync();

        Assert.Empty(Conformance.AssertNoErrors(received));
        Assert.Equal("HDRS", received.Envelope.Ret);
        Assert.Equal("dsn-test-1@example.com", received.Envelope.EnvelopeId);
        var alice = Assert.Single(received.Envelope.RecipientDetails);
        Assert.Equal("alice@example.com", alice.Address);
        Assert.Equal("SUCCESS,FAILURE,DELAY", alice.Notify);
        Assert.Equal("rfc822;alice@example.com", alice.OriginalRecipient);
    }

    private static async Task SendAsync(SmtpClient client, SmtpTestServer server, MimeMessage message)
    {
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);
    }

    private static MimeMessage TextMessage(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.com"));
        message.To.Add(MailboxAddress.Parse("alice@example.com"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Hello\r\n.leading dot\r\n" };
        return message;
    }

    private static MimeMessage BinaryMessage()
    {
        var message = TextMessage("binary");
        var attachment = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(new MemoryStream(BinaryPayload)),
            ContentTransferEncoding = ContentEncoding.Binary,
            FileName = "payload.bin",
        };
        message.Body = new Multipart("mixed") { new TextPart("plain") { Text = "See attached." }, attachment };
        return message;
    }

    private static byte[] ToBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, stream);
        return stream.ToArray();
    }

    /// <summary>A MailKit client that uses BDAT whenever the server offers CHUNKING, not only for binary content.</summary>
    private sealed class ChunkingSmtpClient : SmtpClient
    {
        protected override bool PreferSendAsBinaryData => true;
    }

    /// <summary>A MailKit client that asks for every kind of delivery status notification and sends an ENVID.</summary>
    private sealed class DsnSmtpClient : SmtpClient
    {
        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) =>
            DeliveryStatusNotification.Success | DeliveryStatusNotification.Failure | DeliveryStatusNotification.Delay;

        protected override string GetEnvelopeId(MimeMessage message) => message.MessageId ?? string.Empty;
    }
}
