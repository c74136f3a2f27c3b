using System.Text;

namespace SmtpFixture.Tests.Protocol;

/// <summary>CHUNKING (RFC 3030): BDAT chunks are exact octet counts, concatenated without transparency.</summary>
public sealed class BdatTests
{
    [Fact]
    public async Task SeveralChunksAreConcatenated()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.SendAsync("BDAT 14\r\nSubject: abc\r\n");
        Assert.Equal("250 2.0.0 14 octets received", await smtp.ReadReplyAsync());
        await smtp.SendAsync("BDAT 2\r\n\r\n");
        Assert.Equal("250 2.0.0 16 octets received", await smtp.ReadReplyAsync());
        await smtp.SendAsync("BDAT 10 LAST\r\n.\r\nbody\r\n.");
        var final = await smtp.ReadReplyAsync();
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal("250 2.0.0 OK queued as " + message.Id, final);
        Assert.Equal("Subject: abc\r\n\r\n.\r\nbody\r\n.", Encoding.ASCII.GetString(message.RawData.Span));
        Assert.Equal("abc", message.Subject);
    }

    [Fact]
    public async Task PipelinedChunksGetOneReplyEach()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.SendAsync("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nBDAT 3\r\nabcBDAT 3\r\ndefBDAT 0 LAST\r\n");
        var replies = await smtp.ReadRepliesAsync(5);
        Assert.Equal(["250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "250 2.0.0 3 octets received", "250 2.0.0 6 octets received"], replies[..4]);
        Assert.StartsWith("250 2.0.0 OK queued as ", replies[4]);
        Assert.Equal("abcdef", Encoding.ASCII.GetString(Assert.Single(smtp.Store.Messages).RawData.Span));
    }

    [Fact]
    public async Task BinaryMimeContentIsKeptByteExact()
    {
        var content = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray();
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com> BODY=BINARYMIME");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.SendAsync("BDAT 4096 LAST\r\n");
        await smtp.SendAsync(content);
        Assert.StartsWith("250 2.0.0 OK queued as", await smtp.ReadReplyAsync());
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal(content, message.RawData.ToArray());
        Assert.Equal("BINARYMIME", message.Envelope.Body);
    }

    [Fact]
    public async Task EmptyLastChunkEndsTheMessage()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        Assert.StartsWith("250 2.0.0 OK queued as", await smtp.CommandAsync("BDAT 0 LAST"));
        Assert.Empty(Assert.Single(smtp.Store.Messages).RawData.ToArray());
    }

    [Fact]
    public async Task RsetBetweenChunksAbortsTheMessage()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.SendAsync("BDAT 3\r\nabc");
        await smtp.ReadReplyAsync();
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("RSET"));
        Assert.Equal("503 5.5.1 Need MAIL before this command", await smtp.CommandAsync("BDAT 0 LAST"));
        Assert.Empty(smtp.Store.Messages);
        Assert.Equal(SmtpAttemptOutcome.Aborted, smtp.Store.Attempts[0].Outcome);
    }

    [Fact]
    public async Task TheChunkOfARefusedBdatIsNotReadAsCommands()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.SendAsync("BDAT 12\r\nQUIT\r\nQUIT\r\nNOOP\r\n");
        Assert.Equal(["503 5.5.1 Need MAIL before this command", "250 2.0.0 OK"], await smtp.ReadRepliesAsync(2));
    }
}
