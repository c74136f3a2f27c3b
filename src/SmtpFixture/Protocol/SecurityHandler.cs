using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Logging;
using SmtpFixture.Checks;
using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>STARTTLS (RFC 3207), implicit TLS (RFC 8314) and AUTH (RFC 4954) with PLAIN, LOGIN, CRAM-MD5 and XOAUTH2.</summary>
internal sealed class SecurityHandler
{
    private readonly SmtpSession _session;
    private readonly SmtpEngine _engine;
    private readonly SmtpTestServerOptions _options;
    private readonly ILogger _log;
    private SaslAuthenticator? _sasl;

    public SecurityHandler(SmtpSession session)
    {
        _session = session;
        _engine = session.Engine;
        _options = session.Options;
        _log = session.Logger;
    }

    /// <summary>Whether an AUTH exchange waits for the client's response: the next line is a SASL response (RFC 4954 §4).</summary>
    public bool InExchange => _sasl is not null;

    private string Id => _session.Id;

    private bool IsSecure => _session.Client.IsSecure;

    public void StartTls(SmtpCommand command)
    {
        if (IsSecure)
        {
            _session.Reply(command.Stage, command.Text, Replies.TlsAlreadyActive);
            return;
        }

        _session.Reply(command.Stage, command.Text, Replies.ReadyToStartTls);
        _session.StartTlsPending = true;
    }

    /// <summary>
    /// Runs the handshake after STARTTLS was answered 220. <paramref name="discarded"/> octets followed STARTTLS in the
    /// plaintext input: RFC 3207 §4.2 has them discarded, never executed, since an attacker could have injected them.
    /// </summary>
    public async ValueTask UpgradeAfterStartTlsAsync(long discarded, CancellationToken shutdown)
    {
        if (discarded > 0)
        {
            Log.StartTlsInjectionDiscarded(_log, Id, discarded);
            // Nothing is left to refuse: the octets are discarded whatever the rule's mode (RFC 3207 §4.2 requires it).
            _session.Checks.Violate(KnownRules.PipelinedAfterStartTls, SmtpStage.StartTls, "STARTTLS", null, $"{discarded} octets sent after STARTTLS, before the TLS handshake, were discarded.");
        }

        if (!await HandshakeAsync(SmtpStage.StartTls, shutdown).ConfigureAwait(false))
        {
            _session.State = SessionState.Closed;
            return;
        }

        // RFC 3207 §4.2: the server discards what it learnt from the client before TLS; the client must EHLO again.
        _session.EndTransaction(SmtpAttemptOutcome.Aborted);
        _session.State = SessionState.Connected;
        _session.Client.Forget();
    }

    /// <summary>For implicit TLS (RFC 8314 §3.3), the handshake happens before the greeting; true when the session may go on.</summary>
    public ValueTask<bool> StartImplicitTlsAsync(CancellationToken shutdown) =>
        _engine.Security.Mode == SmtpTlsMode.Implicit ? HandshakeAsync(SmtpStage.Connect, shutdown) : ValueTask.FromResult(true);

