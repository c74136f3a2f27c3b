namespace SmtpFixture.Benchmarks.Servers;

/// <summary>
/// <c>serve KIND</c>: runs one .NET server in this process for the load harness, so that its CPU time can be read from
/// /proc. Prints <c>PORT n</c>, then answers on stdin: <c>count</c> (messages since the last reset), <c>reset</c>
/// (forget messages, then collect garbage so the next run starts clean), <c>stats</c> (allocations, JIT, GCs) and
/// <c>quit</c> (or end of input).
/// </summary>
public static class HostCommand
{
    public static async Task<int> RunAsync(ServerKind kind)
    {
        var server = await InProcessServer.StartAsync(kind).ConfigureAwait(false);
        Console.Out.WriteLine($"PORT {server.Port}");
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            switch (line.Trim())
            {
                case "count":
                    Console.Out.WriteLine(server.Count);
                    break;
                case "stats":
                    // For profiling by hand: bytes allocated, methods compiled and GCs so far.
                    Console.Out.WriteLine($"allocated {GC.GetTotalAllocatedBytes(precise: true)} jitted {System.Runtime.JitInfo.GetCompiledMethodCount()} gc0 {GC.CollectionCount(0)} gc1 {GC.CollectionCount(1)} gc2 {GC.CollectionCount(2)}");
                    break;
                case "reset":
                    server.Reset();
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                    GC.WaitForPendingFinalizers();
                    Console.Out.WriteLine("ok");
                    break;
                case "quit":
                    await server.DisposeAsync().ConfigureAwait(false);
                    return 0;
            }

            Console.Out.Flush();
        }

        await server.DisposeAsync().ConfigureAwait(false);
        return 0;
    }
}
