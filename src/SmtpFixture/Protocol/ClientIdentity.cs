using System.Net;
using SmtpFixture.Transport;

namespace SmtpFixture.Protocol;

/// <summary>
/// What a session knows of its client: where it connected from, the name it gave in EHLO or HELO, whether the
/// connection is encrypted and who authenticated. Shown to policies and captures as one <see cref="SmtpSessionInfo"/>,
/// built again only after one of them changed.
/// </summary>
internal sealed class ClientIdentity
{
    private readonly ISmtpTransport _transport;
    private readonly string _sessionId;
    private readonly EndPoint _local;
    private readonly DateTimeOffset _connectedAt;
    private SmtpSessionInfo? _info;

    public ClientIdentity(ISmtpTransport transport, string sessionId, EndPoint remote, EndPoint local, DateTimeOffset connectedAt)
    {
        _transport = transport;
        _sessionId = sessionId;
        Remote = remote;
        _local = local;
        _connectedAt = connectedAt;
    }

    public EndPoint Remote { get; }

    /// <summary>The EHLO or HELO name; null before the client gave one (again after STARTTLS, RFC 3207 §4.2).</summary>
    public string? Name { get; private set; }

    /// <summary>Whether the session was opened with EHLO, which offers the extensions (RFC 5321 §2.2.1).</summary>
    public bool IsExtended { get; private set; }

    public bool IsSecure => _transport.TlsStream is not null;

    public string? User { get; private set; }

    public bool IsAuthenticated => User is not null;

    private string? Mechanism { get; set; }

    public SmtpSessionInfo Info => _info ??= new SmtpSessionInfo
    {
        SessionId = _sessionId,
        RemoteEndPoint = Remote,
        LocalEndPoint = _local,
        ConnectedAt = _connectedAt,
        ClientName = Name,
        IsExtended = IsExtended,
        IsSecure = IsSecure,
        TlsProtocol = _transport.TlsStream?.SslProtocol ?? System.Security.Authentication.SslProtocols.None,
        TlsCipherSuite = _transport.TlsStream?.NegotiatedCipherSuite.ToString(),
        AuthenticatedUser = User,
        AuthenticationMechanism = Mechanism,
    };

    /// <summary>The client named itself (EHLO or HELO accepted).</summary>
    public void Greeted(string name, bool extended)
    {
        Name = name;
        IsExtended = extended;
        _info = null;
    }

    /// <summary>The credentials were valid (RFC 4954); <see langword="null"/> takes the identity back.</summary>
    public void Authenticated(string? user, string? mechanism)
    {
        User = user;
        Mechanism = mechanism;
        _info = null;
    }

    /// <summary>TLS was established (STARTTLS or implicit): the session info shows its protocol and cipher suite.</summary>
    public void Encrypted() => _info = null;

    /// <summary>After STARTTLS the server forgets what it learnt from the client before TLS (RFC 3207 §4.2).</summary>
    public void Forget()
    {
        Name = null;
        IsExtended = false;
        User = null;
        Mechanism = null;
        _info = null;
    }
}
