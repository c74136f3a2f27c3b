namespace SmtpFixture;

/// <summary>
/// Reports that a policy or callback threw while the server was answering a client, who got a temporary (4xx) reply:
/// <c>451 4.3.0</c> for a policy, <c>454 4.7.0</c> for the credential validator. Each inner exception names the reply.
/// Thrown, once, by the next <c>WaitFor…</c> call, the next FluentAssertions assertion on the server or
/// <see cref="SmtpTestServer.ThrowIfFaulted"/> (which the xUnit fixtures call when disposed), so that a broken policy
/// never goes unnoticed; never by <see cref="SmtpTestServer.DisposeAsync"/>.
/// </summary>
public sealed class SmtpPolicyException : AggregateException
{
    /// <summary>Creates the exception from the errors the server caught.</summary>
    public SmtpPolicyException(IEnumerable<Exception> errors)
        : base("A policy or callback threw while the SMTP server was answering; the client got a temporary (4xx) reply, named in each error.", errors)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SmtpPolicyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SmtpPolicyException()
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public SmtpPolicyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
