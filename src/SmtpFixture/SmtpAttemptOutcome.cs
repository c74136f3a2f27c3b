namespace SmtpFixture;

/// <summary>How an attempt ended.</summary>
public enum SmtpAttemptOutcome
{
    /// <summary>Still going on.</summary>
    InProgress,

    /// <summary>The message was accepted with a 250 reply and captured.</summary>
    Accepted,

    /// <summary>
    /// The server refused it: a 4xx or 5xx reply ended it without a message. The 421 the server sends when it times a
    /// session out or shuts down does not count as a refusal: that attempt is <see cref="Aborted"/>.
    /// </summary>
    Refused,

    /// <summary>
    /// The client reset, quit or disconnected before the message was complete, or the server cut the session off (idle
    /// or data timeout, shutdown), in which case its closing 421 is the last exchange. An attempt that had already been
    /// refused in part (a 4xx or 5xx before that) reads as <see cref="Refused"/> instead.
    /// </summary>
    Aborted,
}
