using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using SmtpFixture.Checks;
using SmtpFixture.Policies;

namespace SmtpFixture;

/// <summary>How an <see cref="SmtpTestServer"/> listens, what it advertises, its limits and its policies.</summary>
public sealed class SmtpTestServerOptions
{
    /// <summary>The address to listen on; loopback by default. Use <see cref="IPAddress.IPv6Loopback"/> for ::1.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>The port to listen on; 0 (the default) lets the operating system choose a free one atomically.</summary>
    public int Port { get; set; }

    /// <summary>The name the server gives in its greeting and EHLO reply.</summary>
    public string ServerName { get; set; } = "localhost";

    /// <summary>The largest message accepted, in bytes (advertised as SIZE, RFC 1870); 0 means no limit. Default 25 MiB.</summary>
    public long MaxMessageSize { get; set; } = 25 * 1024 * 1024;

    /// <summary>The most recipients per message; more get <c>452 4.5.3</c>. Default 100, the minimum of RFC 5321 §4.5.3.1.8.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>The most concurrent sessions; further clients get <c>421 4.3.2</c> at connect. Default 1000.</summary>
    public int MaxSessions { get; set; } = 1000;

    /// <summary>The longest command line in octets including CRLF; longer lines get <c>500 5.5.6</c>. Default 512 (RFC 5321 §4.5.3.1.4).</summary>
    public int MaxCommandLength { get; set; } = 512;

    /// <summary>How long the server waits for a command before <c>421 4.4.2</c> and closing. Default 5 minutes (RFC 5321 §4.5.3.2.7).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest time one message's content may take to arrive before <c>421 4.4.2</c>. Default 10 minutes (RFC 5321 §4.5.3.2.6).</summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After this many consecutive rejected commands the server answers <c>421 4.7.0</c> and closes. Default 20; 0 disables.</summary>
    public int MaxBadCommands { get; set; } = 20;

    /// <summary>
    /// Whether a bare CR or LF in a command or in message content is refused with <c>500 5.5.2</c> instead of only being
    /// recorded: a shorthand for setting <see cref="Checks"/>[<see cref="SmtpRules.BareLineEnding"/>] to
    /// <see cref="SmtpCheckMode.Reject"/> (true) or <see cref="SmtpCheckMode.Record"/> (false).
    /// </summary>
    public bool RejectBareLineEndings
    {
        get => Checks[SmtpRules.BareLineEnding] == SmtpCheckMode.Reject;
        set => Checks[SmtpRules.BareLineEnding] = value ? SmtpCheckMode.Reject : SmtpCheckMode.Record;
    }

    /// <summary>
    /// What the server does about each rule a client can break (bare line endings, missing Date, leaked Bcc, …): by
    /// default every rule is recorded on <see cref="SmtpAttempt.Violations"/>, <see cref="ReceivedMessage.Violations"/>
    /// and <see cref="SmtpTestServer.Violations"/>, and nothing is refused for it.
    /// </summary>
    public SmtpCheckOptions Checks { get; } = new();

    /// <summary>The most messages kept; when full, the oldest is evicted and counted in <see cref="SmtpTestServer.EvictedMessageCount"/>. 0 (default) keeps all.</summary>
    public int MaxStoredMessages { get; set; }

    /// <summary>Whether EHLO advertises SIZE (RFC 1870).</summary>
    public bool AdvertiseSize { get; set; } = true;

    /// <summary>Whether EHLO advertises PIPELINING (RFC 2920). The server accepts pipelined commands either way.</summary>
    public bool AdvertisePipelining { get; set; } = true;

    /// <summary>Whether EHLO advertises and the server accepts 8BITMIME (RFC 6152).</summary>
    public bool Advertise8BitMime { get; set; } = true;

    /// <summary>Whether EHLO advertises and the server accepts SMTPUTF8 (RFC 6531).</summary>
    public bool AdvertiseSmtpUtf8 { get; set; } = true;

    /// <summary>Whether EHLO advertises ENHANCEDSTATUSCODES (RFC 2034); when hidden, replies carry no enhanced codes.</summary>
    public bool AdvertiseEnhancedStatusCodes { get; set; } = true;

