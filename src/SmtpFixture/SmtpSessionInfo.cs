using System.Net;
using System.Security.Authentication;

namespace SmtpFixture;

/// <summary>What is known about an SMTP session at a point in time: who connected, how it greeted, TLS and authentication.</summary>
public sealed record SmtpSessionInfo
{
    /// <summary>The session id, unique within the process; also appears in the logs.</summary>
    public required string SessionId { get; init; }

    /// <summary>The client's endpoint.</summary>
    public required EndPoint RemoteEndPoint { get; init; }

    /// <summary>The server's endpoint the client connected to.</summary>
    public required EndPoint LocalEndPoint { get; init; }

    /// <summary>When the client connected, from the server's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset ConnectedAt { get; init; }

    /// <summary>The domain or address literal given with EHLO or HELO, or <see langword="null"/> before it.</summary>
    public string? ClientName { get; init; }

    /// <summary>Whether the client greeted with EHLO (extended SMTP) rather than HELO.</summary>
    public bool IsExtended { get; init; }

    /// <summary>Whether the session runs over TLS (STARTTLS or implicit TLS).</summary>
    public bool IsSecure { get; init; }

    /// <summary>The negotiated TLS protocol, or <see cref="SslProtocols.None"/>.</summary>
    public SslProtocols TlsProtocol { get; init; }

    /// <summary>The negotiated TLS cipher suite name, or <see langword="null"/>.</summary>
    public string? TlsCipherSuite { get; init; }

    /// <summary>The identity authenticated with AUTH, or <see langword="null"/>.</summary>
    public string? AuthenticatedUser { get; init; }

    /// <summary>The SASL mechanism used to authenticate, or <see langword="null"/>.</summary>
    public string? AuthenticationMechanism { get; init; }

    /// <summary>The client's IP address, when it connected over IP.</summary>
    public IPAddress? RemoteAddress => (RemoteEndPoint as IPEndPoint)?.Address;
}
