using SmtpFixture.Benchmarks.Servers;

namespace SmtpFixture.Benchmarks.InProcess;

public sealed record MemoryResult(string Server, int Size, int Messages, long RawSize, double RetainedPerMessage)
{
    public double Ratio => RetainedPerMessage / RawSize;
}

/// <summary>
/// Bytes the managed heap keeps per captured message, compared with the message's raw size: GC.GetTotalMemory(true)
/// after the messages arrived minus before, divided by their number. netDumbster with its message store is shown for
/// reference: it is the only peer that captures.
/// </summary>
public static class MemoryBenchmark
{
    public static async Task<IReadOnlyList<MemoryResult>> RunAsync(int messages, TextWriter log)
    {
        var results = new List<MemoryResult>();
        foreach (var size in new[] { 2048, 100 * 1024 })
        {
            foreach (var kind in new[] { ServerKind.SmtpFixture, ServerKind.NetDumbster })
            {
                // netDumbster takes tens of milliseconds per large message: fewer of them tell the same.
                var count = kind == ServerKind.NetDumbster ? Math.Min(messages, size > 2048 ? 200 : 1000) : messages;
                var result = await MeasureAsync(kind, size, count).ConfigureAwait(false);
                results.Add(result);
                log.WriteLine($"  {result.Server,-28} {size / 1024,3} KiB × {result.Messages}: {result.RetainedPerMessage,9:0} B retained per message, {result.Ratio:0.00}× raw");
            }
        }

        return results;
    }

    private static async Task<MemoryResult> MeasureAsync(ServerKind kind, int size, int messages)
    {
        var wire = Messages.Wire(size);
        await using var server = await InProcessServer.StartAsync(kind).ConfigureAwait(false);

        // Warm up the session, the pools and the JIT, then start from an empty store.
        await SendAsync(server.Port, wire, 20).ConfigureAwait(false);
        await WaitForCountAsync(server, 20).ConfigureAwait(false);
        server.Reset();
        var before = Settle();

        await SendAsync(server.Port, wire, messages).ConfigureAwait(false);
        await WaitForCountAsync(server, messages).ConfigureAwait(false);
        var after = Settle();
        var raw = server is InProcessServer.Fixture fixture ? fixture.Server.Messages[0].Size : Messages.RawSize(wire);
        GC.KeepAlive(server);
        var label = kind == ServerKind.NetDumbster ? "netDumbster 3.1.1 (its store)" : kind.Label();
        return new MemoryResult(label, size, messages, raw, (after - before) / (double)messages);
    }

    private static long Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task SendAsync(int port, byte[] wire, int count)
    {
        await using var client = await WireClient.ConnectAsync(port).ConfigureAwait(false);
        await client.CommandAsync("EHLO client.example.com", 250).ConfigureAwait(false);
        for (var i = 0; i < count; i++)
        {
            await client.SendAsync(wire).ConfigureAwait(false);
        }

        await client.CommandAsync("QUIT", 221).ConfigureAwait(false);
    }

    private static async Task WaitForCountAsync(InProcessServer server, int count)
    {
        // Only netDumbster may count a message after its 250; SmtpFixture stores it before replying.
        for (var i = 0; i < 1000 && server.Count < count; i++)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        if (server.Count < count)
        {
            throw new InvalidOperationException($"Only {server.Count} of {count} messages arrived.");
        }
    }
}