    private async ValueTask<bool> HandshakeAsync(SmtpStage stage, CancellationToken shutdown)
    {
        // A client that connects and never sends a ClientHello must not hold the session forever.
        using var timeout = new CancellationTokenSource(_options.IdleTimeout, _engine.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(shutdown, timeout.Token);
        try
        {
            await _session.Transport.StartTlsAsync(_engine.Security.CreateServerOptions(), linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            var reason = ex.Message.ReplaceLineEndings(" ");
            Log.TlsHandshakeFailed(_log, Id, reason);
            if (!shutdown.IsCancellationRequested)
            {
                // Recorded as a refusal so that a client that sent no or a bad ClientHello shows up in the attempts.
                _session.Recorder.Record(_session.Client.Info, stage, "<TLS handshake>", new SmtpReply(454, "4.7.0", "<TLS handshake failed: " + reason + ">"), null);
            }

            _session.Transport.Abort();
            return false;
        }

        _session.Client.Encrypted();
        var tls = _session.Transport.TlsStream!;
        if (_log.IsEnabled(LogLevel.Debug))
        {
            Log.TlsEstablished(_log, Id, tls.SslProtocol, tls.NegotiatedCipherSuite.ToString());
        }

        return true;
    }

    public async ValueTask AuthAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        var security = _engine.Security;
        var parts = command.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var mechanism = parts.Length > 0 ? SaslMechanisms.Normalize(parts[0]) : string.Empty;

        // RFC 3207 §4: a server that requires TLS answers 530 to anything but NOOP, EHLO, STARTTLS and QUIT.
        // RFC 4954 §4: AUTH is an extension (EHLO first, not HELO) and once per session; the sequence table has the rest.
        if (_options.RequireTls && !IsSecure)
        {
            _session.Reply(command.Stage, command.Text, SmtpReplies.TlsRequired, RequireTlsPolicy.PolicyName);
            return;
        }

        var problem = !_session.Client.IsExtended ? Replies.AuthNeedsEhlo
            : _session.Client.IsAuthenticated ? Replies.AlreadyAuthenticated
            : parts.Length is 0 or > 2 ? Replies.AuthSyntax
            : !security.Mechanisms.Contains(mechanism) ? Replies.UnknownMechanism
            : !security.IsPermitted(mechanism, IsSecure) ? Replies.EncryptionRequired
            : parts.Length == 2 && mechanism == SaslMechanisms.CramMd5 ? Replies.InitialResponseNotAllowed
            : null;
        if (problem is not null)
        {
            _session.Reply(command.Stage, command.Text, problem);
            return;
        }

        if (_session.Checks.RefusedForCleartextAuth(command, mechanism))
        {
            return;
        }

        _sasl = new SaslAuthenticator(mechanism, command.Text, _options.ServerName, _engine.Time);
        await StepAsync(_sasl.Start(parts.Length == 2 ? parts[1] : null), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A line received while an AUTH exchange waits for the client's response (RFC 4954 §4).</summary>
    public ValueTask ContinueAuthAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var text = line.Kind == LineKind.TooLong ? null : line.Text;
        if (_log.IsEnabled(LogLevel.Debug))
        {
            // Responses carry passwords, digests and tokens: never log them.
            Log.ClientLine(_log, Id, text == "*" ? "*" : "***");
        }

        return StepAsync(_sasl!.Respond(text), cancellationToken);
    }

    /// <summary>Carries out a step of the exchange: a 334 challenge, a failure, or checking the credentials.</summary>
    private async ValueTask StepAsync(SaslStep step, CancellationToken cancellationToken)
    {
        var sasl = _sasl!;
        if (step.Challenge is { } challenge)
        {
            // Base64-encoded (RFC 4954 §4); an empty one asks for the client's first response.
            _session.Write(new SmtpReply(334, null, Convert.ToBase64String(Encoding.UTF8.GetBytes(challenge))));
            return;
        }

        _sasl = null;
        if (step.Failure is { } failure)
        {
            _session.Reply(SmtpStage.Auth, sasl.Command, failure);
            return;
        }

        await FinishAuthAsync(sasl, step.Credentials!, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask FinishAuthAsync(SaslAuthenticator sasl, SmtpCredentials credentials, CancellationToken cancellationToken)
    {
        var stage = SmtpStage.Auth;
        var command = sasl.Command;
        bool valid;
        try
        {
            valid = _engine.Security.Validate(credentials);
        }
        catch (Exception ex)
        {
            // The test's validator is broken: the client gets a temporary failure and the test hears about it.
            Log.WhileHandlingFailure(static x => Log.CredentialValidatorFailed(x.Item1, x.Item2, x.Item3), (_log, Id, ex));
            _engine.Store.ReportError(new InvalidOperationException($"ValidateCredentials threw for {credentials} in session {Id} (the client was answered {Replies.TemporaryAuthFailure.Code} {Replies.TemporaryAuthFailure.EnhancedStatusCode}): {ex.Message}", ex));
            _session.Reply(stage, command, Replies.TemporaryAuthFailure);
            return;
        }

        if (!valid)
        {
            Log.AuthenticationFailed(_log, Id, credentials.UserName, credentials.Mechanism);
            _sasl = sasl;
            await StepAsync(sasl.Refuse(), cancellationToken).ConfigureAwait(false);
            return;
        }

        // The policies see the identity being authenticated in the session info; a refusal takes it back.
        _session.Client.Authenticated(credentials.UserName, credentials.Mechanism);
        var decision = await _session.Policies.ConsultAsync(stage, command, credentials.Mechanism, SmtpParameters.Empty, default, cancellationToken).ConfigureAwait(false);
        if (!decision.Accepts)
        {
            _session.Client.Authenticated(null, null);
        }
        else
        {
            Log.Authenticated(_log, Id, credentials.UserName, credentials.Mechanism);
        }

        await _session.Policies.ApplyAsync(stage, command, decision, Replies.AuthSucceeded, cancellationToken).ConfigureAwait(false);
    }
}
