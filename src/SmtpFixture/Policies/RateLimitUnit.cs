namespace SmtpFixture.Policies;

/// <summary>What <see cref="SmtpPolicies.RateLimit"/> counts.</summary>
public enum RateLimitUnit
{
    /// <summary>
    /// Message attempts: each MAIL FROM counts, whether or not the message is then delivered (a try whose recipients are
    /// greylisted or unknown counts too), as Postfix's anvil counts message delivery requests. A limit protects a server
    /// from load, and a retry is load; a MAIL FROM this policy refuses is not counted.
    /// </summary>
    Messages,

    /// <summary>Recipients, counted at each RCPT TO.</summary>
    Recipients,

    /// <summary>Connections: at connect per client address; per sender or identity, each session once, at its first MAIL FROM.</summary>
    Connections,
}
