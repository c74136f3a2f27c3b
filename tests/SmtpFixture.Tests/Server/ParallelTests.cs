using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace SmtpFixture.Tests.Server;

/// <summary>Many clients and many servers at once in one process.</summary>
public sealed class ParallelTests
{
    [Fact]
    public async Task FiftyClientsSendingTwentyMessagesEachAreAllCapturedByteExactOnce()
    {
        const int clients = 50;
        const int perClient = 20;
        await using var server = await SmtpTestServer.StartAsync();
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, byte[]>();

        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            using var client = new SmtpClient();
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            for (var m = 0; m < perClient; m++)
            {
                var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse($"client{c}@example.com"));
                message.To.Add(MailboxAddress.Parse($"to{m}@example.com"));
                message.Subject = $"c{c}m{m}";
                message.Body = new TextPart("plain") { Text = $"Message {m} from client {c}\r\n.dot line\r\n" + new string('x', c * 50) };
                await client.SendAsync(message);
                Assert.True(sent.TryAdd(message.Subject, MailKitWire.BytesOf(message, international: false)));
            }

            await client.DisconnectAsync(true);
        })));

        var received = await server.WaitForMessagesAsync(clients * perClient, TimeSpan.FromSeconds(60));
        Assert.Equal(clients * perClient, received.Count);
        Assert.Equal(clients * perClient, received.Select(m => m.Id).Distinct().Count());
        Assert.Equal(clients * perClient, received.Select(m => m.Subject).Distinct().Count());
        foreach (var message in received)
        {
            var subject = message.Subject!;
            Assert.True(sent[subject].AsSpan().SequenceEqual(message.RawData.Span), $"{subject} differs");
            Assert.StartsWith($"client{subject[1..subject.IndexOf('m', StringComparison.Ordinal)]}@", message.Envelope.MailFrom, StringComparison.Ordinal);
        }

        Assert.All(server.Attempts, a => Assert.Equal(SmtpAttemptOutcome.Accepted, a.Outcome));
    }

    [Fact]
    public async Task TwentyServersStartedInParallelEachReceiveOnlyTheirOwnMail()
    {
        var servers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => SmtpTestServer.StartAsync()));
        try
        {
            Assert.Equal(20, servers.Select(s => s.Port).Distinct().Count());
            await Task.WhenAll(servers.Select((server, i) => Task.Run(async () =>
            {
                using var client = new SmtpClient();
                await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
                for (var m = 0; m < 3; m++)
                {
                    var message = new MimeMessage();
                    message.From.Add(MailboxAddress.Parse("sender@example.com"));
                    message.To.Add(MailboxAddress.Parse($"server{i}@example.com"));
                    message.Subject = $"for {i} #{m}";
                    message.Body = new TextPart("plain") { Text = "x" };
                    await client.SendAsync(message);
                }

                await client.DisconnectAsync(true);
            })));

            for (var i = 0; i < servers.Length; i++)
            {
                var messages = await servers[i].WaitForMessagesAsync(3);
                Assert.Equal(3, messages.Count);
                Assert.All(messages, m => Assert.Equal([$"server{i}@example.com"], m.Envelope.Recipients));
                Assert.Equal([$"for {i} #0", $"for {i} #1", $"for {i} #2"], messages.Select(m => m.Subject));
            }
        }
        finally
        {
            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask()));
        }
    }
}
