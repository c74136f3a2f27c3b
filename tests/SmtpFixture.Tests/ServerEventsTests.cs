using MailKit.Net.Smtp;
using MimeKit;

namespace SmtpFixture.Tests;

public sealed class ServerEventsTests
{
    [Fact]
    public async Task MessageReceivedIsRaisedWithTheStoredMessage()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var raised = new TaskCompletionSource<ReceivedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.MessageReceived += (_, e) => raised.TrySetResult(e.Message);

        await SendAsync(server, "alice@example.com");

        var message = await raised.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Same(Assert.Single(server.Messages), message);
        Assert.Equal(["alice@example.com"], message.Envelope.Recipients);
    }

    [Fact]
    public async Task CommandRefusedIsRaisedForARefusalInsideATransaction()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var refused = new List<SmtpCommandRefusedEventArgs>();
        server.CommandRefused += (_, e) => { lock (refused) { refused.Add(e); } };

        var replies = await ConverseAsync(server, "EHLO client.example", "MAIL FROM:<a@example.com>", "MAIL FROM:<b@example.com>", "QUIT");

        Assert.StartsWith("503", replies[2]);
        var args = Assert.Single(refused);
        Assert.Equal(SmtpStage.MailFrom, args.Exchange.Stage);
        Assert.Equal("MAIL FROM:<b@example.com>", args.Exchange.Command);
        Assert.Equal(503, args.Exchange.Reply.Code);
        Assert.Equal("client.example", args.Session.ClientName);
    }

    [Fact]
    public async Task CommandRefusedIsRaisedForAnUnknownCommandOutsideATransaction()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var refused = new List<SmtpExchange>();
        server.CommandRefused += (_, e) => { lock (refused) { refused.Add(e.Exchange); } };

        var replies = await ConverseAsync(server, "EHLO client.example", "FROB", "QUIT");

        Assert.StartsWith("500", replies[1]);
        Assert.Equal("FROB", Assert.Single(refused).Command);
    }

    [Fact]
    public async Task AThrowingMessageReceivedHandlerDoesNotLoseTheMessageAndIsReported()
    {
        var server = await SmtpTestServer.StartAsync();
        server.MessageReceived += (_, _) => throw new InvalidOperationException("handler broke");

        await SendAsync(server, "alice@example.com");

        Assert.Single(server.Messages);
        await server.DisposeAsync();
        var error = Assert.Throws<SmtpPolicyException>(server.ThrowIfFaulted);
        Assert.Contains("handler broke", error.InnerExceptions[0].Message, StringComparison.Ordinal);
    }

    private static async Task SendAsync(SmtpTestServer server, string to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.com"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Events";
        message.Body = new TextPart("plain") { Text = "Hi" };
        using var client = new SmtpClient();
        await client.ConnectAsync(server.Host, server.Port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    /// <summary>Sends each command and reads its reply, after reading the greeting.</summary>
    private static async Task<List<string>> ConverseAsync(SmtpTestServer server, params string[] commands)
    {
        await using var client = await RawSmtpClient.ConnectAsync(server);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        var replies = new List<string>();
        foreach (var command in commands)
        {
            replies.Add(await client.CommandAsync(command));
        }

        return replies;
    }
}
