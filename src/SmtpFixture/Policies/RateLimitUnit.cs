namespace SmtpFixture.Policies;

/// <summary>What <see cref="SmtpPolicies.RateLimit"/> counts.</summary>
public enum RateLimitUnit
{
    /// <summary>Messages, counted at each MAIL FROM (as Postfix's anvil counts message delivery requests).</summary>
    Messages,

    /// <summary>Recipients, counted at each RCPT TO.</summary>
    Recipients,

    /// <summary>Connections: at connect per client address; per sender or identity, each session once, at its first MAIL FROM.</summary>
    Connections,
}
