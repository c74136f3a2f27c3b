using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace SmtpFixture;

/// <summary>Log messages of TLS and AUTH. None of them carries a secret: only mechanism names and user names.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 50, Level = LogLevel.Debug, Message = "[{SessionId}] TLS established: {Protocol} {CipherSuite}")]
    public static partial void TlsEstablished(ILogger logger, string sessionId, SslProtocols protocol, string cipherSuite);

    [LoggerMessage(EventId = 51, Level = LogLevel.Information, Message = "[{SessionId}] TLS handshake failed: {Reason}")]
    public static partial void TlsHandshakeFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "[{SessionId}] discarded {Length} octets sent after STARTTLS before the handshake (RFC 3207 §4.2)")]
    public static partial void StartTlsInjectionDiscarded(ILogger logger, string sessionId, long length);

    [LoggerMessage(EventId = 53, Level = LogLevel.Information, Message = "[{SessionId}] authenticated {UserName} with {Mechanism}")]
    public static partial void Authenticated(ILogger logger, string sessionId, string userName, string mechanism);

    [LoggerMessage(EventId = 54, Level = LogLevel.Information, Message = "[{SessionId}] authentication failed for {UserName} with {Mechanism}")]
    public static partial void AuthenticationFailed(ILogger logger, string sessionId, string userName, string mechanism);

    [LoggerMessage(EventId = 55, Level = LogLevel.Error, Message = "[{SessionId}] ValidateCredentials threw; answered 454 4.7.0")]
    public static partial void CredentialValidatorFailed(ILogger logger, string sessionId, Exception exception);
}
