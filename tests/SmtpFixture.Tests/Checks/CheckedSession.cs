namespace SmtpFixture.Tests.Checks;

/// <summary>Sends one message over an in-memory session, as a raw client: the bytes given are the bytes sent.</summary>
internal static class CheckedSession
{
    /// <summary>Sends <paramref name="content"/> (dot-stuffed by the caller, ending in CRLF) with DATA; returns the final reply and the server's store.</summary>
    public static async Task<(string Reply, MessageStore Store)> SendAsync(
        string content, string mailParameters = "", Action<SmtpTestServerOptions>? configure = null, params string[] recipients)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(configure);
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<alice@example.com>" + mailParameters));
        foreach (var recipient in recipients.Length == 0 ? ["bob@example.com"] : recipients)
        {
            Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<" + recipient + ">"));
        }

        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        var reply = await smtp.CommandAsync(content + ".");
        Assert.StartsWith("221", await smtp.CommandAsync("QUIT"));
        return (reply, smtp.Store);
    }

    /// <summary>Sends <paramref name="content"/> and returns the message the server accepted.</summary>
    public static async Task<ReceivedMessage> AcceptedAsync(string content, string mailParameters = "", Action<SmtpTestServerOptions>? configure = null, params string[] recipients)
    {
        var (reply, store) = await SendAsync(content, mailParameters, configure, recipients);
        Assert.StartsWith("250 2.0.0", reply);
        return Assert.Single(store.Messages);
    }
}