    /// <summary>Whether EHLO advertises and the server accepts CHUNKING, i.e. BDAT (RFC 3030).</summary>
    public bool AdvertiseChunking { get; set; } = true;

    /// <summary>Whether EHLO advertises and the server accepts BINARYMIME (RFC 3030); needs <see cref="AdvertiseChunking"/>.</summary>
    public bool AdvertiseBinaryMime { get; set; } = true;

    /// <summary>Whether EHLO advertises and the server accepts DSN parameters (RFC 3461: RET, ENVID, NOTIFY, ORCPT).</summary>
    public bool AdvertiseDsn { get; set; } = true;

    /// <summary>
    /// Whether EHLO over TLS advertises REQUIRETLS (RFC 8689) and MAIL FROM accepts its <c>REQUIRETLS</c> parameter
    /// there (recorded in <see cref="SmtpEnvelope.RequireTls"/>); without TLS the parameter gets <c>555 5.5.4</c>.
    /// Off by default; needs <see cref="Tls"/>.
    /// </summary>
    public bool AdvertiseRequireTls { get; set; }

    /// <summary>Whether the server offers TLS: not at all (the default), through STARTTLS, or from the first byte (implicit TLS).</summary>
    public SmtpTlsMode Tls { get; set; }

    /// <summary>
    /// The server certificate, with its private key, when <see cref="Tls"/> is not <see cref="SmtpTlsMode.None"/>;
    /// <see langword="null"/> (the default) uses <see cref="SmtpCertificates.Localhost"/>, generated once per process.
    /// </summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>The TLS versions the server accepts; <see cref="SslProtocols.None"/> (the default) lets the operating system choose.</summary>
    public SslProtocols TlsProtocols { get; set; }

