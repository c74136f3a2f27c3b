using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace SmtpFixture.Cli.Http;

/// <summary>
/// Server-Sent Events for <c>GET /api/v1/events</c>. Server events are queued as they happen (the SMTP session only
/// enqueues) and turned into JSON by one pump task, which fans each out to every connected client. A client that
/// reads too slowly loses its oldest events rather than slowing anyone down.
/// </summary>
internal sealed class EventStream : IAsyncDisposable
{
    private const int ClientBacklog = 1000;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private readonly Channel<Func<(string Name, object Data)>> _incoming = Channel.CreateUnbounded<Func<(string, object)>>(new() { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly JsonSerializerOptions _json;
    private readonly Task _pump;
    private List<Channel<string>> _clients = [];

    public EventStream(JsonSerializerOptions json)
    {
        _json = json;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>
    /// Queues an event; <paramref name="describe"/> runs on the pump, off the caller's thread. With nobody listening
    /// nothing is queued, so a message costs no parsing for the stream until a client connects.
    /// </summary>
    public void Publish(Func<(string Name, object Data)> describe)
    {
        if (Volatile.Read(ref _clients).Count > 0)
        {
            _incoming.Writer.TryWrite(describe);
        }
    }

    /// <summary>Streams events to one client until it goes away or <paramref name="stopping"/> fires.</summary>
    public async Task StreamAsync(HttpContext context, CancellationToken stopping)
    {
        var client = Channel.CreateBounded<string>(new BoundedChannelOptions(ClientBacklog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _clients = [.. _clients, client];
        }

        try
        {
            using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";

            // A comment first, so the client sees the stream open (and its headers) before any mail arrives.
            await response.WriteAsync(": smtp-fixture events\n\n", done.Token).ConfigureAwait(false);
            await response.Body.FlushAsync(done.Token).ConfigureAwait(false);
            while (!done.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(done.Token);
                wait.CancelAfter(KeepAlive);
                string frame;
                try
                {
                    frame = await client.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!done.IsCancellationRequested)
                {
                    frame = ": keep-alive\n\n";
                }

                await response.WriteAsync(frame, done.Token).ConfigureAwait(false);
                await response.Body.FlushAsync(done.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The client left or the tool is stopping.
        }
        finally
        {
            lock (_gate)
            {
                _clients = [.. _clients.Where(c => c != client)];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _incoming.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        await foreach (var describe in _incoming.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            string frame;
            try
            {
                var (name, data) = describe();
                frame = new StringBuilder("event: ").Append(name).Append("\ndata: ").Append(JsonSerializer.Serialize(data, data.GetType(), _json)).Append("\n\n").ToString();
            }
            catch (Exception ex) when (ex is FormatException or NotSupportedException or InvalidOperationException)
            {
                continue;
            }

            List<Channel<string>> clients;
            lock (_gate)
            {
                clients = _clients;
            }

            foreach (var client in clients)
            {
                client.Writer.TryWrite(frame);
            }
        }
    }
}
