namespace SmtpFixture;

/// <summary>How an attempt ended.</summary>
public enum SmtpAttemptOutcome
{
    /// <summary>Still going on.</summary>
    InProgress,

    /// <summary>The message was accepted with a 250 reply and captured.</summary>
    Accepted,

    /// <summary>The server refused it: a 4xx or 5xx reply ended it without a message.</summary>
    Refused,

    /// <summary>The client reset, quit or disconnected (or the server shut down) before the message was complete.</summary>
    Aborted,
}
