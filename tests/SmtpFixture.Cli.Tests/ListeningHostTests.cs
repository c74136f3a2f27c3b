using System.Text.Json;
using MailKit.Net.Smtp;
using MimeKit;

namespace SmtpFixture.Cli.Tests;

/// <summary>Bound to every interface, the tool still reports an address a client can connect to.</summary>
public sealed class ListeningHostTests
{
    [Fact]
    public async Task WithHostStarTheListeningEventGivesLoopbackAndAClientCanSendThere()
    {
        await using var cli = CliProcess.Start("--host", "*", "--port", "0", "--json");

        var listening = await cli.ReadEventAsync("listening");
        var host = listening.GetProperty("host").GetString()!;
        var port = listening.GetProperty("port").GetInt32();
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(host, port, MailKit.Security.SecureSocketOptions.None);
            await client.SendAsync(new MimeMessage([MailboxAddress.Parse("a@example.com")], [MailboxAddress.Parse("b@example.com")], "star", new TextPart("plain") { Text = "Hi" }));
            await client.DisconnectAsync(true);
        }

        Assert.Equal("127.0.0.1", host);
        Assert.Equal("star", (await cli.ReadEventAsync("message")).GetProperty("subject").GetString());
    }
}
