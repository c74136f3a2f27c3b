using System.Net;
using SmtpFixture.Checks;
using SmtpFixture.Policies;
using SmtpFixture.Protocol;
using SmtpFixture.Transport;

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
        engine.Store.MessageAdded = message => Raise(MessageReceived, new SmtpMessageReceivedEventArgs(message), nameof(MessageReceived));
        engine.Store.CommandRefused = (session, exchange) => Raise(CommandRefused, new SmtpCommandRefusedEventArgs(session, exchange), nameof(CommandRefused));
        engine.Store.ViolationRecorded = violation => Raise(ViolationRecorded, new SmtpViolationEventArgs(violation), nameof(ViolationRecorded));
    }

    /// <summary>
    /// Raised for each accepted message, on the session's thread after the message is stored and before the client gets
    /// its <c>250</c> reply; keep handlers short. A handler that throws is reported like a failing policy
    /// (<see cref="SmtpPolicyException"/> from the next <c>WaitFor…</c> call or disposal); the client still gets its 250.
    /// </summary>
    public event EventHandler<SmtpMessageReceivedEventArgs>? MessageReceived;

    /// <summary>
    /// Raised for each command answered with a 4xx or 5xx reply (by the server itself or by a policy), on the session's
    /// thread before the reply is sent; keep handlers short. A handler that throws is reported like a failing policy.
    /// </summary>
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
    /// <exception cref="System.Net.Sockets.SocketException">The address or port cannot be bound.</exception>
    public static Task<SmtpTestServer> StartAsync(Action<SmtpTestServerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new SmtpTestServerOptions();
        configure?.Invoke(options);
        return StartAsync(options, cancellationToken);
    }

    /// <summary>Starts a server with the given options; it accepts connections when the returned task completes.</summary>
    /// <param name="options">The options; they must not be changed while the server runs, except <see cref="SmtpTestServerOptions.Policies"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="System.Net.Sockets.SocketException">The address or port cannot be bound.</exception>
    public static Task<SmtpTestServer> StartAsync(SmtpTestServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var engine = new SmtpEngine(options);
        var listener = new SmtpListener(engine);
        listener.Start();
        Log.Listening(engine.Logger, listener.EndPoint);
        return Task.FromResult(new SmtpTestServer(engine, listener));
    }

    /// <summary>The address the server listens on, as a string a client can connect to (e.g. <c>127.0.0.1</c> or <c>::1</c>).</summary>
    public string Host => EndPoint.Address.ToString();

    /// <summary>The port the server listens on: the one the operating system chose when <see cref="SmtpTestServerOptions.Port"/> is 0.</summary>
    public int Port => EndPoint.Port;

    /// <summary>The bound endpoint.</summary>
    public IPEndPoint EndPoint => _listener.EndPoint;

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
    /// <param name="timeout">How long to wait in real time; <see cref="SmtpTestServerOptions.DefaultWaitTimeout"/> if <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The first matching message.</returns>
    /// <exception cref="SmtpWaitTimeoutException">No matching message arrived in time; the message lists what did arrive and what was refused.</exception>
    /// <exception cref="SmtpPolicyException">A policy threw while answering a client.</exception>
    public Task<ReceivedMessage> WaitForMessageAsync(Func<ReceivedMessage, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _engine.Store.WaitForMessageAsync(predicate, timeout ?? _engine.Options.DefaultWaitTimeout, DescribePending, cancellationToken);

    /// <summary>Waits until at least <paramref name="count"/> messages have arrived since the start or the last <see cref="Reset"/>.</summary>
    /// <param name="count">How many messages; at least 1.</param>
    /// <param name="timeout">How long to wait in real time; <see cref="SmtpTestServerOptions.DefaultWaitTimeout"/> if <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The messages received so far, oldest first.</returns>
    /// <exception cref="SmtpWaitTimeoutException">Fewer messages arrived in time; the message lists what did arrive and what was refused.</exception>
    /// <exception cref="SmtpPolicyException">A policy threw while answering a client.</exception>
    public Task<IReadOnlyList<ReceivedMessage>> WaitForMessagesAsync(int count, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return _engine.Store.WaitForMessagesAsync(count, timeout ?? _engine.Options.DefaultWaitTimeout, DescribePending, cancellationToken);
    }

    /// <summary>A description of what was received and refused, and of every violation, as the failure messages show it.</summary>
    public string Describe() => _engine.Store.Describe();

    /// <summary>Forgets every message and attempt, clears <see cref="Script"/> and resets the state of every policy; for fixtures shared between tests.</summary>
    public void Reset() => _engine.Reset();

    /// <summary>
    /// Stops accepting, answers connected clients <c>421 4.3.2</c> and closes them, waits (bounded) for their sessions
    /// and frees the port. Safe to call more than once.
    /// </summary>
    /// <exception cref="SmtpPolicyException">A policy threw and no <c>WaitFor…</c> call has reported it yet.</exception>
    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        var errors = _engine.Store.TakeErrors();
        if (errors is not null)
        {
            throw errors;
        }
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

    private string DescribePending() => string.Join(
        Environment.NewLine,
        _engine.PolicyChain.Select(p => p.DescribePending()).Where(s => s.Length > 0));
}
