using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SmtpFixture.Protocol;
using SmtpFixture.Transport;

namespace SmtpFixture.Server;

/// <summary>
/// Accepts TCP connections and runs a session for each. The socket is bound before <see cref="Start"/> returns, so
/// the port is known and connections are queued from that moment: there is no window in which a client is refused.
/// </summary>
internal sealed class SmtpListener : IAsyncDisposable
{
    private readonly SmtpEngine _engine;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<Task, bool> _sessions = new();
    private readonly ConcurrentDictionary<SocketTransport, bool> _transports = new();
    // Shared by every server in the process: a suite that starts a server per test reuses the same few threads.
    private static readonly SessionThreads Threads = new();
    private readonly Action<Task> _forget;
    private Task _acceptLoop = Task.CompletedTask;
    private int _active;
    private int _disposed;

    public SmtpListener(SmtpEngine engine)
    {
        _engine = engine;
        _forget = session => _sessions.TryRemove(session, out _);
        var options = engine.Options;
        _socket = new Socket(options.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (options.Address.AddressFamily == AddressFamily.InterNetworkV6 && options.Address.Equals(IPAddress.IPv6Any))
            {
                _socket.DualMode = true;
            }

            AllowRebindOverTimeWait(_socket);
            _socket.Bind(new IPEndPoint(options.Address, options.Port));
            _socket.Listen(512);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// A connection closed by the server first stays in TIME_WAIT on the server's port for a minute, and Linux then
    /// refuses to bind that port again without SO_REUSEADDR: the standalone server restarted on its fixed port right
    /// after a run, or a test that rebinds the port it just freed, would fail with EADDRINUSE. Linux's SO_REUSEADDR
    /// still refuses a port with a live listener. It is set raw because .NET's <see cref="SocketOptionName.ReuseAddress"/>
    /// also sets SO_REUSEPORT on Unix, which would let two servers listen on one port; elsewhere the defaults are kept.
    /// </summary>
    private static void AllowRebindOverTimeWait(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            const int SolSocket = 1;
            const int SoReuseAddr = 2;
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        }
    }

    // The accept loop has a session thread of its own too: a blocking accept wakes it directly, and it hands each
    // connection to a waiting session thread, with no epoll thread and thread-pool hop in between.
    public void Start() => _acceptLoop = Threads.Run(AcceptLoopAsync);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Stop accepting first so the port is free as soon as the sessions are gone. The blocking accept is woken by
        // shutting the socket down, and the socket closed only once the loop has left accept: never close a socket
        // that another thread is blocked on (see SocketTransport.Interrupt). Where shutting down a listening socket
        // does not wake accept (not Linux), closing it after a moment does, as before.
        await _shutdown.CancelAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Not connected, as some systems say of a listening socket: the close below wakes the accept.
        }

        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _socket.Dispose();
            await _acceptLoop.ConfigureAwait(false);
        }

        _socket.Dispose();

        var sessions = _sessions.Keys.ToArray();
        var all = Task.WhenAll(sessions);
        try
        {
            await all.WaitAsync(_engine.Options.ShutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A session stuck writing to a client that does not read: cut the connection (its thread closes it).
            foreach (var transport in _transports.Keys)
            {
                transport.Interrupt();
            }

            await all.ConfigureAwait(false);
        }

        _shutdown.Dispose();
        Log.Stopped(_engine.Logger, EndPoint);
    }

    private async Task AcceptLoopAsync()
    {
        var failures = 0;
        while (!_shutdown.IsCancellationRequested)
        {
            Socket client;
            try
            {
                // Disposing the socket ends a blocking accept; after a back-off the loop runs on the pool, asynchronously.
                client = SessionSocketStream.OnSessionThread ? _socket.Accept() : await _socket.AcceptAsync(_shutdown.Token).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_shutdown.IsCancellationRequested)
                {
                    return;
                }

                // ECONNABORTED and friends: a client gave up between SYN and accept; keep serving. A persistent error
                // (EMFILE: the process is out of file descriptors) fails every accept at once, and retrying at once
                // would spin a core until a descriptor frees up: back off from the second failure in a row, growing
                // to 1 s. Real time on purpose: an injected test clock that is not advanced would stop accepting.
                if (++failures > 1 && !await BackOffAsync(failures).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            // A thread of its own per session, with blocking socket I/O: see SessionSocketStream.
            var session = Threads.Run(() => RunSessionAsync(client), _forget);
            _sessions.TryAdd(session, true);
            if (session.IsCompleted)
            {
                // It ended before it was added, and its thread's removal came first.
                _sessions.TryRemove(session, out _);
            }
        }
    }

    /// <summary>Waits 10 ms, 20 ms, … up to 1 s; false when shutdown interrupts the wait.</summary>
    private async Task<bool> BackOffAsync(int failures)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 10 << Math.Min(failures - 2, 7))), _shutdown.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RunSessionAsync(Socket client)
    {
        // Runs on the session's own thread (SessionThreads): its reads and writes block there and complete in place.
        var transport = new SocketTransport(client);
        _transports.TryAdd(transport, true);
        var active = Interlocked.Increment(ref _active);
        try
        {
            if (active > _engine.Options.MaxSessions)
            {
                await RefuseAsync(transport, client).ConfigureAwait(false);
                return;
            }

            var session = new SmtpSession(_engine, transport, client.RemoteEndPoint!, client.LocalEndPoint!);
            await session.RunAsync(_shutdown.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.WhileHandlingFailure(static x => Log.SessionFailed(x.Item1, "-", x.Item2), (_engine.Logger, ex));
        }
        finally
        {
            Interlocked.Decrement(ref _active);
            try
            {
                // Closing flushes what is left for the client; a client that does not read can block that, so the
                // transport stays where disposal can abort it until it is closed.
                await transport.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
            finally
            {
                _transports.TryRemove(transport, out _);
            }
        }
    }

    private async Task RefuseAsync(SocketTransport transport, Socket client)
    {
        var id = SmtpEngine.NewSessionId();
        Log.SessionLimitReached(_engine.Logger, id, _engine.Options.MaxSessions);
        var info = new SmtpSessionInfo { SessionId = id, RemoteEndPoint = client.RemoteEndPoint!, LocalEndPoint = client.LocalEndPoint!, ConnectedAt = _engine.Time.GetUtcNow() };
        new AttemptRecorder(_engine.Store, _engine.Time).Record(info, SmtpStage.Connect, "<connect>", Replies.TooManySessions, null);
        if (_engine.Security.Mode == SmtpTlsMode.Implicit)
        {
            // The client expects a TLS handshake first; a plaintext 421 would only read as a broken handshake.
            return;
        }

        Replies.TooManySessions.WriteTo(transport.Output, _engine.Options.AdvertiseEnhancedStatusCodes);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await transport.Output.FlushFullyAsync(bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
        }
    }
}
