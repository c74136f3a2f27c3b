using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace SmtpFixture.Tests.Server;

/// <summary>
/// 200 concurrent connections × 25 messages over loopback, mixing DATA and BDAT (one or several chunks),
/// pipelined and not, with refused and aborted transactions in between. Every message answered 250 must be captured
/// byte-exact; nothing refused or aborted may be captured.
/// Sizes run from 1 byte to 1 MiB, skewed small so that the test stays light on a shared 2-core machine: 94 % are
/// log-uniform in [1 B, 16 KiB], 5.8 % log-uniform in [16 KiB, 128 KiB], 0.2 % log-uniform in [128 KiB, 1 MiB], and
/// one message is exactly 1 byte and one exactly 1 MiB: 5,000 messages, about 30 MB in all (mean ~6 KB). About one
/// transaction in 40 is aborted with RSET and one in 200 is refused as too large (552) after 1 MiB of BDAT.
/// </summary>
public sealed class StressTests(ITestOutputHelper output)
{
    private const int Connections = 200;
    private const int MessagesPerConnection = 25;
    private const int OneMiB = 1024 * 1024;
    private const string NoId = "<no id>";

    [Fact]
    public async Task TwoHundredConcurrentConnectionsOfTwentyFiveMessagesAreAllCapturedByteExact()
    {
        var seed = Random.Shared.Next();
        await using var server = await SmtpTestServer.StartAsync(o => o.MaxMessageSize = OneMiB + 4096);
        var expected = new ConcurrentDictionary<string, byte[]>();
        var refusedOrAborted = new ConcurrentBag<string>();
        var progress = new ConcurrentDictionary<int, string>();
        var watch = Stopwatch.StartNew();

        var clients = Enumerable.Range(0, Connections)
            .Select(c => Task.Run(() => RunConnectionAsync(server, c, new Random(seed + c), expected, refusedOrAborted, progress)))
            .ToArray();
        try
        {
            // A bound against hangs, not a timing assertion: it takes ~20 s on a loaded 2-core machine.
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromMinutes(4));
        }
        catch (TimeoutException)
        {
            var stuck = progress.Where(kv => !clients[kv.Key].IsCompleted).Select(kv => $"connection {kv.Key}: {kv.Value}");
            throw new TimeoutException($"seed {seed}: clients did not finish:{Environment.NewLine}{string.Join(Environment.NewLine, stuck)}");
        }
        var messages = await server.WaitForMessagesAsync(Connections * MessagesPerConnection, TimeSpan.FromSeconds(30));
        output.WriteLine($"seed {seed}: {messages.Count} messages, {messages.Sum(m => (long)m.Size) / 1024} KiB, {refusedOrAborted.Count} refused or aborted, in {watch.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(Connections * MessagesPerConnection, expected.Count);
        Assert.Equal(expected.Count, messages.Count);
        var tooShortForAnId = new List<string>();
        foreach (var message in messages)
        {
            var id = IdOf(message.RawData.Span);
            if (id == NoId)
            {
                tooShortForAnId.Add(Convert.ToBase64String(message.RawData.Span));
                continue;
            }

            Assert.True(expected.TryGetValue(id, out var bytes), $"seed {seed}: captured {id}, which was not answered 250");
            Assert.True(bytes.AsSpan().SequenceEqual(message.RawData.Span), $"seed {seed}: {id} differs ({bytes.Length} sent, {message.Size} captured)");
        }

        // Payloads shorter than their id header are compared as a multiset.
        var expectedShort = expected.Values.Where(b => IdOf(b) == NoId).Select(Convert.ToBase64String).Order().ToArray();
        Assert.Equal(expectedShort, tooShortForAnId.Order().ToArray());

        Assert.Equal(expected.Count, messages.Select(m => m.Id).Distinct().Count());
        Assert.Contains(messages, m => m.Size == 1);
        Assert.Contains(messages, m => m.Size == OneMiB);
        Assert.All(refusedOrAborted, id => Assert.DoesNotContain(messages, m => IdOf(m.RawData.Span) == id));
    }

