using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SmtpFixture.Protocol;

/// <summary>What every session of one server shares about TLS and AUTH: the certificate and the SASL mechanisms.</summary>
internal sealed class SmtpSecurity
{
    private readonly SmtpTestServerOptions _options;
    private readonly SslStreamCertificateContext? _certificateContext;

    public SmtpSecurity(SmtpTestServerOptions options)
    {
        _options = options;
        Mode = options.Tls;
        if (Mode != SmtpTlsMode.None)
        {
            Certificate = options.Certificate ?? SmtpCertificates.Localhost;

            // Built once per server: the context holds the chain, so a handshake does not rebuild it.
            _certificateContext = SslStreamCertificateContext.Create(Certificate, additionalCertificates: null, offline: true);
        }

        Mechanisms = options.AuthenticationEnabled
            ? options.AuthenticationMechanisms.Select(SaslMechanisms.Normalize).Distinct(StringComparer.Ordinal).ToArray()
            : [];
    }

    public SmtpTlsMode Mode { get; }

    /// <summary>The server certificate, or <see langword="null"/> without TLS.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The mechanisms configured, normalised to upper case; empty when AUTH is off.</summary>
    public IReadOnlyList<string> Mechanisms { get; }

    public bool AuthenticationEnabled => Mechanisms.Count > 0;

    /// <summary>Whether <paramref name="mechanism"/> may be used now: clear-text ones only over TLS unless the test allows them (RFC 4954 §4).</summary>
    public bool IsPermitted(string mechanism, bool secure) =>
        secure || _options.AllowInsecureAuthentication || !SaslMechanisms.IsClearText(mechanism);

    /// <summary>The mechanisms to advertise in the current state; none before TLS when TLS is required (RFC 3207 §4).</summary>
    public IEnumerable<string> Advertised(bool secure) =>
        _options.RequireTls && !secure ? [] : Mechanisms.Where(m => IsPermitted(m, secure));

    /// <summary>Fresh options per handshake (SslStream keeps a reference); the expensive certificate context is shared.</summary>
    public SslServerAuthenticationOptions CreateServerOptions() => new()
    {
        ServerCertificateContext = _certificateContext,
        EnabledSslProtocols = _options.TlsProtocols,
        ClientCertificateRequired = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>Checks credentials with the validator when set, else against the configured users.</summary>
    public bool Validate(SmtpCredentials credentials) =>
        _options.ValidateCredentials is { } validate
            ? validate(credentials)
            : _options.Users.TryGetValue(credentials.UserName, out var secret) && credentials.Matches(secret);
}
