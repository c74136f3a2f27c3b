using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.Logging;
using SmtpFixture.Transport;

namespace SmtpFixture.Protocol;

/// <summary>
/// One SMTP session (RFC 5321 §4.1): reads command lines and message content from the transport and hands them to
/// their handlers (<see cref="CommandDispatcher"/>, <see cref="ContentHandler"/>). Replies are flushed only when the session is
/// about to wait for input, so a pipelined batch (RFC 2920) gets its replies in one write. Only a broken connection ends a session.
/// </summary>
internal sealed partial class SmtpSession
{
    private readonly SmtpEngine _engine;
    private readonly ISmtpTransport _transport;
    private readonly SmtpTestServerOptions _options;
    private readonly ILogger _log;
    private readonly string _id;
    private readonly InputFramer _input = new();
    private readonly bool _enhanced;
    private SessionState _state;
    private bool _pendingOutput;

    // Reply bytes written since the last flush, counted here because PipeWriter.UnflushedBytes is not available on
    // every writer. A client that pipelines without reading must not make the reply buffer grow without bound.
    private long _unflushedBytes;
    private const long FlushThreshold = 64 * 1024;

    // The session's jobs, each working through the seam (SmtpSession.Seam.cs); created once per session.
    private readonly GreetingHandler _greeting;
    private readonly ContentHandler _content;
    private readonly SecurityHandler _security;
    private readonly CommandDispatcher _commands;

    // Set by STARTTLS's 220: the read loop performs the handshake once the current buffer has been given up.
    private bool _startTlsPending;

    private InputMode _mode = InputMode.Commands;
    private DateTimeOffset _dataDeadline;

    // When the session last had no command in progress: a command line must be complete within the idle timeout
    // from then (RFC 5321 §4.5.3.2.7), however slowly its bytes drip in.
    private DateTimeOffset _idleSince;

    public SmtpSession(SmtpEngine engine, ISmtpTransport transport, EndPoint remote, EndPoint local, string? id = null)
    {
        _engine = engine;
        _transport = transport;
        _options = engine.Options;
        _log = engine.Logger;
        _id = id ?? SmtpEngine.NewSessionId();
        Client = new ClientIdentity(transport, _id, remote, local, engine.Time.GetUtcNow());
        _enhanced = _options.AdvertiseEnhancedStatusCodes;
        Recorder = new AttemptRecorder(engine.Store, engine.Time);
        Policies = new PolicyRunner(this);
        Checks = new ClientChecks(this);
        _greeting = new GreetingHandler(this);
        _content = new ContentHandler(this);
        _security = new SecurityHandler(this);
        _commands = new CommandDispatcher(this, _greeting, new EnvelopeHandler(this), _content, _security);
    }

    internal enum InputMode
    {
        Commands,
        Data,
        Bdat,
    }

    public string Id => _id;

    private PipeReader Input => _transport.Input;

    private PipeWriter Output => _transport.Output;