    private static async Task RunConnectionAsync(SmtpTestServer server, int connection, Random random, ConcurrentDictionary<string, byte[]> expected, ConcurrentBag<string> refusedOrAborted, ConcurrentDictionary<int, string> progress)
    {
        using var client = await RawSmtpClient.ConnectAsync(server);
        Expect("220", await client.ReadReplyAsync());
        Expect("250", await client.CommandAsync("EHLO stress" + connection + ".example"));
        var pipelined = connection % 2 == 0;
        for (var m = 0; m < MessagesPerConnection; m++)
        {
            var id = $"{connection}-{m}";
            var size = connection == 0 && m == 0 ? 1 : connection == 1 && m == 0 ? OneMiB : NextSize(random);
            var useBdat = size < 16 || random.Next(2) == 0;
            progress[connection] = $"msg {m} size {size} bdat {useBdat} pipelined {pipelined}";
            var payload = useBdat ? BinaryPayload(id, size, random) : TextPayload(id, size, random);
            if (useBdat)
            {
                await SendBdatAsync(client, payload, pipelined, random);
            }
            else
            {
                await SendDataAsync(client, payload, pipelined);
            }

            Assert.True(expected.TryAdd(id, payload));

            // Now and then a transaction that must leave no message behind.
            var extra = random.Next(200);
            progress[connection] = $"msg {m} extra {extra}";
            switch (extra)
            {
                case < 5:
                    var aborted = $"{connection}-{m}-aborted";
                    Expect("250", await client.CommandAsync("MAIL FROM:<s@example.com>"));
                    Expect("250", await client.CommandAsync("RCPT TO:<r@example.com>"));
                    Expect("250", await client.CommandAsync("RSET"));
                    refusedOrAborted.Add(aborted);
                    break;
                case 5:
                    var tooLarge = $"{connection}-{m}-too-large";
                    var big = BinaryPayload(tooLarge, OneMiB + 8192, random);
                    await client.SendAsync($"MAIL FROM:<s@example.com>\r\nRCPT TO:<r@example.com>\r\nBDAT {big.Length} LAST\r\n");
                    await client.SendAsync(big);
                    Expect("250", await client.ReadReplyAsync());
                    Expect("250", await client.ReadReplyAsync());
                    Expect("552", await client.ReadReplyAsync());
                    refusedOrAborted.Add(tooLarge);
                    break;
            }
        }

        Expect("221", await client.CommandAsync("QUIT"));
    }

    private static async Task SendDataAsync(RawSmtpClient client, byte[] payload, bool pipelined)
    {
        var stuffed = DotStuff(payload);
        if (pipelined)
        {
            await client.SendAsync("MAIL FROM:<s@example.com>\r\nRCPT TO:<r@example.com>\r\nDATA\r\n");
            Expect("250", await client.ReadReplyAsync());
            Expect("250", await client.ReadReplyAsync());
            Expect("354", await client.ReadReplyAsync());
        }
        else
        {
            Expect("250", await client.CommandAsync("MAIL FROM:<s@example.com>"));
            Expect("250", await client.CommandAsync("RCPT TO:<r@example.com>"));
            Expect("354", await client.CommandAsync("DATA"));
        }

        await client.SendAsync(stuffed);
        await client.SendAsync(".\r\n");
        Expect("250", await client.ReadReplyAsync());
    }

