namespace SmtpFixture;

/// <summary>Thrown when a <c>WaitFor…</c> call times out; the message lists what did arrive and what was refused.</summary>
public sealed class SmtpWaitTimeoutException : TimeoutException
{
    /// <summary>Creates the exception with a message.</summary>
    public SmtpWaitTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public SmtpWaitTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SmtpWaitTimeoutException()
    {
    }
}
