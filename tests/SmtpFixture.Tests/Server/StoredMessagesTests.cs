using System.Text;

namespace SmtpFixture.Tests.Server;

/// <summary>The store keeps every message unless <c>MaxStoredMessages</c> bounds it.</summary>
public sealed class StoredMessagesTests
{
    [Fact]
    public async Task TheStoreKeepsAllMessagesByDefault()
    {
        Assert.Equal(0, new SmtpTestServerOptions().MaxStoredMessages);
        await using var smtp = await InMemorySmtp.StartAsync();
        await SendAsync(smtp, 5);
        Assert.Equal(5, smtp.Store.Messages.Count);
        Assert.Equal(0, smtp.Store.EvictedCount);
    }

    [Fact]
    public async Task WithMaxStoredMessagesTheOldestAreEvictedAndCounted()
    {
        var server = await SmtpTestServer.StartAsync(o => o.MaxStoredMessages = 3);
        await using (server)
        {
            using var client = await RawSmtpClient.ConnectAsync(server);
            await client.ReadReplyAsync();
            await client.CommandAsync("EHLO client.example");
            for (var i = 1; i <= 5; i++)
            {
                await client.CommandAsync("MAIL FROM:<a@example.com>");
                await client.CommandAsync("RCPT TO:<b@example.com>");
                await client.CommandAsync("DATA");
                Assert.StartsWith("250 ", await client.CommandAsync($"Subject: m{i}\r\n\r\nbody\r\n."));
            }

            // Waiting for the fifth message still works: the count is of messages received, not kept.
            await server.WaitForMessagesAsync(5);
            Assert.Equal(["m3", "m4", "m5"], server.Messages.Select(m => m.Subject));
            Assert.Equal(2, server.EvictedMessageCount);
        }
    }

    private static async Task SendAsync(InMemorySmtp smtp, int count)
    {
        await smtp.CommandAsync("EHLO client.example");
        var batch = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            batch.Append("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n");
            batch.Append("Subject: m").Append(i).Append("\r\n\r\nbody\r\n.\r\n");
        }

        await smtp.SendAsync(batch.ToString());
        for (var i = 0; i < count * 4; i++)
        {
            Assert.Matches("^(250|354) ", await smtp.ReadReplyAsync());
        }
    }
}
