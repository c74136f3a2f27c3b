namespace SmtpFixture.Policies;

/// <summary>Whose traffic <see cref="SmtpPolicies.RateLimit"/> counts together.</summary>
public enum RateLimitScope
{
    /// <summary>Each client IP address has its own count.</summary>
    ClientAddress,

    /// <summary>Each reverse-path (MAIL FROM address) has its own count.</summary>
    Sender,

    /// <summary>Each authenticated identity (AUTH) has its own count; sessions that did not authenticate are not limited.</summary>
    AuthenticatedIdentity,
}
