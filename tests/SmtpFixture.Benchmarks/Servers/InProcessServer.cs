using System.Net;
using netDumbster.smtp;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace SmtpFixture.Benchmarks.Servers;

/// <summary>
/// One .NET server started in this process, on a port the operating system chose. SmtpFixture captures every message
/// (as it always does); SmtpServer counts them in a message store that keeps nothing; netDumbster keeps them in its own
/// store, because that is the only way it has to notice a message (with its store off it raises no event at all).
/// </summary>
public abstract class InProcessServer : IAsyncDisposable
{
    public abstract int Port { get; }

    /// <summary>Messages accepted since the start or the last <see cref="Reset"/>.</summary>
    public abstract long Count { get; }

    public abstract void Reset();

    public abstract ValueTask DisposeAsync();

    public static async Task<InProcessServer> StartAsync(ServerKind kind) => kind switch
    {
        ServerKind.SmtpFixture => await Fixture.StartAsync().ConfigureAwait(false),
        ServerKind.SmtpFixtureNoChecks => await Fixture.StartAsync(checks: false).ConfigureAwait(false),
        ServerKind.SmtpServer => await CosullivanServer.StartAsync().ConfigureAwait(false),
        ServerKind.NetDumbster => Dumbster.Start(),
        _ => throw new ArgumentException($"{kind} cannot run in-process."),
    };

    public sealed class Fixture : InProcessServer
    {
        private Fixture(SmtpTestServer server) => Server = server;

        public SmtpTestServer Server { get; }

        public override int Port => Server.Port;

        public override long Count => Server.Messages.Count;

        public static async Task<Fixture> StartAsync(bool checks = true) =>
            new(await SmtpTestServer.StartAsync(o => o.Checks.Apply(checks ? SmtpFixture.Checks.SmtpCheckPreset.Default : SmtpFixture.Checks.SmtpCheckPreset.None)).ConfigureAwait(false));

        public override void Reset() => Server.Reset();

        public override ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private sealed class CosullivanServer : InProcessServer
    {
        private readonly SmtpServer.SmtpServer _server;
        private readonly CancellationTokenSource _stop;
        private readonly CountingStore _store;
        private readonly Task _running;

        private CosullivanServer(SmtpServer.SmtpServer server, CancellationTokenSource stop, CountingStore store, Task running, int port)
        {
            _server = server;
            _stop = stop;
            _store = store;
            _running = running;
            Port = port;
        }

        public override int Port { get; }

        public override long Count => Interlocked.Read(ref _store.Count);

        public static async Task<CosullivanServer> StartAsync()
        {
            var options = new SmtpServerOptionsBuilder()
                .ServerName("localhost")
                .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)))
                .Build();
            var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var listeners = new EndpointListenerFactory();
            listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
            var store = new CountingStore();
            var services = new ServiceProvider();
            services.Add(listeners);
            services.Add(store);
            var server = new SmtpServer.SmtpServer(options, services);
            var stop = new CancellationTokenSource();
            var running = server.StartAsync(stop.Token);
            var port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            return new CosullivanServer(server, stop, store, running, port);
        }

        public override void Reset() => Interlocked.Exchange(ref _store.Count, 0);

        public override async ValueTask DisposeAsync()
        {
            _server.Shutdown();
            await _server.ShutdownTask.ConfigureAwait(false);
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
        }

        private sealed class CountingStore : SmtpServer.Storage.MessageStore
        {
            public long Count;

            public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, System.Buffers.ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref Count);
                return Task.FromResult(SmtpResponse.Ok);
            }
        }
    }

    private sealed class Dumbster : InProcessServer
    {
        private readonly SimpleSmtpServer _server;

        private Dumbster(SimpleSmtpServer server) => _server = server;

        public override int Port => _server.Configuration.Port;

        public override long Count => _server.ReceivedEmailCount;

        public static Dumbster Start() =>
            new(Configuration.Configure().WithAddress(IPAddress.Loopback).EnableMessageStore(true).Build());

        public override void Reset() => _server.ClearReceivedEmail();

        public override ValueTask DisposeAsync()
        {
            _server.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