    /// <summary>Runs the session until QUIT, a closing verdict, a timeout, shutdown or a lost connection.</summary>
    public async Task RunAsync(CancellationToken shutdown)
    {
        Log.SessionStarted(_log, _id, Client.Remote);
        using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _engine.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(shutdown, timeout.Token);
        var reason = CloseReason.None;
        try
        {
            if (await _security.StartImplicitTlsAsync(shutdown).ConfigureAwait(false) && await _greeting.GreetAsync(shutdown).ConfigureAwait(false))
            {
                await ReadLoopAsync(timeout, linked.Token, shutdown).ConfigureAwait(false);
                Checks.NoteClientLeft();
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            reason = CloseReason.Shutdown;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            reason = _mode == InputMode.Commands ? CloseReason.Idle : CloseReason.DataTimeout;
        }
        catch (Exception ex) when (IsConnectionError(ex))
        {
            Log.WhileHandlingFailure(static x => Log.ConnectionLost(x.Item1, x.Item2, x.Item3), (_log, _id, ex.Message));
            Checks.NoteClientLeft();
        }
        catch (Exception ex)
        {
            // A bug in the engine: never let it escape into the listener; the client sees the connection close.
            Log.WhileHandlingFailure(static x => Log.SessionFailed(x.Item1, x.Item2, x.Item3), (_log, _id, ex));
        }
        finally
        {
            EndSession(reason);
        }

        if (reason != CloseReason.None)
        {
            await ServerClosing.SayGoodbyeAsync(this, reason).ConfigureAwait(false);
        }

        Log.SessionEnded(_log, _id);
    }

    /// <summary>
    /// The one place where a session ends, however it ends (QUIT, a closing verdict, a timeout, shutdown, a lost
    /// connection, a bug): a 421 the server is about to send is recorded, an open transaction is aborted, buffers go back.
    /// </summary>
    private void EndSession(CloseReason reason)
    {
        if (reason != CloseReason.None)
        {
            ServerClosing.Record(this, reason);
        }

        EndTransaction(SmtpAttemptOutcome.Aborted);
        _state = SessionState.Closed;
        _input.Dispose();
    }

    private async Task ReadLoopAsync(CancellationTokenSource timeout, CancellationToken readToken, CancellationToken shutdown)
    {
        var needMore = false;
        _idleSince = _engine.Time.GetUtcNow();
        while (_state != SessionState.Closed)
        {
            if (needMore || !Input.TryRead(out var result))
            {
                // Armed before the flush: a client that stops reading our replies is as idle as one that stops
                // sending, and must not hold the session (and its buffers) forever.
                var wait = CurrentTimeout();
                if (wait > TimeSpan.Zero)
                {
                    timeout.CancelAfter(wait);
                }
                else
                {
                    // The deadline has passed: time out now rather than after a timer tick, which an injected
                    // clock that is not advanced again would never deliver.
                    await timeout.CancelAsync().ConfigureAwait(false);
                }

                if (_pendingOutput)
                {
                    _pendingOutput = false;
                    _unflushedBytes = 0;
                    await Output.FlushFullyAsync(readToken).ConfigureAwait(false);
                }

                result = await Input.ReadAsync(readToken).ConfigureAwait(false);
                timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            }

            var buffer = result.Buffer;
            var consumed = await ProcessAsync(buffer, shutdown).ConfigureAwait(false);
            var discarded = _startTlsPending ? buffer.Slice(consumed).Length : 0;

            // Stopped with input left because enough replies piled up: flush them, then carry on with the same input
            // (examined only up to what was consumed, so the next read returns at once).
            var flushFirst = _unflushedBytes >= FlushThreshold && _state != SessionState.Closed && !_startTlsPending && !consumed.Equals(buffer.End);
            Input.AdvanceTo(consumed, flushFirst ? consumed : buffer.End);
            if (_startTlsPending)
            {
                // What followed STARTTLS is dropped with the plaintext reader; the next read is over TLS.
                await UpgradeAfterStartTlsAsync(discarded, shutdown).ConfigureAwait(false);
                needMore = false;
                continue;
            }

            // Unconsumed bytes are an incomplete line or chunk: only new input can complete them.
            needMore = flushFirst || !consumed.Equals(buffer.End);
            if (result.IsCompleted && !flushFirst)
            {
                // The client closed its side: what is left is an incomplete line or incomplete content.
                break;
            }
        }

        if (_pendingOutput)
        {
            _pendingOutput = false;
            _unflushedBytes = 0;
            timeout.CancelAfter(_options.IdleTimeout < MaxTimer ? _options.IdleTimeout : MaxTimer);
            await Output.FlushFullyAsync(readToken).ConfigureAwait(false);
        }
    }

    /// <summary>After STARTTLS's 220: the transport flushes it before the handshake, which the security handler runs.</summary>
    private ValueTask UpgradeAfterStartTlsAsync(long discarded, CancellationToken shutdown)
    {
        _startTlsPending = false;
        _pendingOutput = false;
        _unflushedBytes = 0;
        return _security.UpgradeAfterStartTlsAsync(discarded, shutdown);
    }
}