    /// <summary>
    /// User names and their passwords (or, for XOAUTH2, bearer tokens) that AUTH accepts (RFC 4954). Adding one
    /// enables AUTH; <see cref="ValidateCredentials"/>, when set, decides instead.
    /// </summary>
    public IDictionary<string, string> Users { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Decides whether credentials presented with AUTH are accepted, instead of <see cref="Users"/>; setting it enables
    /// AUTH. Use <see cref="SmtpCredentials.Matches"/> to check a password or token with any mechanism.
    /// </summary>
    public Func<SmtpCredentials, bool>? ValidateCredentials { get; set; }

    /// <summary>
    /// The SASL mechanisms AUTH offers, in the order advertised: by default <c>PLAIN</c>, <c>LOGIN</c>, <c>CRAM-MD5</c>
    /// and <c>XOAUTH2</c>, the ones the server implements.
    /// </summary>
    public IList<string> AuthenticationMechanisms { get; } = ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"];

    /// <summary>
    /// Whether mechanisms that send the secret readable (PLAIN, LOGIN, XOAUTH2) are offered without TLS. Off by default,
    /// as on real submission servers: before TLS they are not advertised and AUTH with them gets <c>538 5.7.11</c>.
    /// </summary>
    public bool AllowInsecureAuthentication { get; set; }

    /// <summary>
    /// Whether MAIL FROM and AUTH are refused with <c>530 5.7.0</c> until the session runs over TLS (RFC 3207 §4), and
    /// AUTH is not advertised before it; needs <see cref="Tls"/>.
    /// </summary>
    public bool RequireTls { get; set; }

    /// <summary>Whether MAIL FROM is refused with <c>530 5.7.0</c> until the client has authenticated (RFC 4954 §6); needs users or a validator.</summary>
    public bool RequireAuthentication { get; set; }

    /// <summary>Whether AUTH is offered: some user is configured or a validator is set.</summary>
    internal bool AuthenticationEnabled => Users.Count > 0 || ValidateCredentials is not null;

    /// <summary>
    /// Whether MAIL FROM and RCPT TO addresses must follow the strict RFC 5321 §4.1.2 mailbox grammar (dot-string or
    /// quoted-string local part, domain or address literal; non-ASCII only with SMTPUTF8, RFC 6531). Others get
    /// <c>553 5.1.7</c> (sender) or <c>553 5.1.3</c> (recipient), recorded as answered by <c>AddressSyntax</c>.
    /// On by default; set it to <see langword="false"/> to accept whatever the command syntax lets through, as
    /// lenient servers do. Checked before the <see cref="Policies"/>, after <see cref="SmtpTestServer.Script"/>.
    /// </summary>
    public bool StrictAddressSyntax { get; set; } = true;

    /// <summary>The policies consulted at each stage, in order; also reachable as <see cref="SmtpTestServer.Policies"/> while running.</summary>
    public SmtpPolicyCollection Policies { get; } = new();

    /// <summary>
    /// The DKIM public keys the server knows, in place of DNS, for <see cref="ReceivedMessage.VerifyDkim"/>: add an
    /// <see cref="Dkim.SmtpDkimKey"/> or a public key record. Keys may be added while the server runs.
    /// </summary>
    public Dkim.SmtpDkimKeyCollection DkimKeys { get; } = new();

    /// <summary>Where the server logs (the wire transcript at Debug); none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock for received times, policies and timeouts; tests pass a <c>FakeTimeProvider</c> to control it.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How long the <c>WaitFor…</c> methods wait when no timeout is given. Default 10 seconds, in real time.</summary>
    public TimeSpan DefaultWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long disposal waits for sessions to end after telling them the server is shutting down. Default 5 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Address, nameof(Address));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentException.ThrowIfNullOrWhiteSpace(ServerName, nameof(ServerName));
        if (ServerName.AsSpan().IndexOfAny(" \r\n") >= 0)
        {
            throw new ArgumentException("ServerName must be a domain or address literal, without spaces.", nameof(ServerName));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, IPEndPoint.MaxPort, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxMessageSize, nameof(MaxMessageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecipients, 1, nameof(MaxRecipients));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSessions, 1, nameof(MaxSessions));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCommandLength, 64, nameof(MaxCommandLength));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxBadCommands, nameof(MaxBadCommands));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxStoredMessages, nameof(MaxStoredMessages));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DataTimeout, TimeSpan.Zero, nameof(DataTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DefaultWaitTimeout, TimeSpan.Zero, nameof(DefaultWaitTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(ShutdownTimeout, TimeSpan.Zero, nameof(ShutdownTimeout));
        ValidateSecurity();
    }

    private void ValidateSecurity()
    {
        if (!Enum.IsDefined(Tls))
        {
            throw new ArgumentOutOfRangeException(nameof(Tls), Tls, "Unknown TLS mode.");
        }

        if (Tls == SmtpTlsMode.None && Certificate is not null)
        {
            throw new ArgumentException("A Certificate is set but Tls is None: set Tls to StartTls or Implicit.", nameof(Certificate));
        }

        if (Certificate is { HasPrivateKey: false })
        {
            throw new ArgumentException("The server certificate must have its private key.", nameof(Certificate));
        }

        if (RequireTls && Tls == SmtpTlsMode.None)
        {
            throw new ArgumentException("RequireTls needs Tls set to StartTls or Implicit.", nameof(RequireTls));
        }

        if (AdvertiseRequireTls && Tls == SmtpTlsMode.None)
        {
            throw new ArgumentException("AdvertiseRequireTls needs Tls set to StartTls or Implicit.", nameof(AdvertiseRequireTls));
        }

        if (RequireAuthentication && !AuthenticationEnabled)
        {
            throw new ArgumentException("RequireAuthentication needs Users or ValidateCredentials.", nameof(RequireAuthentication));
        }

        if (AuthenticationEnabled && AuthenticationMechanisms.Count == 0)
        {
            throw new ArgumentException("AUTH is enabled but AuthenticationMechanisms is empty.", nameof(AuthenticationMechanisms));
        }

        foreach (var mechanism in AuthenticationMechanisms)
        {
            if (!Protocol.SaslMechanisms.IsSupported(mechanism))
            {
                throw new ArgumentException($"Unsupported SASL mechanism '{mechanism}'; supported: PLAIN, LOGIN, CRAM-MD5, XOAUTH2.", nameof(AuthenticationMechanisms));
            }
        }
    }
}
