using System.Text;

namespace SmtpFixture.Tests.Protocol;

/// <summary>
/// Pipelining (RFC 2920): replies in order, one flush per batch, and the same result wherever TCP splits the input.
/// </summary>
public sealed class PipeliningTests
{
    private const string Transaction =
        "EHLO client.example\r\n" +
        "MAIL FROM:<a@example.com> SIZE=60\r\n" +
        "RCPT TO:<b@example.com>\r\n" +
        "RCPT TO:<c@example.com> NOTIFY=NEVER\r\n" +
        "DATA\r\n" +
        "Subject: split\r\n" +
        "\r\n" +
        "..dot\r\n" +
        "line\r\n" +
        ".\r\n" +
        "QUIT\r\n";

    private const string Chunked =
        "EHLO client.example\r\n" +
        "MAIL FROM:<a@example.com> BODY=BINARYMIME\r\n" +
        "RCPT TO:<b@example.com>\r\n" +
        "BDAT 9\r\n" +
        "Subject: " +
        "BDAT 14 LAST\r\n" +
        "x\r\n\r\n.\r\nbin\0\r\n" +
        "QUIT\r\n";

    [Fact]
    public async Task RepliesToAPipelinedBatchArriveInOrder()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        var replies = await smtp.PipelineAsync("MAIL FROM:<a@example.com>", "RCPT TO:<b@example.com>", "RCPT TO:<c@example.com>", "NOOP", "RSET", "RCPT TO:<d@example.com>", "MAIL FROM:<e@example.com>");
        Assert.Equal(
            ["250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "250 2.1.5 Recipient OK", "250 2.0.0 OK", "250 2.0.0 OK", "503 5.5.1 Need MAIL before this command", "250 2.1.0 Sender OK"],
            replies);
    }

    [Fact]
    public async Task RepliesToAPipelinedBatchAreFlushedOnce()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        var before = smtp.Flushes;
        var replies = await smtp.PipelineAsync("MAIL FROM:<a@example.com>", "RCPT TO:<b@example.com>", "RCPT TO:<c@example.com>", "RCPT TO:<d@example.com>", "DATA");
        Assert.Equal(5, replies.Length);
        Assert.Equal(before + 1, smtp.Flushes);
    }

    [Fact]
    public async Task RepliesToAHugePipelinedBatchAreFlushedInBoundedPieces()
    {
        // 20,000 NOOPs arrive at once and make 280,000 bytes of replies: the server must not buffer them all before
        // the first flush, however much input is still waiting.
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        var send = smtp.SendAsync(string.Concat(Enumerable.Repeat("NOOP\r\n", 20_000)) + "QUIT\r\n");
        var replies = await smtp.ReadToEndAsync();
        await send;
        Assert.EndsWith("221 2.0.0 localhost closing connection\r\n", replies, StringComparison.Ordinal);
        Assert.InRange(smtp.LargestFlush, 1, (64 * 1024) + 1024);
    }

    [Fact]
    public async Task EachCommandSentAloneIsFlushedAtOnce()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        var before = smtp.Flushes;
        await smtp.CommandAsync("NOOP");
        await smtp.CommandAsync("NOOP");
        Assert.Equal(before + 2, smtp.Flushes);
    }

    [Fact]
    public async Task ATransactionSplitAtEveryOffsetGivesTheSameRepliesAndCapture()
    {
        var bytes = Encoding.ASCII.GetBytes(Transaction);
        var (expectedReplies, expectedRaw) = await RunAsync([bytes]);
        Assert.Equal("Subject: split\r\n\r\n.dot\r\nline\r\n"u8.ToArray(), expectedRaw);
        Assert.Equal(7, expectedReplies.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Count(l => l[3] == ' '));

        for (var split = 1; split < bytes.Length; split++)
        {
            var (replies, raw) = await RunAsync([bytes[..split], bytes[split..]]);
            Assert.True(expectedReplies == replies, $"Replies differ when split at {split}: {replies}");
            Assert.True(expectedRaw.AsSpan().SequenceEqual(raw), $"Capture differs when split at {split}");
        }
    }

    [Fact]
    public async Task AChunkedTransactionSplitAtEveryOffsetGivesTheSameRepliesAndCapture()
    {
        var bytes = Encoding.ASCII.GetBytes(Chunked);
        var (expectedReplies, expectedRaw) = await RunAsync([bytes]);
        Assert.Equal("Subject: x\r\n\r\n.\r\nbin\0\r\n"u8.ToArray(), expectedRaw);

        for (var split = 1; split < bytes.Length; split++)
        {
            var (replies, raw) = await RunAsync([bytes[..split], bytes[split..]]);
            Assert.True(expectedReplies == replies, $"Replies differ when split at {split}: {replies}");
            Assert.True(expectedRaw.AsSpan().SequenceEqual(raw), $"Capture differs when split at {split}");
        }
    }

    [Fact]
    public async Task ATransactionSentOneByteAtATimeGivesTheSameRepliesAndCapture()
    {
        var bytes = Encoding.ASCII.GetBytes(Transaction);
        var (expectedReplies, expectedRaw) = await RunAsync([bytes]);
        var (replies, raw) = await RunAsync(bytes.Select(b => new[] { b }).ToArray());
        Assert.Equal(expectedReplies, replies);
        Assert.Equal(expectedRaw, raw);
    }

    /// <summary>Sends the pieces as separate writes and returns every reply byte and the single captured message.</summary>
    private static async Task<(string Replies, byte[] Raw)> RunAsync(byte[][] pieces)
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        foreach (var piece in pieces)
        {
            await smtp.SendAsync(piece);
        }

        var replies = await smtp.ReadToEndAsync();
        var message = Assert.Single(smtp.Store.Messages);
        return (replies.Replace(message.Id, "<id>", StringComparison.Ordinal), message.RawData.ToArray());
    }
}