    private static async Task SendBdatAsync(RawSmtpClient client, byte[] payload, bool pipelined, Random random)
    {
        // One chunk, or several of random sizes (the last may be empty: "BDAT 0 LAST").
        var cuts = new List<int> { 0 };
        for (var n = random.Next(3); n > 0; n--)
        {
            cuts.Add(random.Next(payload.Length + 1));
        }

        cuts.Add(payload.Length);
        cuts.Sort();
        var chunks = cuts.Zip(cuts.Skip(1), (a, b) => payload.AsMemory(a, b - a)).ToArray();
        if (pipelined)
        {
            // The whole transaction in one go (RFC 2920, RFC 3030 §4.2), then all the replies.
            var batch = new MemoryStream();
            batch.Write("MAIL FROM:<s@example.com>\r\nRCPT TO:<r@example.com>\r\n"u8);
            for (var i = 0; i < chunks.Length; i++)
            {
                batch.Write(Encoding.ASCII.GetBytes($"BDAT {chunks[i].Length}{(i == chunks.Length - 1 ? " LAST" : string.Empty)}\r\n"));
                batch.Write(chunks[i].Span);
            }

            await client.SendAsync(batch.ToArray());
            for (var i = 0; i < chunks.Length + 2; i++)
            {
                Expect("250", await client.ReadReplyAsync());
            }
        }
        else
        {
            Expect("250", await client.CommandAsync("MAIL FROM:<s@example.com>"));
            Expect("250", await client.CommandAsync("RCPT TO:<r@example.com>"));
            for (var i = 0; i < chunks.Length; i++)
            {
                await client.SendAsync($"BDAT {chunks[i].Length}{(i == chunks.Length - 1 ? " LAST" : string.Empty)}\r\n");
                await client.SendAsync(chunks[i]);
                Expect("250", await client.ReadReplyAsync());
            }
        }
    }

    private static int NextSize(Random random)
    {
        var (low, high) = random.Next(1000) switch
        {
            < 940 => (1.0, 16 * 1024.0),
            < 998 => (16 * 1024.0, 128 * 1024.0),
            _ => (128 * 1024.0, OneMiB),
        };
        return (int)Math.Clamp(Math.Exp(Math.Log(low) + (random.NextDouble() * (Math.Log(high) - Math.Log(low)))), 1, OneMiB);
    }

    /// <summary>A header with the id, then printable lines ending in CRLF, some starting with a dot: what DATA can carry.</summary>
    private static byte[] TextPayload(string id, int size, Random random)
    {
        var header = Encoding.ASCII.GetBytes($"X-Id: {id}\r\n\r\n");
        var bytes = new byte[Math.Max(size, header.Length + 2)];
        header.CopyTo(bytes, 0);
        var lineStart = header.Length;
        for (var i = header.Length; i < bytes.Length; i++)
        {
            var left = bytes.Length - i;
            if (left == 2 || (i - lineStart > 0 && random.Next(60) == 0 && left > 3))
            {
                bytes[i] = (byte)'\r';
                bytes[i + 1] = (byte)'\n';
                i++;
                lineStart = i + 1;
                continue;
            }

            bytes[i] = i == lineStart && random.Next(4) == 0 ? (byte)'.' : (byte)random.Next(32, 127);
        }

        return bytes;
    }

    /// <summary>The id, then arbitrary octets (bare CR and LF, NUL, 8-bit): what only BDAT carries unchanged.</summary>
    private static byte[] BinaryPayload(string id, int size, Random random)
    {
        var header = Encoding.ASCII.GetBytes($"X-Id: {id}\r\n\r\n");
        var bytes = new byte[size];
        random.NextBytes(bytes);
        header.AsSpan(0, Math.Min(header.Length, size)).CopyTo(bytes);
        return bytes;
    }

    private static byte[] DotStuff(byte[] payload)
    {
        var stuffed = new MemoryStream(payload.Length + 64);
        var lineStart = true;
        foreach (var b in payload)
        {
            if (lineStart && b == '.')
            {
                stuffed.WriteByte((byte)'.');
            }

            stuffed.WriteByte(b);
            lineStart = b == '\n';
        }

        return stuffed.ToArray();
    }

    private static string IdOf(ReadOnlySpan<byte> raw)
    {
        var text = Encoding.ASCII.GetString(raw[..Math.Min(raw.Length, 64)]);
        var end = text.IndexOf('\r', StringComparison.Ordinal);
        return text.StartsWith("X-Id: ", StringComparison.Ordinal) && end > 6 ? text[6..end] : NoId;
    }

    private static void Expect(string code, string reply)
    {
        if (!reply.StartsWith(code, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"expected {code}, got: {reply}");
        }
    }
}
