using System.Net.Security;

namespace NotificationService;

/// <summary>How transport security is used on the connection to the mail server.</summary>
public enum TransportSecurity
{
    /// <summary>Plain SMTP.</summary>
    None,

    /// <summary>Plain SMTP upgraded with STARTTLS (RFC 3207); refuse to send if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (submissions on port 465, RFC 8314).</summary>
    ImplicitTls,
}

/// <summary>Where and how notifications are sent.</summary>
public sealed record NotificationSettings
{
    public required string Host { get; init; }

    public int Port { get; init; } = 587;

    public TransportSecurity Security { get; init; } = TransportSecurity.StartTls;

    /// <summary>The account to authenticate as; no authentication when null.</summary>
    public string? UserName { get; init; }

    public string? Password { get; init; }

    /// <summary>Validates the server's certificate; null uses the system's trust store.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    public string FromAddress { get; init; } = "notifications@example.com";

    public string FromName { get; init; } = "Example Notifications";

    /// <summary>How often and how patiently a deferred (4xx) delivery is retried.</summary>
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>Signs every notification with DKIM (RFC 6376) when set.</summary>
    public DkimSettings? Dkim { get; init; }
}

/// <summary>The DKIM signing key: the domain (d=), the selector (s=) and the private key as PEM.</summary>
public sealed record DkimSettings(string Domain, string Selector, string PrivateKeyPem);

/// <summary>
/// Retries after transient (4xx) replies such as greylisting (450) or rate limiting (421), with exponential backoff.
/// The defaults follow common MTA practice: first retry after five minutes.
/// </summary>
public sealed class RetryPolicy
{
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMinutes(5);

    public double BackoffFactor { get; init; } = 2;

    public TimeSpan DelayBefore(int nextAttempt) =>
        TimeSpan.FromTicks((long)(InitialDelay.Ticks * Math.Pow(BackoffFactor, nextAttempt - 2)));
}
