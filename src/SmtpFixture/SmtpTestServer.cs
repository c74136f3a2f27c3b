using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using SmtpFixture.Capture;
using SmtpFixture.Checks;
using SmtpFixture.Policies;
using SmtpFixture.Protocol;
using SmtpFixture.Server;

namespace SmtpFixture;

/// <summary>
/// A real SMTP server for tests: listens on an ephemeral loopback port, answers as its policies say, and captures
/// every message and every refused attempt. Start one with <see cref="StartAsync(Action{SmtpTestServerOptions}?, CancellationToken)"/>,
/// point the code under test at <see cref="Host"/> and <see cref="Port"/>, and dispose it when done.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly SmtpEngine _engine;
    private readonly SmtpListener _listener;

    private SmtpTestServer(SmtpEngine engine, SmtpListener listener)
    {
        _engine = engine;
        _listener = listener;
        EndPoint = Connectable(listener.EndPoint);
        engine.Store.MessageAdded = message => Raise(MessageReceived, new SmtpMessageReceivedEventArgs(message), nameof(MessageReceived));
        engine.Store.CommandRefused = (session, exchange) => Raise(CommandRefused, new SmtpCommandRefusedEventArgs(session, exchange), nameof(CommandRefused));
        engine.Store.ViolationRecorded = violation => Raise(ViolationRecorded, new SmtpViolationEventArgs(violation), nameof(ViolationRecorded));
    }

    /// <summary>
    /// Raised for each accepted message, after it is in <see cref="Messages"/> and before the client gets its
    /// <c>250</c> reply: the client waits while handlers run, so keep them short.
    /// </summary>
    /// <remarks>
    /// Handlers run on the session's thread, concurrently when several clients send at once, so they must be
    /// thread-safe. A handler that throws does not reach the client, who still gets its 250: the error is reported like
    /// a failing policy's, as an <see cref="SmtpPolicyException"/> from the next <c>WaitFor…</c> call, the next
    /// assertion or <see cref="ThrowIfFaulted"/>. To wait for a message in a test, <see cref="WaitForMessageAsync"/> is
    /// simpler than an event handler.
    /// </remarks>
    public event EventHandler<SmtpMessageReceivedEventArgs>? MessageReceived;

    /// <summary>
    /// Raised for each command answered with a 4xx or 5xx reply (by the server itself, by a policy or by the script),
    /// before that reply is sent: the client waits while handlers run, so keep them short.
    /// </summary>
    /// <remarks>
    /// Handlers run on the session's thread, concurrently when several clients send at once, so they must be
    /// thread-safe. The event also covers refusals that are not part of an attempt (an unknown command outside a
    /// transaction); the session-limit <c>421</c> at connect, given before any session exists, is only in
    /// <see cref="Attempts"/>. A handler that throws is reported like a failing policy. To wait for a refusal in a test,
    /// <see cref="WaitForRefusalAsync"/> is simpler than an event handler.
    /// </remarks>
    public event EventHandler<SmtpCommandRefusedEventArgs>? CommandRefused;

    /// <summary>
    /// Raised for each violation of an SMTP-layer or content rule as the session finds it, on the session's thread
    /// before the client is answered; keep handlers short. Message-layer rules (header fields, MIME structure) are
    /// checked on demand and not raised here: read <see cref="ReceivedMessage.Violations"/> from
    /// <see cref="MessageReceived"/> to have them at once.
    /// </summary>
    public event EventHandler<SmtpViolationEventArgs>? ViolationRecorded;

    /// <summary>Starts a server; it accepts connections when the returned task completes.</summary>
    /// <param name="configure">Sets options: address, port, limits, extensions, policies, logging, clock.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="IOException">The address or port cannot be bound (for a fixed port, most often because it is in use); the message names them, the inner <see cref="SocketException"/> has the error code.</exception>
    public static Task<SmtpTestServer> StartAsync(Action<SmtpTestServerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new SmtpTestServerOptions();
        configure?.Invoke(options);
        return StartAsync(options, cancellationToken);
    }

    /// <summary>Starts a server with the given options; it accepts connections when the returned task completes.</summary>
    /// <param name="options">The options; they must not be changed while the server runs, except <see cref="SmtpTestServerOptions.Policies"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="IOException">The address or port cannot be bound (for a fixed port, most often because it is in use); the message names them, the inner <see cref="SocketException"/> has the error code.</exception>
    public static Task<SmtpTestServer> StartAsync(SmtpTestServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var engine = new SmtpEngine(options);
        SmtpListener listener;
        try
        {
            listener = new SmtpListener(engine);
        }
        catch (SocketException ex)
        {
            throw BindFailed(options, ex);
        }

        listener.Start();
        Log.Listening(engine.Logger, listener.EndPoint);
        return Task.FromResult(new SmtpTestServer(engine, listener));
    }

    /// <summary>
    /// The address a client connects to, as a string (e.g. <c>127.0.0.1</c> or <c>::1</c>): the bound address, or the
    /// loopback address of its family when the server listens on all interfaces (<see cref="IPAddress.Any"/>,
    /// <see cref="IPAddress.IPv6Any"/>), which no client can connect to.
    /// </summary>
    public string Host => EndPoint.Address.ToString();

    /// <summary>The port the server listens on: the one the operating system chose when <see cref="SmtpTestServerOptions.Port"/> is 0.</summary>
    public int Port => BoundEndPoint.Port;

    /// <summary>The endpoint a client connects to: <see cref="Host"/> and <see cref="Port"/>.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The endpoint the server's socket is bound to, e.g. <c>0.0.0.0:2525</c> when it listens on all interfaces.</summary>
    public IPEndPoint BoundEndPoint => _listener.EndPoint;

    /// <summary>
    /// The certificate the server presents in TLS handshakes, or <see langword="null"/> without TLS; a test client
    /// trusts exactly this one by comparing thumbprints.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate => _engine.Security.Certificate;

    /// <summary>The options the server was started with.</summary>
    public SmtpTestServerOptions Options => _engine.Options;

    /// <summary>The policies; add or remove them at any time, also while clients are sending.</summary>
    public SmtpPolicyCollection Policies => _engine.Policies;

    /// <summary>
    /// This test's scripted replies and faults ("the next 2 RCPT TO for bob get 450"), consulted before every other
    /// policy; <see cref="Reset"/> clears it, and steps never used are listed when a <c>WaitFor…</c> call times out.
    /// </summary>
    public SmtpScript Script => _engine.Script;

    /// <summary>The messages accepted so far, oldest first (a snapshot).</summary>
    public IReadOnlyList<ReceivedMessage> Messages => _engine.Store.Messages;

    /// <summary>Every attempt so far, oldest first, including refused and aborted ones (a snapshot).</summary>
    public IReadOnlyList<SmtpAttempt> Attempts => _engine.Store.Attempts;

    /// <summary>
    /// Every rule clients broke so far, in every session, inside a transaction or not (<c>no-quit</c>, for instance),
    /// then the message-layer violations of each stored message (checked now if they were not yet).
    /// </summary>
    public IReadOnlyList<SmtpViolation> Violations => _engine.Store.Violations;

    /// <summary>How many messages were evicted because <see cref="SmtpTestServerOptions.MaxStoredMessages"/> was reached.</summary>
    public long EvictedMessageCount => _engine.Store.EvictedCount;

    /// <summary>Waits until a message matching <paramref name="predicate"/> has arrived, returning at once if one already has.</summary>
    /// <param name="predicate">Which message to wait for; <see langword="null"/> for any.</param>
    /// <param name="timeout">How long to wait in real time; <see cref="SmtpTestServerOptions.DefaultWaitTimeout"/> if <see langword="null"/>; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="predicateText">How the predicate reads in failure messages; filled in by the compiler from the argument's source text.</param>
    /// <returns>The first matching message.</returns>
    /// <exception cref="SmtpWaitTimeoutException">No matching message arrived in time; the message shows the predicate and lists what did arrive and what was refused.</exception>
    /// <exception cref="SmtpPolicyException">A policy threw while answering a client.</exception>
    /// <exception cref="ObjectDisposedException">The server was stopped (before or during the wait) and no matching message had arrived.</exception>
    /// <exception cref="TaskCanceledException">The wait was cancelled; the message says what it waited for.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public Task<ReceivedMessage> WaitForMessageAsync(
        Func<ReceivedMessage, bool>? predicate = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default,
        [CallerArgumentExpression(nameof(predicate))] string? predicateText = null)
    {
        CaptureWaiters.CheckTimeout(timeout, nameof(timeout));
        return _engine.Store.WaitForMessageAsync(predicate, timeout ?? _engine.Options.DefaultWaitTimeout, DescribePending, cancellationToken, predicateText);
    }

    /// <summary>Waits until at least <paramref name="count"/> messages have arrived since the start or the last <see cref="Reset"/>.</summary>
    /// <param name="count">How many messages; at least 1.</param>
    /// <param name="timeout">How long to wait in real time; <see cref="SmtpTestServerOptions.DefaultWaitTimeout"/> if <see langword="null"/>; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The messages received so far, oldest first.</returns>
    /// <exception cref="SmtpWaitTimeoutException">Fewer messages arrived in time; the message lists what did arrive and what was refused.</exception>
    /// <exception cref="SmtpPolicyException">A policy threw while answering a client.</exception>
    /// <exception cref="ObjectDisposedException">The server was stopped (before or during the wait) with fewer messages.</exception>
    /// <exception cref="TaskCanceledException">The wait was cancelled; the message says what it waited for.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1, or <paramref name="timeout"/> is negative.</exception>
    public Task<IReadOnlyList<ReceivedMessage>> WaitForMessagesAsync(int count, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        CaptureWaiters.CheckTimeout(timeout, nameof(timeout));
        return _engine.Store.WaitForMessagesAsync(count, timeout ?? _engine.Options.DefaultWaitTimeout, DescribePending, cancellationToken);
    }

    /// <summary>
    /// Waits until an attempt matching <paramref name="predicate"/> has ended (accepted, refused or aborted), returning at
    /// once if one already has: e.g. the first try of a client that the script refuses, before a fake clock is advanced
    /// for its retry.
    /// </summary>
    /// <param name="predicate">Which attempt to wait for, e.g. <c>a =&gt; a.Outcome == SmtpAttemptOutcome.Refused</c>; <see langword="null"/> for any that ended.</param>
    /// <param name="timeout">How long to wait in real time; <see cref="SmtpTestServerOptions.DefaultWaitTimeout"/> if <see langword="null"/>; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="predicateText">How the predicate reads in failure messages; filled in by the compiler from the argument's source text.</param>
    /// <returns>The first matching attempt in <see cref="Attempts"/>, oldest first.</returns>
    /// <exception cref="SmtpWaitTimeoutException">No matching attempt ended in time; the message shows the predicate and lists what did arrive and what was refused.</exception>
    /// <exception cref="SmtpPolicyException">A policy threw while answering a client.</exception>
    /// <exception cref="ObjectDisposedException">The server was stopped (before or during the wait) and no matching attempt had ended.</exception>
    /// <exception cref="TaskCanceledException">The wait was cancelled; the message says what it waited for.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public Task<SmtpAttempt> WaitForAttemptAsync(
        Func<SmtpAttempt, bool>? predicate = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default,
        [CallerArgumentExpression(nameof(predicate))] string? predicateText = null)
    {
        CaptureWaiters.CheckTimeout(timeout, nameof(timeout));
        return _engine.Store.WaitForAttemptAsync(predicate, timeout ?? _engine.Options.DefaultWaitTimeout, DescribePending, cancellationToken, predicateText);
    }

    /// <summary>
    /// Waits until a command was refused (answered 4xx or 5xx) in a way matching <paramref name="predicate"/>, returning at
    /// once if one already was: e.g. the <c>450</c> a client retries after. The refusals are those of <see cref="Attempts"/>,
    /// recorded before the reply is sent, so the wait can end before the client has read the reply.
    /// </summary>
    /// <param name="predicate">Which refusal to wait for, e.g. <c>r =&gt; r.Reply.Code == 450</c>; <see langword="null"/> for any.</param>
    /// <param name="timeout">How long to wait in real time; <see cref="SmtpTestServerOptions.DefaultWaitTimeout"/> if <see langword="null"/>; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="predicateText">How the predicate reads in failure messages; filled in by the compiler from the argument's source text.</param>
    /// <returns>The first matching refused command with its reply, oldest first.</returns>
    /// <exception cref="SmtpWaitTimeoutException">No matching refusal happened in time; the message shows the predicate and lists what did arrive and what was refused.</exception>
    /// <exception cref="SmtpPolicyException">A policy threw while answering a client.</exception>
    /// <exception cref="ObjectDisposedException">The server was stopped (before or during the wait) and no matching refusal had happened.</exception>
    /// <exception cref="TaskCanceledException">The wait was cancelled; the message says what it waited for.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public Task<SmtpExchange> WaitForRefusalAsync(
        Func<SmtpExchange, bool>? predicate = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default,
        [CallerArgumentExpression(nameof(predicate))] string? predicateText = null)
    {
        CaptureWaiters.CheckTimeout(timeout, nameof(timeout));
        return _engine.Store.WaitForRefusalAsync(predicate, timeout ?? _engine.Options.DefaultWaitTimeout, DescribePending, cancellationToken, predicateText);
    }

    /// <summary>
    /// Throws the errors of policies and event handlers that no <c>WaitFor…</c> call or assertion has reported yet, and
    /// forgets them; does nothing when there are none. Such an error got its client a 4xx reply and the session went on,
    /// so this is how a test that neither waits nor asserts afterwards still fails. The xUnit fixtures call it when they
    /// are disposed; <see cref="DisposeAsync"/> does not, so that it never hides a test's own failure.
    /// </summary>
    /// <exception cref="SmtpPolicyException">A policy or event handler threw; each inner exception names the session and the reply the client got.</exception>
    public void ThrowIfFaulted() => _engine.Store.ThrowIfFaulted();

    /// <summary>A description of what was received and refused, and of every violation, as the failure messages show it.</summary>
    public string Describe() => _engine.Store.Describe();

    /// <summary>
    /// Forgets every message and attempt, clears <see cref="Script"/> and resets the state of every policy; for fixtures
    /// shared between tests. Policy errors not yet reported are kept: a reset does not hide a broken policy.
    /// </summary>
    public void Reset() => _engine.Reset();

    /// <summary>
    /// Stops accepting, answers connected clients <c>421 4.3.2</c> and closes them, waits (bounded) for their sessions
    /// and frees the port; then ends pending <c>WaitFor…</c> calls with "the server was stopped". Safe to call more than
    /// once. It never throws: inside <c>await using</c> an exception here would replace the test's own failure. Policy
    /// errors not yet reported stay for <see cref="ThrowIfFaulted"/>; what was captured stays readable.
    /// </summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        _engine.Store.Stop();
    }

    /// <summary>The address and port, e.g. <c>127.0.0.1:45123</c>.</summary>
    public override string ToString() => EndPoint.ToString();

    private void Raise<T>(EventHandler<T>? handler, T args, string name)
        where T : EventArgs
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(this, args);
        }
        catch (Exception ex)
        {
            // A user callback must not take a session down (the reply is still sent); the test hears of it instead.
            _engine.Store.ReportError(new InvalidOperationException($"A {name} handler threw: {ex.Message}", ex));
        }
    }

    /// <summary>The address a client can connect to: loopback instead of the unspecified address of "all interfaces".</summary>
    private static IPEndPoint Connectable(IPEndPoint bound) =>
        bound.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, bound.Port)
        : bound.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, bound.Port)
        : bound;

    private static IOException BindFailed(SmtpTestServerOptions options, SocketException error)
    {
        var endPoint = new IPEndPoint(options.Address, options.Port);
        var advice = error.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse or SocketError.AccessDenied when options.Port != 0 =>
                " Use port 0 (the default) to let the operating system choose a free port, and read it from SmtpTestServer.Port.",
            SocketError.AddressNotAvailable => " The address does not belong to this machine; 127.0.0.1 (the default) always does.",
            _ => string.Empty,
        };
        var reason = error.SocketErrorCode == SocketError.AddressAlreadyInUse ? "the port is already in use" : error.Message;
        return new IOException($"The SMTP server cannot listen on {endPoint}: {reason} ({error.SocketErrorCode}).{advice}", error);
    }

    private string DescribePending() => string.Join(
        Environment.NewLine,
        _engine.PolicyChain.Select(p => p.DescribePending()).Where(s => s.Length > 0));
}
