using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using SmtpFixture.Checks;
using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>STARTTLS (RFC 3207), implicit TLS (RFC 8314) and AUTH (RFC 4954) with PLAIN, LOGIN, CRAM-MD5 and XOAUTH2.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>
    /// RFC 4954 §4: SASL responses are not bound by the command line limit ("12288 octets is considered to be a
    /// sufficient line length limit"); longer ones fail AUTH with 500. The AUTH line itself gets the same leniency,
    /// since clients do send long initial responses (XOAUTH2 tokens often exceed 512 octets).
    /// </summary>
    private const int AuthLineLimit = 12288;

    private static readonly byte[] AuthPrefix = "AUTH "u8.ToArray();
    private const string XOAuth2Error = """{"status":"401","schemes":"bearer"}""";
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    // Set by STARTTLS's 220: the read loop performs the handshake once the current buffer has been given up.
    private bool _startTlsPending;
    private string? _authUser;
    private string? _authMechanism;
    private SaslExchange? _sasl;

    /// <summary>How much longer than <see cref="SmtpTestServerOptions.MaxCommandLength"/> a MAIL or RCPT line with ESMTP parameters may be.</summary>
    private const int ParameterLineAllowance = 1024;

    private bool IsSecure => _transport.TlsStream is not null;

    /// <summary>The longest line accepted at this point: longer while an AUTH exchange is under way or the line is AUTH.</summary>
    private int CommandLineLimit(in ReadOnlySequence<byte> buffer)
    {
        if (_sasl is not null)
        {
            return AuthLineLimit;
        }

        if (buffer.Length >= AuthPrefix.Length && _engine.Security.AuthenticationEnabled)
        {
            Span<byte> start = stackalloc byte[AuthPrefix.Length];
            buffer.Slice(0, AuthPrefix.Length).CopyTo(start);
            if (Ascii.EqualsIgnoreCase(start, AuthPrefix))
            {
                return AuthLineLimit;
            }
        }

        if (buffer.Length >= 5)
        {
            // RFC 1869 §4.1.2: each extension may lengthen MAIL and RCPT — SIZE by 26 (RFC 1870), ENVID by 100 and
            // ORCPT by 500 (RFC 3461 §4), AUTH= by 500 (RFC 4954 §5), SMTPUTF8 and BODY by a few more.
            Span<byte> verb = stackalloc byte[5];
            buffer.Slice(0, 5).CopyTo(verb);
            if (Ascii.EqualsIgnoreCase(verb, "MAIL "u8) || Ascii.EqualsIgnoreCase(verb, "RCPT "u8))
            {
                return _options.MaxCommandLength + ParameterLineAllowance;
            }
        }

        return _options.MaxCommandLength;
    }

    /// <summary>The refusal MAIL FROM gets while the session lacks TLS or authentication the options require.</summary>
    private SmtpReply? CheckSecurityRequirements() =>
        _options.RequireTls && !IsSecure ? SecurityReplies.TlsRequired
        : _options.RequireAuthentication && _authUser is null ? SecurityReplies.AuthRequired
        : null;

    private void StartTls(string args, string command)
    {
        var problem = IsSecure ? SecurityReplies.TlsAlreadyActive
            : _engine.Security.Mode != SmtpTlsMode.StartTls ? Replies.NotImplemented
            : args.Length > 0 ? SecurityReplies.StartTlsSyntax
            : _mailFrom is not null ? SecurityReplies.StartTlsInTransaction
            : null;
        if (problem is not null)
        {
            Reply(SmtpStage.StartTls, command, problem);
            return;
        }

        Reply(SmtpStage.StartTls, command, SecurityReplies.ReadyToStartTls);
        _startTlsPending = true;
    }

    /// <summary>
    /// Runs the handshake after STARTTLS was answered 220. <paramref name="discarded"/> octets followed STARTTLS in the
    /// plaintext input: RFC 3207 §4.2 has them discarded, never executed, since an attacker could have injected them.
    /// </summary>
    private async ValueTask UpgradeAfterStartTlsAsync(long discarded, CancellationToken shutdown)
    {
        _startTlsPending = false;

        // The transport flushes the 220 before it starts the handshake.
        _pendingOutput = false;
        _unflushedBytes = 0;
        if (discarded > 0)
        {
            Log.StartTlsInjectionDiscarded(_log, _id, discarded);
            // Nothing is left to refuse: the octets are discarded whatever the rule's mode (RFC 3207 §4.2 requires it).
            Violate(KnownRules.PipelinedAfterStartTls, SmtpStage.StartTls, "STARTTLS", null, $"{discarded} octets sent after STARTTLS, before the TLS handshake, were discarded.");
        }

        if (!await HandshakeAsync(SmtpStage.StartTls, shutdown).ConfigureAwait(false))
        {
            _close = true;
            return;
        }

        // RFC 3207 §4.2: the server discards what it learnt from the client before TLS; the client must EHLO again.
        EndTransaction(SmtpAttemptOutcome.Aborted);
        _clientName = null;
        _extended = false;
        _authUser = null;
        _authMechanism = null;
        _info = null;
    }

    /// <summary>For implicit TLS (RFC 8314 §3.3), the handshake happens before the greeting; true when the session may go on.</summary>
    private ValueTask<bool> StartImplicitTlsAsync(CancellationToken shutdown) =>
        _engine.Security.Mode == SmtpTlsMode.Implicit ? HandshakeAsync(SmtpStage.Connect, shutdown) : ValueTask.FromResult(true);

    private async ValueTask<bool> HandshakeAsync(SmtpStage stage, CancellationToken shutdown)
    {
        // A client that connects and never sends a ClientHello must not hold the session forever.
        using var timeout = new CancellationTokenSource(_options.IdleTimeout, _engine.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(shutdown, timeout.Token);
        try
        {
            await _transport.StartTlsAsync(_engine.Security.CreateServerOptions(), linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            var reason = ex.Message.ReplaceLineEndings(" ");
            Log.TlsHandshakeFailed(_log, _id, reason);
            if (!shutdown.IsCancellationRequested)
            {
                // Recorded as a refusal so that a client that sent no or a bad ClientHello shows up in the attempts.
                Record(stage, "<TLS handshake>", new SmtpReply(454, "4.7.0", "<TLS handshake failed: " + reason + ">"), null);
            }

            _transport.Abort();
            return false;
        }

        _info = null;
        var tls = _transport.TlsStream!;
        if (_log.IsEnabled(LogLevel.Debug))
        {
            Log.TlsEstablished(_log, _id, tls.SslProtocol, tls.NegotiatedCipherSuite.ToString());
        }

        return true;
    }

    private async ValueTask AuthAsync(string args, string command, CancellationToken cancellationToken)
    {
        var stage = SmtpStage.Auth;
        var security = _engine.Security;
        if (!security.AuthenticationEnabled)
        {
            Reply(stage, command, Replies.NotImplemented);
            return;
        }

        var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var mechanism = parts.Length > 0 ? SaslMechanisms.Normalize(parts[0]) : string.Empty;

        // RFC 3207 §4: a server that requires TLS answers 530 to anything but NOOP, EHLO, STARTTLS and QUIT.
        // RFC 4954 §4: AUTH is an extension (EHLO first), once per session, and never inside a mail transaction.
        var problem = _options.RequireTls && !IsSecure ? SecurityReplies.TlsRequired
            : _clientName is null || !_extended ? SecurityReplies.AuthNeedsEhlo
            : _authUser is not null ? SecurityReplies.AlreadyAuthenticated
            : _mailFrom is not null ? SecurityReplies.AuthInTransaction
            : parts.Length is 0 or > 2 ? SecurityReplies.AuthSyntax
            : !security.Mechanisms.Contains(mechanism) ? SecurityReplies.UnknownMechanism
            : !security.IsPermitted(mechanism, IsSecure) ? SecurityReplies.EncryptionRequired
            : parts.Length == 2 && mechanism == SaslMechanisms.CramMd5 ? SecurityReplies.InitialResponseNotAllowed
            : null;
        if (problem is not null)
        {
            Reply(stage, command, problem);
            return;
        }

        byte[]? initialResponse = null;
        if (parts.Length == 2 && !TryDecodeResponse(parts[1], out initialResponse))
        {
            Reply(stage, command, SecurityReplies.CannotDecode);
            return;
        }

        _sasl = new SaslExchange(mechanism, command);
        await StepAsync(initialResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A line received while an AUTH exchange waits for the client's response (RFC 4954 §4).</summary>
    private async ValueTask ContinueAuthAsync(Line line, CancellationToken cancellationToken)
    {
        var sasl = _sasl!;
        var cancelled = line.Kind == LineKind.Command && line.Text == "*";
        if (_log.IsEnabled(LogLevel.Debug))
        {
            // Responses carry passwords, digests and tokens: never log them.
            Log.ClientLine(_log, _id, cancelled ? "*" : "***");
        }

        var problem = line.Kind == LineKind.TooLong ? SecurityReplies.AuthLineTooLong
            : cancelled ? SecurityReplies.Cancelled
            : null;
        byte[]? response = null;
        if (problem is null && !TryDecodeResponse(line.Text, out response))
        {
            problem = SecurityReplies.CannotDecode;
        }

        if (problem is not null)
        {
            _sasl = null;
            Reply(SmtpStage.Auth, sasl.Command, problem);
            return;
        }

        await StepAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Advances the exchange with a response (null: AUTH came without an initial response): a challenge or a verdict.</summary>
    private async ValueTask StepAsync(byte[]? response, CancellationToken cancellationToken)
    {
        var sasl = _sasl!;
        if (sasl.Refused)
        {
            // XOAUTH2 after its error challenge: whatever the client answers, the exchange fails.
            _sasl = null;
            Reply(SmtpStage.Auth, sasl.Command, SecurityReplies.InvalidCredentials);
            return;
        }

        SmtpCredentials? credentials = null;
        switch (sasl.Mechanism)
        {
            case SaslMechanisms.Plain:
                // RFC 4616: [authzid] NUL authcid NUL passwd.
                if (response is null)
                {
                    Challenge(string.Empty);
                    return;
                }

                var plain = Encoding.UTF8.GetString(response).Split('\0');
                if (plain.Length == 3 && plain[1].Length > 0)
                {
                    credentials = SmtpCredentials.ForPassword(sasl.Mechanism, plain[1], plain[2], plain[0].Length > 0 ? plain[0] : null);
                }

                break;

            case SaslMechanisms.Login:
                // draft-murchison-sasl-login: user name, then password, each asked for; the first may come with AUTH.
                if (sasl.UserName is null)
                {
                    if (response is null)
                    {
                        Challenge("Username:");
                        return;
                    }

                    sasl.UserName = Encoding.UTF8.GetString(response);
                    Challenge("Password:");
                    return;
                }

                credentials = SmtpCredentials.ForPassword(sasl.Mechanism, sasl.UserName, Encoding.UTF8.GetString(response!));
                break;

            case SaslMechanisms.CramMd5:
                // RFC 2195: the server sends a unique challenge; the client answers "user hex(HMAC-MD5(password, challenge))".
                if (sasl.Challenge is null)
                {
                    sasl.Challenge = string.Create(
                        CultureInfo.InvariantCulture,
                        $"<{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}.{_engine.Time.GetUtcNow().ToUnixTimeSeconds()}@{_options.ServerName}>");
                    Challenge(sasl.Challenge);
                    return;
                }

                var cram = Encoding.UTF8.GetString(response!);
                var space = cram.LastIndexOf(' ');
                if (space > 0 && cram.Length - space - 1 == 32 && !cram.AsSpan(space + 1).ContainsAnyExcept(HexDigits))
                {
                    credentials = SmtpCredentials.ForDigest(sasl.Mechanism, cram[..space], sasl.Challenge, cram[(space + 1)..]);
                }

                break;

            case SaslMechanisms.XOAuth2:
                // Google's XOAUTH2: "user=" name ^A "auth=Bearer " token ^A ^A.
                if (response is null)
                {
                    Challenge(string.Empty);
                    return;
                }

                credentials = ParseXOAuth2(sasl.Mechanism, Encoding.UTF8.GetString(response));
                break;
        }

        _sasl = null;
        if (credentials is null)
        {
            Reply(SmtpStage.Auth, sasl.Command, SecurityReplies.MalformedResponse);
            return;
        }

        await FinishAuthAsync(sasl, credentials, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask FinishAuthAsync(SaslExchange sasl, SmtpCredentials credentials, CancellationToken cancellationToken)
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
            Log.WhileHandlingFailure(static x => Log.CredentialValidatorFailed(x.Item1, x.Item2, x.Item3), (_log, _id, ex));
            _engine.Store.ReportError(new InvalidOperationException($"ValidateCredentials threw for {credentials} in session {_id} (the client was answered {SecurityReplies.TemporaryAuthFailure.Code} {SecurityReplies.TemporaryAuthFailure.EnhancedStatusCode}): {ex.Message}", ex));
            Reply(stage, command, SecurityReplies.TemporaryAuthFailure);
            return;
        }

        if (!valid)
        {
            Log.AuthenticationFailed(_log, _id, credentials.UserName, credentials.Mechanism);
            if (sasl.Mechanism == SaslMechanisms.XOAuth2)
            {
                // As Gmail does: a 334 with a JSON error, answered by the client with an empty line, then 535.
                sasl.Refused = true;
                _sasl = sasl;
                Challenge(XOAuth2Error);
                return;
            }

            Reply(stage, command, SecurityReplies.InvalidCredentials);
            return;
        }

        // The policies see the identity being authenticated in the session info; a refusal takes it back.
        _authUser = credentials.UserName;
        _authMechanism = credentials.Mechanism;
        _info = null;
        var (verdict, by) = await ConsultAsync(stage, command, credentials.Mechanism, SmtpParameters.Empty, default, cancellationToken).ConfigureAwait(false);
        if (verdict.Kind != SmtpVerdictKind.Continue && verdict.Reply?.IsPositive != true)
        {
            _authUser = null;
            _authMechanism = null;
            _info = null;
        }
        else
        {
            Log.Authenticated(_log, _id, credentials.UserName, credentials.Mechanism);
        }

        if (verdict.Kind == SmtpVerdictKind.Continue)
        {
            Reply(stage, command, SecurityReplies.AuthSucceeded);
            return;
        }

        await ApplyAsync(stage, command, verdict, by, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a 334 challenge, base64-encoded (RFC 4954 §4); an empty one asks for the client's first response.</summary>
    private void Challenge(string text) =>
        Write(new SmtpReply(334, null, Convert.ToBase64String(Encoding.UTF8.GetBytes(text))));

    /// <summary>Decodes a base64 response; a lone "=" is an empty initial response (RFC 4954 §4).</summary>
    private static bool TryDecodeResponse(string text, out byte[] response)
    {
        text = text.Trim();
        if (text == "=")
        {
            response = [];
            return true;
        }

        var buffer = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            response = buffer[..written];
            return true;
        }

        response = [];
        return false;
    }

    private static SmtpCredentials? ParseXOAuth2(string mechanism, string text)
    {
        string? user = null;
        string? token = null;
        foreach (var field in text.Split('\x01', StringSplitOptions.RemoveEmptyEntries))
        {
            if (field.StartsWith("user=", StringComparison.Ordinal))
            {
                user = field[5..];
            }
            else if (field.StartsWith("auth=", StringComparison.Ordinal))
            {
                var auth = field[5..];
                if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    token = auth[7..].Trim();
                }
            }
        }

        return string.IsNullOrEmpty(user) || string.IsNullOrEmpty(token) ? null : SmtpCredentials.ForToken(mechanism, user, token);
    }

    /// <summary>The state of one AUTH exchange in progress.</summary>
    private sealed class SaslExchange(string mechanism, string command)
    {
        public string Mechanism { get; } = mechanism;

        /// <summary>The AUTH command line, secrets redacted: exchanges are recorded against it.</summary>
        public string Command { get; } = command;

        public string? UserName { get; set; }

        public string? Challenge { get; set; }

        /// <summary>The credentials were refused and the error challenge sent; the exchange ends with the next line.</summary>
        public bool Refused { get; set; }
    }
}
