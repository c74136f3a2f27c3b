using MailKit.Net.Smtp;
using MimeKit;

namespace SmtpFixture.Cli.Tests;

/// <summary>The message event's subject is read from the header section alone: decoded and unfolded as MimeKit reads it.</summary>
public sealed class MessageEventSubjectTests
{
    [Fact]
    public async Task EncodedFoldedAndMissingSubjectsAreReportedAsMimeKitReadsThem()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();
        // Non-ASCII goes out RFC 2047-encoded; a subject this long is folded over several header lines.
        var encoded = "Grüße aus Köln — Rechnung 42";
        var folded = string.Join(' ', Enumerable.Repeat("a long subject that has to be folded", 5));
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
            foreach (var subject in new[] { encoded, folded, null })
            {
                var message = new MimeMessage([MailboxAddress.Parse("a@example.com")], [MailboxAddress.Parse("b@example.com")], string.Empty, new TextPart("plain") { Text = "Hi" });
                message.Headers.Remove(HeaderId.Subject);
                if (subject is not null)
                {
                    message.Subject = subject;
                }

                await client.SendAsync(message);
            }

            await client.DisconnectAsync(true);
        }

        Assert.Equal(encoded, (await cli.ReadEventAsync("message")).GetProperty("subject").GetString());
        Assert.Equal(folded, (await cli.ReadEventAsync("message")).GetProperty("subject").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await cli.ReadEventAsync("message")).GetProperty("subject").ValueKind);
    }
}
