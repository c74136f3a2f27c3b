namespace SmtpFixture.Policies;

/// <summary>The kinds of <see cref="SmtpVerdict"/>.</summary>
public enum SmtpVerdictKind
{
    /// <summary>No decision.</summary>
    Continue,

    /// <summary>Answer with a given reply, optionally closing the connection after it.</summary>
    Reply,

    /// <summary>Wait, then let the next policy decide.</summary>
    Delay,

    /// <summary>Close the connection without a reply.</summary>
    Drop,
}
