using BenchmarkDotNet.Attributes;
using SmtpFixture.Benchmarks.Servers;

namespace SmtpFixture.Benchmarks.InProcess;

/// <summary>
/// What a test pays for a fixture of its own: start on port 0, one client session through EHLO and QUIT, dispose.
/// The same loop and the same raw-socket client for every server.
/// </summary>
public class LifecycleBenchmarks
{
    [ParamsSource(nameof(Servers))]
    public ServerKind Server { get; set; }

    public static IEnumerable<ServerKind> Servers => ServerKinds.DotNet;

    /// <summary>Before each server: the previous one's connections in TIME_WAIT must not use up the ephemeral ports.</summary>
    [GlobalSetup]
    public void WaitForPorts() => Load.TimeWait.WaitForDrain(Console.Out);

    [Benchmark]
    public async Task StartEhloQuitDispose()
    {
        await using var server = await InProcessServer.StartAsync(Server).ConfigureAwait(false);
        await WireClient.EhloQuitAsync(server.Port).ConfigureAwait(false);
    }
}
